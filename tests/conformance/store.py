"""What every Store must do (``store.base.Store``): fixture ``store``, an empty Store."""

from __future__ import annotations

import pytest

from curbside.errors import NotFound
from curbside.models import SECTION_SEP, passage_id

from .documents import parsed


class StoreConformance:
    def test_a_new_document_gets_version_one_and_its_passages(self, store):
        doc, outcome = store.replace_document(*parsed("k1", "Gout", "Colchicine 500 mcg."))
        assert outcome == "new" and doc.version == 1 and doc.status == "current"
        assert store.get_document(doc.id).title == "Gout"
        passages = store.document_passages(doc.id)
        assert [p.id for p in passages] == [passage_id(doc.id, 0)]
        assert passages[0].section_path == SECTION_SEP.join(("Gout", "Treatment"))
        assert passages[0].text == "Colchicine 500 mcg." and not passages[0].retired
        assert store.get_document(doc.id).meta == {"note": "made in a test"}

    def test_the_same_content_again_is_unchanged(self, store):
        first, _ = store.replace_document(*parsed("k1", "Gout", "Colchicine."))
        again, outcome = store.replace_document(*parsed("k1", "Gout", "Colchicine."))
        assert outcome == "unchanged" and again.id == first.id

    def test_changed_content_supersedes_and_retires_the_old_passages(self, store):
        old, _ = store.replace_document(*parsed("k1", "Gout", "Colchicine."))
        new, outcome = store.replace_document(*parsed("k1", "Gout", "Allopurinol.", "Diet."))
        assert outcome == "updated" and new.version == 2 and new.id != old.id
        assert store.get_document(old.id).status == "superseded"
        assert store.get_document(old.id).superseded_by == new.id
        assert all(p.retired for p in store.document_passages(old.id))
        assert store.current_document("k1").id == new.id
        current = [p.id for batch in store.iter_current_passages() for p in batch]
        assert current == sorted(passage_id(new.id, i) for i in range(2))

    def test_removing_retires_and_logs(self, store):
        doc, _ = store.replace_document(*parsed("k1", "Gout", "Colchicine."))
        removed = store.remove_document("k1")
        assert removed.id == doc.id and removed.status == "removed"
        assert store.current_document("k1") is None
        assert store.remove_document("k1") is None
        ops = [(pid, op) for _, pid, op, _ in store.index_log_after(0)]
        assert ops == [(passage_id(doc.id, 0), "add"), (passage_id(doc.id, 0), "del")]

    def test_unknown_ids(self, store):
        with pytest.raises(NotFound):
            store.get_document("no-such-document")
        assert store.get_passages(["nope-0"]) == {}
        assert store.get_passages([]) == {}

    def test_passages_come_with_their_documents(self, store):
        doc, _ = store.replace_document(*parsed("k1", "Gout", "One.", "Two."))
        found = store.get_passages([passage_id(doc.id, 1), "missing-3"])
        assert list(found) == [passage_id(doc.id, 1)]
        passage, document = found[passage_id(doc.id, 1)]
        assert passage.text == "Two." and document.id == doc.id and document.meta

    def test_listing_and_finding_documents(self, store):
        store.replace_document(*parsed("a#ngc-1", "Asthma in adults", "Inhaled steroids."))
        store.replace_document(*parsed("b#ngc-2", "Gout", "Colchicine."))
        assert [d.title for d in store.list_documents()] == ["Asthma in adults", "Gout"]
        assert [d.title for d in store.list_documents("asthma")] == ["Asthma in adults"]
        assert [d.title for d in store.list_documents(limit=1, offset=1)] == ["Gout"]
        assert [d.key for d in store.find_documents_by_key_suffix("#ngc-2")] == ["b#ngc-2"]
        assert sorted(t for _, t in store.document_titles()) == ["Asthma in adults", "Gout"]

    def test_the_index_log_is_ordered_and_marks_its_transactions(self, store):
        store.replace_document(*parsed("k1", "Gout", "One.", "Two."))
        store.replace_document(*parsed("k1", "Gout", "Three."))
        log = store.index_log_after(0)
        seqs = [seq for seq, _, _, _ in log]
        assert seqs == sorted(seqs) and len(seqs) == 5 and store.last_log_seq() == seqs[-1]
        assert store.index_log_after(seqs[0], limit=1) == [log[1]]
        versions = [version for _, _, _, version in log]
        # One library version per transaction: the update's del and add entries share one.
        assert versions == [1, 1, 2, 2, 2] and [op for _, _, op, _ in log][2:] == ["del"] * 2 + [
            "add"
        ]

    def test_the_log_is_trimmed_to_the_slowest_index(self, store):
        store.replace_document(*parsed("k1", "Gout", "One.", "Two."))
        store.replace_document(*parsed("k2", "Asthma", "Three."))
        log = store.index_log_after(0)
        store.record_index_position("server-a", log[2][0])
        assert store.index_log_after(0) == []  # the only index holds it all
        assert store.index_log_floor() == log[2][0] == store.last_log_seq()
        store.replace_document(*parsed("k3", "Gout", "Four."))
        store.record_index_position("server-b", log[2][0])
        fourth = store.index_log_after(0)
        assert [pid for _, pid, _, _ in fourth] == [fourth[0][1]] and len(fourth) == 1
        store.record_index_position("server-a", fourth[0][0])
        assert len(store.index_log_after(0)) == 1  # server-b has not applied it yet
        store.record_index_position("server-b", fourth[0][0])
        assert store.index_log_after(0) == [] and store.last_log_seq() == fourth[0][0]

    def test_the_library_version_counts_changes(self, store):
        assert store.library_version() == 0
        store.replace_document(*parsed("k1", "Gout", "One."))
        store.replace_document(*parsed("k1", "Gout", "One."))  # unchanged: not a change
        store.replace_document(*parsed("k1", "Gout", "Two."))
        store.remove_document("k1")
        assert store.library_version() == 3

    def test_the_library_uid_is_minted_once(self, store):
        assert store.library_uid() == store.library_uid()
        assert len(store.library_uid()) == 32

    def test_stats(self, store):
        store.replace_document(*parsed("k1", "Gout", "One.", "Two."))
        stats = store.stats()
        assert stats["documents"] == 1 and stats["passages"] == 2
        assert stats["publishers"] == [("Conformance Society", 1)]
        assert stats["library_version"] == 1 and stats["last_ingest"]

    def test_text_survives_exactly(self, store):
        text = "Naïve café — 5 µg/kg; <b>&amp;</b> \"quoted\" 'single' \\ back\tslash 😀"
        doc, _ = store.replace_document(*parsed("odd", "Odd ‘title’", text))
        assert store.document_passages(doc.id)[0].text == text
        assert store.get_document(doc.id).title == "Odd ‘title’"
