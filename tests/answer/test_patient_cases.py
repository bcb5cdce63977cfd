"""The patient wording of every answer to the bundled case file: numbers and reading grade.

Every number of a patient bullet is one of its clinician bullet's, in the same order, with the
same evidence and citations; the reading grade is measured with textstat and its distribution
printed (``pytest -s``) and held to what the rules reach.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest

from curbside.answer.audience import for_patients, patient_text, reading_grade
from curbside.answer.pipeline import answer
from curbside.answer.verify import quantities
from curbside.runtime import Runtime

CASES = Path(__file__).resolve().parents[2] / "eval" / "cases" / "bundled.jsonl"
# Measured 2026-12-02 over the 219 answered bundled cases: median 9.4, p90 11.3, max 14.2
# (before the second pass of joints in plain_clauses.py and the shorter words: 9.6, 11.6,
# 14.2; before the speaker, trailing-whom, "when", "and" and maximum joints: 10.2, 12.3, 16.3)
# (the clinician wording: median 14.0). The target is a median of 8; these bounds keep
# what the rules reach from sliding back.
MEDIAN_AT_MOST = 9.5
P90_AT_MOST = 11.5


def _numbers(text: str) -> list[str]:
    return [str(q.value) for q in quantities(text)]


def _negations(text: str) -> int:
    return len(re.findall(r"\b(?:not|never|no|cannot)\b|n't\b", text, re.I))


def _sources(article, bullet) -> list:
    refs = {r.n: r for r in article.references}
    return [(refs[n].document_id, refs[n].title) for n in bullet.citations]


def _evidence(bullet) -> tuple:
    return tuple((e.passage_id, e.quote) for e in bullet.evidence)


@pytest.mark.slow
def test_every_bundled_case_keeps_its_numbers_and_reads_plainer(library: Runtime):
    cases = [json.loads(line) for line in CASES.read_text().splitlines() if line.strip()]
    grades, clinician_grades = [], []
    for case in cases:
        clinician = answer(case["question"], library, fresh=True, persist=False)
        if clinician.abstained:
            continue
        patient = for_patients(clinician)
        assert patient.id == clinician.id
        assert _numbers(patient.bottom_line.text) == _numbers(clinician.bottom_line.text)
        assert _evidence(patient.bottom_line) == _evidence(clinician.bottom_line)
        by_evidence = {_evidence(b): b for b in clinician.all_bullets()}
        for bullet in patient.all_bullets():
            original = by_evidence[_evidence(bullet)]
            assert _numbers(bullet.text) == _numbers(original.text), (case["question"], bullet.text)
            # No rule drops a negation (the glossary may add one: "not to be used").
            assert _negations(bullet.text) >= _negations(original.text), bullet.text
            assert _sources(patient, bullet) == _sources(clinician, original)
        # Every number token of the patient wording stands in the clinician wording.
        assert set(_numbers(patient_text(patient))) <= set(_numbers(patient_text(clinician)))
        grades.append(reading_grade(patient_text(patient)))
        clinician_grades.append(reading_grade(patient_text(clinician)))
    assert len(grades) > 200
    median, p90 = statistics.median(grades), statistics.quantiles(grades, n=10)[8]
    print(
        f"\npatient wording, Flesch-Kincaid grade over {len(grades)} answers: median {median:.1f}, "
        f"p90 {p90:.1f}, max {max(grades):.1f}; clinician wording median "
        f"{statistics.median(clinician_grades):.1f}"
    )
    assert median <= MEDIAN_AT_MOST and p90 <= P90_AT_MOST
    assert median < statistics.median(clinician_grades) - 3
