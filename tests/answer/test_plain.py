"""Plain-language rules: pure, and none of them may change a number or a meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from curbside.answer.plain import Rewriter, clinician_only, frame, load_glossary, split_sentences
from curbside.answer.verify import quantities
from curbside.errors import ConfigError


def _numbers(text: str) -> list[str]:
    return [str(q.value) for q in quantities(text)]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (
            "Never give folic acid alone to a patient with untreated B12 deficiency.",
            "prescribing prohibition",
        ),
        ("Seek urgent haematology advice for pancytopenia.", "instruction to staff"),
        ("If haemoglobin fails to rise, look for iron deficiency.", "instruction to staff"),
        (
            "The label advises close monitoring of serum potassium for 48 hours.",
            "monitoring for staff",
        ),
        ("Prescribers should check interactions.", "addressed to clinicians"),
        ("The odds ratio was 0.38 (95% CI 0.20 to 0.74).", "statistics"),
        (
            "Do not assume every man with pT3 disease needs adjuvant radiotherapy.",
            "pitfall for clinicians",
        ),
        ("RADICALS-RT randomised 1396 men to adjuvant radiotherapy.", "study details"),
        ("Do not take ibuprofen with lithium.", None),
        ("Give hydroxocobalamin 1 mg intramuscularly every 3 months.", None),
        ("Seek medical help if the rash spreads.", None),
    ],
)
def test_clinician_only_rules(text: str, rule: str | None):
    assert clinician_only(text) == rule


def test_sentences_split_at_safe_joints_and_keep_every_word():
    text = (
        "For adults with pernicious anaemia, the label gives 100 micrograms daily for 7 days, "
        "then every 3 days for 2 weeks, because stores are low."
    )
    parts = split_sentences(text)
    assert parts == [
        "This is for adults with pernicious anaemia.",
        "The label gives 100 micrograms daily for 7 days.",
        "Then every 3 days for 2 weeks.",
        "This is because stores are low.",
    ]
    assert _numbers(" ".join(parts)) == _numbers(text)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        # whom the advice is for, after it, in the same order (numbers keep theirs)
        (
            "NICE advises a 75 g oral glucose tolerance test at 24 to 28 weeks for women with "
            "any risk factor.",
            [
                "NICE advises a 75 g oral glucose tolerance test at 24 to 28 weeks.",
                "This is for women with any risk factor.",
            ],
        ),
        # a negation or a restriction keeps its "for": alone, the first half would mislead
        (
            "Event-based PrEP is not advised for people with chronic hepatitis B infection.",
            ["Event-based PrEP is not advised for people with chronic hepatitis B infection."],
        ),
        (
            "The EAU guideline reserves adjuvant radiotherapy for men with the highest risk.",
            ["The EAU guideline reserves adjuvant radiotherapy for men with the highest risk."],
        ),
        # timing belongs to the advice, not to whom it is for
        (
            "NICE advises taking a blood sample for adults as soon as possible after treatment.",
            ["NICE advises taking a blood sample for adults as soon as possible after treatment."],
        ),
        (
            "Escitalopram starts at 10 mg once a day, with a maximum of 20 mg daily.",
            ["Escitalopram starts at 10 mg once a day.", "The maximum is 20 mg daily."],
        ),
        (
            "GOLD gives antibiotics for 5 days when antibiotics are needed.",
            ["GOLD gives antibiotics for 5 days.", "This applies when antibiotics are needed."],
        ),
        # "best when": the condition completes the words before it
        (
            "Salvage radiotherapy works best when given at low PSA levels.",
            ["Salvage radiotherapy works best when given at low PSA levels."],
        ),
        (
            "SSRIs can cause low blood sodium, and the risk is higher with water tablets.",
            ["SSRIs can cause low blood sodium.", "The risk is higher with water tablets."],
        ),
        # a condition said first is not split at a condition of its own
        (
            "When glucose falls below 14 mmol/L when on insulin, reduce the infusion.",
            [
                "This applies when glucose falls below 14 mmol/L when on insulin.",
                "Reduce the infusion.",
            ],
        ),
    ],
)
def test_more_safe_joints(text: str, parts: list[str]):
    assert split_sentences(text) == parts
    assert _numbers(" ".join(parts)) == _numbers(text)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("NICE says that children are admitted to hospital.", "Children are admitted to hospital."),
        (
            "The CDC says to check kidney function every 6 months.",
            "Your care team should check kidney function every 6 months.",
        ),
        # a speaker with a number in its name is kept: no number is ever dropped
        (
            "The WAO 2020 guidance says to repeat the dose.",
            "The WAO 2020 guidance says to repeat the dose.",
        ),
    ],
)
def test_the_speaker_is_left_to_the_citation(text: str, plain: str):
    assert Rewriter().statement(text) == plain


def test_a_joint_inside_brackets_is_not_split():
    assert split_sentences("Give it (once a day, then twice a day) with food.") == [
        "Give it (once a day, then twice a day) with food."
    ]


@pytest.mark.parametrize(
    ("sentence", "framed"),
    [
        ("Advise patients to take it with food.", "You should take it with food."),
        ("People should avoid alcohol.", "You should avoid alcohol."),
        (
            "Give adrenaline 500 micrograms.",
            "Your care team should give adrenaline 500 micrograms.",
        ),
        ("In adults, offer a statin.", "In adults, your care team should offer a statin."),
        ("Use of aspirin is advised.", "Use of aspirin is advised."),
        (
            "People with diabetes should check their feet.",
            "People with diabetes should check their feet.",
        ),
    ],
)
def test_framing_for_the_reader(sentence: str, framed: str):
    assert frame(sentence) == framed


def test_a_term_is_explained_once_in_brackets_and_replaced_terms_keep_numbers():
    rewrite = Rewriter()
    first = rewrite.statement("Vitamin B12 deficiency causes megaloblastic anaemia.")
    assert first == (
        "Lack of vitamin B12 causes megaloblastic anaemia. "
        "(Megaloblastic anaemia means too few red blood cells, which are also too large.)"
    )
    again = rewrite.statement("Megaloblastic anaemia responds to 1 mg.")
    assert "means" not in again and _numbers(again) == ["1"]


def test_the_bundled_glossary_loads_and_adds_no_number():
    glossary = load_glossary()
    for entry in glossary.entries:
        assert not _numbers(entry.explain or "")


@pytest.mark.parametrize(
    ("yaml_text", "words"),
    [
        ('- {terms: [renal], plain: "kidney"}\n- {terms: [daily], plain: "twice"}\n', "line 2"),
        ('- {terms: [renal], explain: "about 2 kidneys"}\n', "line 1"),
        ("- {terms: [renal]}\n", "one of plain or explain"),
        ('- {terms: ["/(unclosed/"], plain: "x"}\n', "not a valid pattern"),
    ],
)
def test_a_bad_glossary_entry_is_refused_naming_file_and_line(
    tmp_path: Path, yaml_text: str, words: str
):
    path = tmp_path / "glossary.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ConfigError) as refused:
        load_glossary(path)
    assert str(path) in str(refused.value) and words in str(refused.value)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        (
            "Treat proximal deep vein thrombosis with apixaban.",
            "Treat proximal blood clot in a deep vein with apixaban.",
        ),
        (
            "In people with a suspected deep vein thrombosis, offer a scan.",
            "In people with a possible blood clot in a deep vein, offer a scan.",
        ),
        ("Deep vein thrombosis is common.", "A blood clot in a deep vein is common."),
        ("Scan people with deep vein thrombosis.", "Scan people with a blood clot in a deep vein."),
    ],
)
def test_a_plain_wording_drops_its_article_after_a_determiner_or_an_adjective(text, plain):
    assert Rewriter().words(text) == plain


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        # the aside ends before the sentence's own verb: split, the first half has no verb
        # and the second says "This includes … have access"
        (
            "People likely to witness an overdose, including their families, have access to "
            "naloxone.",
            [
                "People likely to witness an overdose, including their families, have access to "
                "naloxone."
            ],
        ),
        (
            "Many flare-ups, including some severe ones, are not caused by bacteria.",
            ["Many flare-ups, including some severe ones, are not caused by bacteria."],
        ),
        # at the end of the sentence it is a list of examples, said on its own
        (
            "Amoxicillin treats common infections, including otitis media and sinusitis.",
            [
                "Amoxicillin treats common infections.",
                "This includes otitis media and sinusitis.",
            ],
        ),
    ],
)
def test_including_splits_only_at_the_end_of_a_sentence(text: str, parts: list[str]):
    assert split_sentences(text) == parts


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Triple therapy lasts 14 days.", "Triple treatment lasts 14 days."),
        # a named treatment keeps its name
        (
            "Nicotine replacement therapy doubles quit rates.",
            "Nicotine replacement therapy doubles quit rates.",
        ),
        ("Babies receive vitamin K at birth.", "Babies get vitamin K at birth."),
        ("Aim to reduce an elevated lactate.", "Aim to reduce a raised lactate."),
        ("Metformin commonly causes nausea.", "Metformin often causes nausea."),
        ("Doses of 10 mg may be required.", "Doses of 10 mg may be needed."),
    ],
)
def test_shorter_everyday_words(text: str, plain: str):
    assert Rewriter().words(text) == plain
    assert _numbers(plain) == _numbers(text)
