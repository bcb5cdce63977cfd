"""What every Retriever must do (``search.base.Retriever``, with its ``lexical`` helpers):
fixture ``rt``, a Runtime over an empty library whose ``retriever`` is under test."""

from __future__ import annotations

from .documents import parsed

GOUT = ("Colchicine 500 micrograms twice daily treats an acute gout flare.", "Allopurinol later.")
ASTHMA = ("Inhaled corticosteroids control persistent asthma in adults.",)


def _store(rt, key, title, *texts):
    doc, _ = rt.store.replace_document(*parsed(key, title, *texts))
    rt.retriever.sync()
    return doc


class RetrieverConformance:
    def test_search_finds_what_was_stored(self, rt):
        gout = _store(rt, "gout", "Gout", *GOUT)
        _store(rt, "asthma", "Asthma", *ASTHMA)
        result = rt.retriever.search("colchicine for gout", k=5)
        assert result.hits and result.hits[0].document.id == gout.id
        assert result.hits[0].passage.text == GOUT[0]
        assert all(h.document.id == gout.id for h in result.hits)
        scores = [h.score for h in result.hits]
        assert scores == sorted(scores, reverse=True)
        assert len(rt.retriever.search("gout asthma colchicine corticosteroids", k=1).hits) == 1

    def test_search_ids_agree_with_search(self, rt):
        _store(rt, "gout", "Gout", *GOUT)
        _store(rt, "asthma", "Asthma", *ASTHMA)
        plan = rt.retriever.plan("asthma inhaled corticosteroids")
        ids = [pid for pid, _ in rt.retriever.search_ids(plan, k=3)]
        hits = rt.retriever.search("asthma inhaled corticosteroids", k=3).hits
        assert ids == [h.passage.id for h in hits]

    def test_changes_follow_the_log(self, rt):
        _store(rt, "gout", "Gout", *GOUT)
        assert rt.retriever.search("colchicine", k=5).hits
        rt.store.replace_document(*parsed("gout", "Gout", "Febuxostat lowers urate."))
        rt.retriever.sync()
        texts = [h.passage.text for h in rt.retriever.search("colchicine febuxostat", k=5).hits]
        assert texts == ["Febuxostat lowers urate."]
        rt.store.remove_document("gout")
        rt.retriever.sync()
        assert rt.retriever.search("febuxostat", k=5).hits == []

    def test_nothing_matches_gives_no_hits(self, rt):
        _store(rt, "gout", "Gout", *GOUT)
        assert rt.retriever.search("zzzqqq", k=5).hits == []
        assert rt.retriever.search("", k=5).hits == []

    def test_the_lexical_helpers_see_the_library(self, rt):
        _store(rt, "gout", "Gout", *GOUT)
        _store(rt, "asthma", "Asthma", *ASTHMA)
        lexical = rt.retriever.lexical
        terms = lexical.tokenize("Treats flares")
        assert terms == lexical.tokenize("treats flares") and terms
        assert lexical.mentions("colchicine") and not lexical.mentions("warfarin")
        assert lexical.doc_freq(lexical.tokenize("colchicine")[0]) == 1
        idf = lexical.idf_table()
        held = idf(lexical.tokenize("colchicine")[0])
        assert 0 < held < idf(lexical.tokenize("warfarin")[0])  # rarer words weigh more
        assert lexical.spell("colchicene") == "colchicine"
        assert lexical.spell("colchicine") is None
        assert lexical.vocab.lexicon  # the medical vocabulary layer is loaded
