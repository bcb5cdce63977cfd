"""quotable: statements that must never be a bullet are named, and real recommendations are
kept. The sentences are written for these tests in the style of the guidelines (NGC, NICE,
ACR tables), including the damage the NGC extraction left ("ANC 5–10 times normal")."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curbside.answer.quotable import quotable
from curbside.answer.rewrite import tidy
from curbside.library.sentences import statement_spans

from ..conftest import shared_path

REASONS = {
    "question",
    "heading",
    "table fragment",
    "lost comparator",
    "citation debris",
    "truncated",
}

KEEP = [
    # numbers with their comparators, units and verbs in place
    "If the ANC is below 500 cells/mL, hold subsequent doses until the toxicity resolves.",
    "eGFR 30 to 59 mL/min/1.73 m2 is moderate kidney impairment.",
    "Give amoxicillin 500 mg three times daily for 5 days.",
    "A platelet count of 50,000/µL or more before surgery is advised.",
    "Stop metformin if the eGFR falls below 30 mL/min/1.73 m2.",
    "If eGFR 30–45, reduce the dose of metformin.",
    "When the CD4 count is 200 cells/mm3 or more, stop prophylaxis.",
    "Patients with a platelet count below 50,000/µL should not receive neuraxial anaesthesia.",
    "Hold the next dose if ALT rises above 5 times the upper limit of normal.",
    "Aim for an HbA1c of 48 mmol/mol (6.5%) in adults managed by diet alone.",
    "A BMI of 30 kg/m2 or more defines obesity.",
    "Use a loading dose of 10 mg/kg (maximum 500 mg) intravenously.",
    "Repeat the ECG after 2 to 4 weeks.",
    "Give 1 g every 8 hours for 5 days.",
    "Screen women aged 25 to 64 years every 3 to 5 years.",
    "Dalteparin is given at 200 units/kg once daily for the first month, then for months 2 to 6.",
    "Hepatitis B vaccine is given at 0, 1 and 6 months.",
    "Warfarin is adjusted to a target INR 2.5 (range 2.0-3.0) for a mechanical mitral valve.",
    "ECOG performance status 2 or better is required for chemotherapy.",
    "Overall survival was longer with chemotherapy (P=0.02).",
    "The excision margin for pTis melanoma is 5 mm.",
    "The risk of bleeding is higher in women than in men.",
    "- Paclitaxel 175 mg/m2 q3w",  # a regimen line: a drug and its dose, no verb
    "Ifosfamide 2 g/m2 days 2, 3, 4",
    # grades, labels and quoted questions inside real recommendations
    "Recommendation 3: Offer metformin as first-line therapy to adults with type 2 diabetes.",
    "Offer cognitive behavioural therapy to adults with insomnia (Grade B).",
    "The Task Force recommends surgical resection for bilateral adrenal disease (1|++OO).",
    "Variant 6: Uterine artery embolization or myomectomy is appropriate.",
    'Ask the person directly: "Have you had thoughts of ending your life?"',
    "Think 'could this be sepsis?' if a person presents with signs of infection.",
    # imperatives and conditionals that open like questions or headings
    "Do not offer antibiotics to adults with acute bronchitis.",
    "Do not offer MRI",
    "Stop NSAIDs",
    "Do a urine dipstick test in children with unexplained fever.",
    "Have a written plan for the transfer of critically ill children.",
    "Should symptoms persist beyond 48 hours, review the diagnosis.",
    "When the diagnosis is uncertain, refer to a specialist.",
    "In adults with CKD stage 3b or higher, avoid NSAIDs.",
    "Offer a statin to adults who: - have chronic kidney disease; - are aged 85 years or over.",
    "- Consider oral rehydration solution for children at increased risk of dehydration.",
    "Patients with hepatitis A should avoid alcohol until liver tests are normal.",
    "Information should cover what the condition is",
    "Offer one of: - azithromycin 1 g orally once or - doxycycline 100 mg twice daily or",
]

REJECT = [
    ("What is the first-line treatment for acute otitis media?", "question"),
    ("Key Question 2: What are the harms of screening for lung cancer?", "question"),
    ("Key Question 3", "question"),
    ("Question 4: Is quinine effective for nocturnal leg cramps", "question"),
    ("Should adults with asymptomatic bacteriuria be treated with antibiotics", "question"),
    ("How long should anticoagulation continue after a provoked DVT", "question"),
    ("Are there benefits of early mobilisation after hip fracture", "question"),
    ("In adults with sepsis, which fluid should be given first?", "question"),
    ('"Are you feeling low?"', "question"),
    ("Recommendation 3", "heading"),
    ("Recommendation 3.2:", "heading"),
    ("Key Action Statement 4a", "heading"),
    ("Strength of recommendation: strong", "heading"),
    ("Quality of evidence: moderate", "heading"),
    ("Level of evidence: B", "heading"),
    ("(Strong recommendation; low-quality evidence)", "heading"),
    ("(LE=4, GR=C)", "heading"),
    ("Management of Acute Otitis Media", "heading"),
    ("MANAGEMENT OF HYPERKALAEMIA", "heading"),
    ("Clinical Condition: Acute Trauma to the Knee", "heading"),
    ("Variant 2: Adult with chronic wrist pain who has failed conservative therapy.", "heading"),
    ("Table 2. Oral antibiotic doses for children", "heading"),
    ("Grade 1 2 3 4 <5 5-10 >10", "table fragment"),
    ("Drug | Dose | Frequency", "table fragment"),
    ("Amoxicillin – – –", "table fragment"),
    ("Ceftriaxone 1 g ... ...", "table fragment"),
    ("10 mg 20 mg 40 mg 80 mg", "table fragment"),
    ("CT head with IV contrast 5", "table fragment"),
    ("0.1-1 mSv 0.03-0.3 mSv", "table fragment"),
    ("If the absolute neutrophil count (ANC) 5–10 times normal, hold the dose.", "lost comparator"),
    ("ALT/AST 5–10 times normal, subsequent doses should be held.", "lost comparator"),
    ("If the ANC 500 cells/mL, withhold the next dose.", "lost comparator"),
    ("Transfuse platelets if the platelet count 20,000.", "lost comparator"),
    ("Avoid spinal anaesthesia with platelet count 50,000.", "lost comparator"),
    ("Give a dose of mg/kg once daily.", "lost comparator"),
    ("Stop metformin when eGFR mL/min.", "lost comparator"),
    ("In adults with CKD stage 3b or higher (eGFR 2) avoid metformin.", "lost comparator"),
    ("A BMI of 2 may be below normal in older adults.", "lost comparator"),
    ("Give 1 g every hours.", "lost comparator"),
    ("Repeat the test after 2 to weeks.", "lost comparator"),
    ("Give 500 mg twice daily for weeks.", "lost comparator"),
    ("Treat for between and 14 days.", "lost comparator"),
    ("A reduction of % was reported.", "lost comparator"),
    ("Offer cognitive behavioural therapy ( ) to adults with PTSD.", "lost comparator"),
    ("Refer if the systolic blood pressure is greater than .", "lost comparator"),
    ("Survival improved with radiation (PHowever, toxicity was higher.", "lost comparator"),
    ("Response rates were 24% and 69% (PP=0.005).", "lost comparator"),
    ("(Smith et al., 2010; Jones 2012)", "citation debris"),
    ("[12, 14–16]", "citation debris"),
    ("[2008, amended 2013]", "citation debris"),
    ("J Clin Oncol. 2012;30:123-45.", "citation debris"),
    ("Smith AB, Jones CD. Antibiotics for otitis media. BMJ 2008;336:924-6.", "citation debris"),
    ("Available at: https://www.example.org/guidance/ng1.", "citation debris"),
    ("Thermal ablation is recommended if the tumour is", "truncated"),
    ("Offer aspirin, clopidogrel or", "truncated"),
    ("Offer surgery only if: - the tumour is resectable and - the patient is fit and", "truncated"),
    ("Consider risk factors such as", "truncated"),
    ("80 years old) with multifocal ground-glass nodules", "truncated"),
    ('The patient was referred for imaging.">', "truncated"),
]


@pytest.mark.parametrize("text", KEEP)
def test_real_statements_are_kept(text):
    assert quotable(text) is None


@pytest.mark.parametrize("text", KEEP)
def test_kept_after_tidy_too(text):
    assert quotable(tidy(text)) is None  # evidence.py tidies a quote before it is checked


@pytest.mark.parametrize(("text", "reason"), REJECT)
def test_broken_statements_are_named(text, reason):
    assert quotable(text) == reason


@pytest.mark.parametrize(("text", "reason"), REJECT)
def test_rejected_after_tidy_too(text, reason):
    assert quotable(tidy(text)) in REASONS


def test_a_list_item_is_judged_without_its_marker():
    assert quotable("- Strength of recommendation: strong") == "heading"
    assert quotable("2. Give 1 g every hours.") == "lost comparator"
    assert quotable("- Has a pre-existing heart condition") is None  # an item, not a question


def test_the_section_heading_repeated_as_text_is_a_heading():
    assert quotable("Initial treatment") is None
    assert quotable("Initial treatment", "Hyperkalaemia › Initial treatment") == "heading"


def test_a_journal_reference_needs_authors_a_short_lead_or_a_references_section():
    ref = (
        "A randomised trial of early antibiotics in adults with community-acquired pneumonia "
        "in the emergency department. Lancet 2010;375:1-10."
    )
    assert quotable(ref) is None
    assert quotable(ref, "Pneumonia › References") == "citation debris"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=120))
def test_any_text_gets_a_known_answer(text):
    assert quotable(text) in REASONS | {None}
    assert quotable(text) == quotable(text)


@pytest.mark.slow
def test_ngc_rejections_stay_few():
    """Over every sixth NGC guideline: most long statements are kept, and each reason fires.
    The full counts and the eyeballed samples are in the branch's closing note."""
    path = shared_path("ngc_guideline_summaries", "ngc_guideline_summaries.jsonl.gz")
    counts: Counter[str | None] = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in list(lines)[::6]:
            text = json.loads(line)["major_recommendations"] or ""
            for start, end in statement_spans(text):
                statement = " ".join(text[start:end].split())
                if len(statement.split()) >= 5:
                    counts[quotable(statement)] += 1
    total = sum(counts.values())
    assert total > 20_000
    assert counts[None] / total > 0.85, counts
    assert set(counts) == REASONS | {None}, counts
