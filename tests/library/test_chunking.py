"""Chunking and sentence splitting: pure functions, no database."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curbside.library.chunking import MAX_WORDS, MIN_WORDS, chunk_sections, document_text
from curbside.library.sentences import sentence_spans, split_blocks, split_sentences
from curbside.models import Section

VOCAB = [
    "patients",
    "with",
    "renal",
    "impairment",
    "should",
    "have",
    "their",
    "dose",
    "reviewed",
    "by",
    "the",
    "clinic",
    "team",
    "and",
    "monitored",
    "for",
    "bleeding",
    "while",
    "anticoagulation",
    "continues",
]


def words(text: str) -> int:
    return len(text.split())


def prose(n_sentences: int, seed: int = 0, per_sentence: int = 14) -> str:
    rng = random.Random(seed)
    return " ".join(
        " ".join(rng.choice(VOCAB) for _ in range(per_sentence)).capitalize() + "."
        for _ in range(n_sentences)
    )


def assert_offsets(sections, chunks) -> None:
    text = document_text(sections)
    for c in chunks:
        assert text[c.char_start : c.char_end] == c.text


# ---- chunk size and boundaries ----------------------------------------------------------
def test_long_sections_become_passages_of_roughly_80_to_250_words():
    sections = [Section(("Guide", "Dosing"), prose(90, seed=1))]  # ~1,260 words
    chunks = chunk_sections(sections)
    assert len(chunks) >= 5
    sizes = [words(c.text) for c in chunks]
    assert all(MIN_WORDS <= n <= MAX_WORDS for n in sizes[:-1]), sizes
    # The last passage joins the one before unless that would pass the limit by much.
    assert sizes[-1] >= MIN_WORDS or sizes[-1] + sizes[-2] > MAX_WORDS + MIN_WORDS // 2, sizes
    assert sum(sizes) == words(sections[0].text)
    assert_offsets(sections, chunks)


def test_a_short_tail_joins_the_passage_before_it():
    # 250 words then 28: the tail is too short to stand alone, so one passage of 278 words.
    text = prose(25, per_sentence=10) + " " + prose(2, seed=3)
    [chunk] = chunk_sections([Section(("Guide",), text)])
    assert words(chunk.text) == 278


def test_a_short_section_is_one_passage():
    sections = [Section(("Guide",), "Offer apixaban 5 mg twice daily.")]
    [chunk] = chunk_sections(sections)
    assert (chunk.text, chunk.char_start, chunk.char_end) == (sections[0].text, 0, 32)


def test_passages_never_cross_a_section_and_carry_its_path_and_page():
    sections = [
        Section(("Guide", "Assessment"), prose(30, seed=1), page=1),
        Section(("Guide", "Treatment"), "Give 1.5 mg/kg IV once.", page=2),
        Section(("Guide", "Follow-up"), prose(30, seed=2), page=3),
    ]
    chunks = chunk_sections(sections)
    text = document_text(sections)
    starts = []
    for section in sections:
        starts.append(text.index(section.text))
    for c in chunks:
        i = [s.path for s in sections].index(c.section_path)
        assert starts[i] <= c.char_start < c.char_end <= starts[i] + len(sections[i].text)
        assert c.page == sections[i].page
    assert [c.text for c in chunks if c.section_path == ("Guide", "Treatment")] == [
        "Give 1.5 mg/kg IV once."
    ]
    assert_offsets(sections, chunks)


def test_every_passage_is_whole_sentences():
    text = prose(60, seed=4)
    sentences = set(split_sentences(text))
    for c in chunk_sections([Section(("Guide",), text)]):
        assert set(split_sentences(c.text)) <= sentences


@pytest.mark.parametrize(
    "dose", ["1.5 mg/kg", "e.g. 0.5 mg", "0.25 mcg/kg/min", "i.e. 2.5 mg", "5 mg b.d.", "Dr. Patel"]
)
def test_a_dose_is_never_cut_even_when_every_sentence_is_its_own_passage(dose):
    text = (
        f"Start low. Give {dose} by slow injection over 3 minutes. Review after 1 hour. "
        f"Repeat {dose} once if needed. Stop."
    )
    chunks = chunk_sections([Section(("Guide",), text)], min_words=1, max_words=3)
    assert sum(dose in c.text for c in chunks) == 2
    assert [c.text for c in chunks][:2] == [
        "Start low.",
        f"Give {dose} by slow injection over 3 minutes.",
    ]


def test_a_sentence_longer_than_the_limit_stays_whole():
    long_sentence = "Word " + " ".join(["word"] * 399) + "."
    text = f"Short first sentence. {long_sentence} Short last sentence."
    chunks = chunk_sections([Section(("Guide",), text)])
    assert long_sentence in [c.text for c in chunks]


def test_empty_sections_give_no_passages_but_keep_offsets_right():
    sections = [Section(("A",), "First."), Section(("B",), "   "), Section(("C",), "Third.")]
    chunks = chunk_sections(sections)
    assert [c.text for c in chunks] == ["First.", "Third."]
    assert_offsets(sections, chunks)


# ---- sentence splitting -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Use a DOAC, e.g., apixaban. Review yearly.",
            ["Use a DOAC, e.g., apixaban.", "Review yearly."],
        ),
        (
            "Use a DOAC, e.g. Apixaban 5 mg. Review yearly.",
            ["Use a DOAC, e.g. Apixaban 5 mg. Review yearly."],
        ),
        (
            "Treat the cause, i.e. Iron deficiency. Then recheck.",
            ["Treat the cause, i.e. Iron deficiency.", "Then recheck."],
        ),
        (
            "Take 500 mg b.d. With food if nauseated. Next dose at 8 pm.",
            ["Take 500 mg b.d. With food if nauseated.", "Next dose at 8 pm."],
        ),
        ("Seen by Dr. Smith today. He agreed.", ["Seen by Dr. Smith today.", "He agreed."]),
        (
            "Aim for 2.5 to 3.5 mmol. Check again in 0.5 h.",
            ["Aim for 2.5 to 3.5 mmol.", "Check again in 0.5 h."],
        ),
        (
            "Potassium was 6.1 mmol/L. It fell after treatment.",
            ["Potassium was 6.1 mmol/L.", "It fell after treatment."],
        ),
        (
            "As shown by J. Smith in 2019. Later work agreed.",
            ["As shown by J. Smith in 2019.", "Later work agreed."],
        ),
        ("Is it safe? Yes! Give it.", ["Is it safe?", "Yes!", "Give it."]),
        ('He said "stop the drug." Then he left.', ['He said "stop the drug."', "Then he left."]),
        ("Ratio above 1.5. Refer.", ["Ratio above 1.5.", "Refer."]),
    ],
)
def test_sentence_splitter_handles_abbreviations_and_decimals(text, expected):
    assert split_sentences(text) == expected


def test_list_items_are_sentences_of_their_own():
    text = (
        "Options:\n- Apixaban 5 mg b.d.\n- Rivaroxaban 20 mg o.d.\n"
        "1. Check renal function.\n2. Weigh the patient.\n• Review at 3 months"
    )
    assert split_sentences(text) == [
        "Options:",
        "- Apixaban 5 mg b.d.",
        "- Rivaroxaban 20 mg o.d.",
        "1. Check renal function.",
        "2. Weigh the patient.",
        "• Review at 3 months",
    ]


def test_paragraphs_are_blocks_and_never_share_a_sentence():
    text = "First paragraph without a stop\n\nSecond paragraph. Two sentences."
    assert [text[s:e] for s, e in split_blocks(text)] == [
        "First paragraph without a stop",
        "Second paragraph. Two sentences.",
    ]
    assert split_sentences(text) == [
        "First paragraph without a stop",
        "Second paragraph.",
        "Two sentences.",
    ]


def test_sentence_spans_are_trimmed_offsets_into_the_text():
    text = "  Give 1 tablet.   Then 2 tablets.\n\n\t- Item one.  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Give 1 tablet.", "Then 2 tablets.", "- Item one."]
    assert spans[0] == (2, 16)


# ---- properties -------------------------------------------------------------------------
@settings(max_examples=300, deadline=None, database=None)
@given(
    st.lists(st.text(), min_size=1, max_size=4),
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=1, max_value=60),
)
def test_chunk_offsets_always_slice_back_to_the_chunk_text(texts, min_words, max_words):
    sections = [Section(("Doc", str(i)), text) for i, text in enumerate(texts)]
    chunks = chunk_sections(sections, min_words=min_words, max_words=max_words)
    full = document_text(sections)
    for c in chunks:
        assert full[c.char_start : c.char_end] == c.text
        assert c.text.strip() == c.text and c.text


CLINICAL = st.sampled_from(
    [
        "Give",
        "1.5",
        "mg/kg",
        "e.g.",
        "i.e.",
        "b.d.",
        "Dr.",
        "5",
        "mg.",
        "IV.",
        "Then",
        "review",
        "-",
        "1.",
        "?",
        "!",
        "\n",
        "\n\n",
        "•",
        '"',
        "(",
        ")",
        "mmol/L.",
    ]
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(CLINICAL, max_size=80), st.integers(min_value=1, max_value=12))
def test_chunks_of_clinical_looking_text_are_whole_sentences_in_order(tokens, max_words):
    text = " ".join(tokens)
    sections = [Section(("Doc",), text)]
    chunks = chunk_sections(sections, min_words=1, max_words=max_words)
    assert_offsets(sections, chunks)
    spans = sentence_spans(text)
    edges = {s for s, _ in spans} | {e for _, e in spans}
    for c in chunks:
        assert c.char_start in edges and c.char_end in edges
    assert [c.char_start for c in chunks] == sorted(c.char_start for c in chunks)
