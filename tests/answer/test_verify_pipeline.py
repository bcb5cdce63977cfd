"""The verifier has the last word whatever the engine: a planted wrong number is dropped and
counted, and no number outside the evidence reaches the article."""

from __future__ import annotations

import re

import pytest

from curbside.answer.analyse import Analysis, analyse
from curbside.answer.compose import Draft, DraftBullet
from curbside.answer.engines import ExtractiveEngine
from curbside.answer.evidence import Candidate, GroupWeights, candidates, select
from curbside.answer.pipeline import answer
from curbside.answer.verify import unsupported_numbers
from curbside.answer.verify_draft import verify_draft
from curbside.runtime import Runtime

from .invariants import assert_contract

QUESTION = (
    "What hydroxocobalamin regimen should an adult with vitamin B12 deficiency without "
    "neurological involvement receive?"
)
ONE_MG = re.compile(r"\b1 mg\b")


def _chosen(rt: Runtime, question: str) -> tuple[Analysis, list[Candidate]]:
    plan = rt.retriever.plan(question)
    analysis = analyse(question, plan, rt.retriever.lexical.vocab)
    hits = rt.retriever.search(question, k=30).hits
    weights = GroupWeights.build(
        plan, rt.retriever.lexical.tokenize, rt.retriever.lexical.idf_table()
    )
    return analysis, select(candidates(hits, analysis, weights, rt.retriever.lexical.tokenize))


# ---- verify_draft on a hand-built draft --------------------------------------------------------


def test_verify_draft_drops_a_bullet_with_a_planted_wrong_number(library: Runtime):
    _, chosen = _chosen(library, QUESTION)
    with_dose = [c for c in chosen if ONE_MG.search(c.text)]
    others = [c for c in chosen if not ONE_MG.search(c.text)]
    assert len(with_dose) >= 2 and others
    planted = DraftBullet(ONE_MG.sub("2 mg", with_dose[0].text, count=1), [with_dose[0]])
    draft = Draft(
        bottom_line=[DraftBullet(with_dose[1].text, [with_dose[1]])],
        sections=[
            ("Initial treatment", [planted, *(DraftBullet(c.text, [c]) for c in others[:3])]),
            ("Only a wrong number", [planted]),
        ],
    )
    kept, dropped = verify_draft(draft)
    assert dropped == 2
    assert [b.text for b in kept.bottom_line] == [with_dose[1].text]
    assert [title for title, _ in kept.sections] == ["Initial treatment"]
    texts = [b.text for _, bullets in kept.sections for b in bullets]
    assert planted.text not in texts
    assert texts == [c.text for c in others[:3]]


def test_verify_draft_keeps_pure_extracts(library: Runtime):
    _, chosen = _chosen(library, QUESTION)
    draft = Draft(sections=[("Key recommendations", [DraftBullet(c.text, [c]) for c in chosen])])
    kept, dropped = verify_draft(draft)
    assert dropped == 0
    assert kept.sections[0][1] == draft.sections[0][1]


def test_verify_draft_drops_unsourced_and_unsupported_bullets(library: Runtime):
    _, chosen = _chosen(library, QUESTION)
    source = chosen[0]
    draft = Draft(
        bottom_line=[DraftBullet(source.text, [])],  # no evidence at all
        sections=[
            (
                "Key recommendations",
                [
                    DraftBullet(
                        "Warfarin interacts with grapefruit juice in older adults.", [source]
                    ),
                    DraftBullet(source.text, [source]),
                ],
            )
        ],
    )
    kept, dropped = verify_draft(draft)
    assert dropped == 2
    assert kept.bottom_line == []
    assert [b.text for b in kept.sections[0][1]] == [source.text]


def test_verify_draft_unit_equivalence_is_kept_and_a_different_unit_is_dropped(library):
    _, chosen = _chosen(library, QUESTION)
    source = next(c for c in chosen if ONE_MG.search(c.text))
    same = DraftBullet(ONE_MG.sub("1000 micrograms", source.text, count=1), [source])
    other = DraftBullet(ONE_MG.sub("1 g", source.text, count=1), [source])
    kept, dropped = verify_draft(Draft(sections=[("T", [same, other])]))
    assert dropped == 1
    assert [b.text for b in kept.sections[0][1]] == [same.text]


# ---- the whole pipeline with an engine that plants wrong numbers ------------------------------


