"""What every ArticleStore must do (``articles.store.ArticleStore``): fixture ``store``, an
empty Store whose ``articles`` is the ArticleStore under test."""

from __future__ import annotations

import pytest

from curbside import articles
from curbside.articles.model import Article, BottomLine, Reference
from curbside.errors import NotFound

from .documents import parsed


def make_article(question: str, stamp: str, cites: str | None = None, **fields) -> Article:
    article_id = articles.new_id()
    references = (
        [Reference(n=1, document_id=cites, title="Gout", kind="guideline")] if cites else []
    )
    return Article(
        id=article_id,
        slug=articles.slugify(question, article_id),
        question=question,
        thread_id=article_id,
        bottom_line=BottomLine(text="Colchicine."),
        references=references,
        created_at=stamp,
        updated_at=stamp,
        **fields,
    )


class ArticleStoreConformance:
    def test_an_article_round_trips_by_id_and_slug(self, store):
        article = make_article("Gout: which dose?", "2026-01-01T00:00:00.000001+00:00")
        articles.save(store.articles, article, article.question, library_version=7)
        assert articles.load(store.articles, article.id) == article
        assert articles.load(store.articles, article.slug) == article
        row = store.articles.get_article(article.id)
        assert row["library_version"] == 7 and row["question_key"] == "gout which dose"
        with pytest.raises(NotFound):
            store.articles.get_article("nothing-here")

    def test_finding_the_newest_first_article_of_a_question(self, store):
        old = make_article("Gout dose?", "2026-01-01T00:00:00+00:00")
        new = make_article("gout   DOSE", "2026-01-02T00:00:00+00:00")
        patient = make_article("Gout dose?", "2026-01-03T00:00:00+00:00", audience="patient")
        for a in (old, new, patient):  # the newer one as a fresh re-answer
            articles.save(store.articles, a, a.question, 1, findable=a is not new)
        key = articles.question_key("Gout dose?")
        assert store.articles.find_article(key, "clinician")["id"] == new.id
        assert store.articles.find_article(key, "patient")["id"] == patient.id
        assert store.articles.find_article("other", "clinician") is None
        assert store.articles.find_article_variant(key, "patient", None) == patient.slug

    def test_the_same_question_twice_is_one_article(self, store):
        first = make_article("Gout: which dose?", "2026-01-01T00:00:00+00:00")
        second = make_article("gout which DOSE", "2026-01-01T00:00:01+00:00")
        assert articles.save(store.articles, first, first.question, 1) == first.id
        assert articles.save(store.articles, second, second.question, 1) == first.id
        assert [r["id"] for r in store.articles.list_articles()] == [first.id]
        follow = make_article("Gout: which dose?", "2026-01-02T00:00:00+00:00")
        follow.follow_up_of = first.id  # a follow-up is its own article, whatever it asks
        assert articles.save(store.articles, follow, follow.question, 1) == follow.id

    def test_citations_status_and_stamps(self, store):
        doc, _ = store.replace_document(*parsed("k1", "Gout", "Colchicine."))
        article = make_article("Gout?", "2026-01-01T00:00:00+00:00", cites=doc.id)
        articles.save(store.articles, article, article.question, 1)
        assert store.articles.articles_citing([doc.id]) == [article.id]
        assert store.articles.articles_citing(["other"]) == []
        store.articles.set_article_status(article.id, "approved")
        stamp = store.articles.article_stamp(article.slug)
        assert stamp[:3] == (article.id, "approved", 1) and stamp[3] > article.updated_at
        assert store.articles.article_stamp("missing") is None

    def test_listings_leave_abstentions_and_bodies_out(self, store):
        answered = make_article("Gout?", "2026-01-01T00:00:00+00:00")
        abstained = make_article("Quantum?", "2026-01-02T00:00:00+00:00", abstained=True)
        for a in (answered, abstained):
            articles.save(store.articles, a, a.question, 1)
        recent = store.articles.recent_articles()
        assert [r["id"] for r in recent] == [answered.id] and "body" not in recent[0]
        assert store.articles.recent_articles(status="approved") == []
        assert store.articles.recent_articles(exclude_status="submitted") == []
        assert store.articles.answered_questions() == [(answered.id, "Gout?", "gout")]
        assert [r["id"] for r in store.articles.list_articles()] == [abstained.id, answered.id]
