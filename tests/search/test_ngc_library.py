"""The real NGC archive: all 1,416 guideline summaries load, and the cobalamin guideline is
found for a dosing query with British spelling (skips where ../shared is absent)."""

from __future__ import annotations

import pytest

from curbside.answer.pipeline import answer

from ..conftest import shared_path

NGC_MAP = "title=title,text=major_recommendations,publisher=developer,year=date_released"


@pytest.fixture(scope="module")
def ngc(tmp_path_factory):
    from curbside.library.ingest import ingest
    from curbside.library.records import FieldMap
    from curbside.runtime import open_runtime
    from curbside.settings import Settings

    path = shared_path("ngc_guideline_summaries", "ngc_guideline_summaries.jsonl.gz")
    rt = open_runtime(Settings(home=tmp_path_factory.mktemp("ngc"), database_url=None))
    report = ingest([path], rt.store, rt.retriever, fmap=FieldMap.parse(NGC_MAP))
    yield rt, report
    rt.close()


@pytest.mark.slow
def test_all_ngc_guidelines_load(ngc):
    rt, report = ngc
    assert (report.new, report.failed) == (1416, [])
    assert rt.store.stats()["documents"] == 1416


@pytest.mark.slow
def test_the_cobalamin_guideline_is_in_the_top_three(ngc):
    rt, _ = ngc
    hits = rt.retriever.search("cyanocobalamin dose pernicious anaemia", k=3).hits
    titles = [h.document.title.lower() for h in hits]
    assert any("cobalamin and folate" in t for t in titles), titles
    assert any(
        "british society for haematology" in (h.document.publisher or "").lower() for h in hits
    )


@pytest.mark.slow
def test_the_otitis_media_question_answers_from_the_aap_guideline(ngc):
    rt, _ = ngc
    article = answer(
        "When can a child with acute otitis media be observed without antibiotics, "
        "and how long before starting them?",
        rt,
        fresh=True,
        persist=False,
    )
    assert not article.abstained
    first = article.references[0]
    assert "otitis media" in first.title.lower()
    assert "american academy of pediatrics" in (first.publisher or "").lower()
    text = " ".join([article.bottom_line.text] + [b.text for b in article.all_bullets()])
    assert "48 to 72 hours" in text
    assert "observation" in text


@pytest.mark.slow
def test_a_bicycle_question_abstains_over_the_ngc_library(ngc):
    rt, _ = ngc
    article = answer("How do I fix a puncture in a bicycle tyre?", rt, fresh=True, persist=False)
    assert article.abstained and not article.sections