class PlantingEngine:
    """An 'LLM' that writes the extractive draft but changes numbers in some bullets."""

    name = "llm"

    def __init__(self, where: str = "section", how=lambda text: ONE_MG.sub("2 mg", text, count=1)):
        self.where = where
        self.how = how
        self.planted: list[str] = []

    def _plant(self, bullet: DraftBullet) -> DraftBullet:
        text = self.how(bullet.text)
        if text == bullet.text:
            return bullet
        self.planted.append(text)
        return DraftBullet(text, bullet.sources)

    def write(self, analysis: Analysis, chosen: list[Candidate], asks=()) -> Draft:
        draft = ExtractiveEngine().write(analysis, chosen)
        if self.where == "bottom":
            draft.bottom_line = [self._plant(draft.bottom_line[0]), *draft.bottom_line[1:]]
            return draft
        sections = []
        for title, bullets in draft.sections:
            out = []
            for bullet in bullets:
                if self.where == "all" or (self.where == "section" and not self.planted):
                    bullet = self._plant(bullet)
                out.append(bullet)
            sections.append((title, out))
        if self.where == "all":
            draft.bottom_line = [self._plant(b) for b in draft.bottom_line]
        draft.sections = sections
        return draft


def _texts(article) -> list[str]:
    return [article.bottom_line.text] + [b.text for b in article.all_bullets()]


def test_a_planted_wrong_dose_is_dropped_and_counted(library: Runtime):
    honest = answer(QUESTION, library, fresh=True, persist=False)
    assert honest.metadata["unsupported_bullets_dropped"] == 0
    engine = PlantingEngine("section")
    article = answer(QUESTION, library, fresh=True, persist=False, engine=engine)
    assert len(engine.planted) == 1
    assert article.engine == "llm"
    assert article.metadata["unsupported_bullets_dropped"] == 1
    assert engine.planted[0] not in _texts(article)
    assert len(article.all_bullets()) == len(honest.all_bullets()) - 1
    assert_contract(article, library.store, engine="llm")
    for bullet in article.all_bullets():
        assert unsupported_numbers(bullet.text, [e.quote for e in bullet.evidence]) == []


def test_a_planted_wrong_number_in_the_bottom_line_is_dropped(library: Runtime):
    engine = PlantingEngine("bottom", how=lambda t: re.sub(r"\b(\d+)\b", "17", t, count=1))
    article = answer(QUESTION, library, fresh=True, persist=False, engine=engine)
    assert engine.planted
    assert article.metadata["unsupported_bullets_dropped"] == 1
    assert "17" not in article.bottom_line.text
    assert_contract(article, library.store, engine="llm")


def test_an_added_number_is_as_wrong_as_a_changed_one(library: Runtime):
    engine = PlantingEngine("section", how=lambda t: t.rstrip(".") + ", up to 5 mg a day.")
    article = answer(QUESTION, library, fresh=True, persist=False, engine=engine)
    assert article.metadata["unsupported_bullets_dropped"] == 1
    assert not any("up to 5 mg a day" in t for t in _texts(article))


def test_when_every_statement_fails_verification_the_answer_abstains(library: Runtime):
    engine = PlantingEngine("all", how=lambda t: t.rstrip(".") + " for 99 days.")
    article = answer(QUESTION, library, fresh=True, persist=False, engine=engine)
    assert engine.planted
    assert article.abstained
    assert article.sections == [] and article.references == []
    assert "verification" in article.metadata["abstain_reason"]


@pytest.mark.parametrize(
    "question",
    [
        "When can a child with acute otitis media be observed without antibiotics?",
        "What amoxicillin dose does the AAP recommend for acute otitis media?",
        "What colecalciferol loading regimen treats vitamin D deficiency in adults?",
    ],
)
def test_no_planted_number_survives_on_other_topics(library: Runtime, question: str):
    engine = PlantingEngine("all", how=lambda t: re.sub(r"\b(\d+)\b", "13", t, count=1))
    article = answer(question, library, fresh=True, persist=False, engine=engine)
    planted_bullets = set(engine.planted)
    assert planted_bullets
    assert not planted_bullets & set(_texts(article))
    dropped = article.metadata.get("unsupported_bullets_dropped")
    assert article.abstained or dropped == len(planted_bullets)
    assert_contract(article, library.store, engine="extractive" if article.abstained else "llm")
