"""Statement attribution in Markdown: source keys in the front matter, [@key] per statement."""

from __future__ import annotations

from pathlib import Path

import pytest

from curbside.errors import IngestError
from curbside.library.attribution import keys_for_span
from curbside.library.chunking import document_text
from curbside.library.readers import read_markdown

FRONT = """---
title: Vitamin B12 deficiency
demonstration: {demonstration}
sources:
  - key: bsh2014
    title: "Guidelines for the diagnosis and treatment of cobalamin and folate disorders"
    publisher: British Society for Haematology
    year: 2014
    url: https://doi.org/10.1111/bjh.12959
    kind: guideline
  - key: label-us
    title: "Cyanocobalamin injection, USP"
    publisher: US Food and Drug Administration
    year: 2024
    url: https://dailymed.nlm.nih.gov/
    kind: label
---
"""
BODY = """# Vitamin B12 deficiency

## Treatment
- BSH advises hydroxocobalamin 1 mg intramuscularly three times a week for 2 weeks. [@bsh2014]
- The US label gives cyanocobalamin 100 micrograms daily for 6 to 7 days. Then monthly. [@label-us]
  - Nested: potassium is monitored for 48 hours. [@label-us; @bsh2014]

## Pitfalls
Never give folic acid alone to a patient with untreated deficiency. [@bsh2014]
"""


def _write(tmp_path: Path, body: str = BODY, demonstration: bool = True) -> Path:
    path = tmp_path / "b12.md"
    path.write_text(FRONT.format(demonstration=str(demonstration).lower()) + body)
    return path


def _read(path: Path):
    return read_markdown(path, path.read_bytes())


def test_markers_leave_the_text_and_stay_with_their_statements(tmp_path):
    doc = _read(_write(tmp_path))
    text = document_text(doc.sections)
    assert "[@" not in text and "\ue000" not in text
    spans = doc.meta["attribution"]
    assert [keys for _, _, keys in spans] == [
        ["bsh2014"],
        ["label-us"],
        ["label-us", "bsh2014"],
        ["bsh2014"],
    ]
    statements = [text[start:end] for start, end, _ in spans]
    assert statements[0] == (
        "- BSH advises hydroxocobalamin 1 mg intramuscularly three times a week for 2 weeks."
    )
    assert statements[1].endswith("Then monthly.")  # a bullet of two sentences is one statement
    assert statements[2] == "- Nested: potassium is monitored for 48 hours."
    assert statements[3].startswith("Never give folic acid alone")
    # Each sentence of a statement knows its sources; text between statements knows none.
    then = text.index("Then monthly.")
    assert keys_for_span(doc.meta, then, then + 13) == ["label-us"]
    assert keys_for_span(doc.meta, spans[0][1], spans[1][0]) == []


def test_the_text_is_the_same_as_without_markers(tmp_path):
    marked = _read(_write(tmp_path))
    plain_path = tmp_path / "plain.md"
    plain_path.write_text(
        FRONT.format(demonstration="false")
        .replace("  - key: bsh2014\n    title", "  - title")
        .replace("  - key: label-us\n    title", "  - title")
        + BODY.replace(" [@bsh2014]", "")
        .replace(" [@label-us; @bsh2014]", "")
        .replace(" [@label-us]", "")
    )
    plain = _read(plain_path)
    assert [(s.path, s.text) for s in marked.sections] == [(s.path, s.text) for s in plain.sections]
    assert "attribution" not in plain.meta


def test_an_unknown_key_is_an_error_naming_file_and_line(tmp_path):
    path = _write(tmp_path, BODY.replace("[@label-us]", "[@label-uk]"))
    with pytest.raises(IngestError) as error:
        _read(path)
    assert error.value.path == str(path)
    assert error.value.line == 22  # the second bullet: 17 lines of front matter, then 5
    assert path.read_text().splitlines()[21].endswith("[@label-uk]")
    assert "unknown source key @label-uk" in error.value.reason
    assert "bsh2014, label-us" in error.value.reason
    assert str(error.value).startswith(f"{path}:22: ")


def test_a_statement_without_marker_in_a_demonstration_topic_is_an_error(tmp_path):
    path = _write(tmp_path, BODY.replace(" Then monthly. [@label-us]", " Then monthly."))
    with pytest.raises(IngestError) as error:
        _read(path)
    assert error.value.line == 22
    assert "names no source" in error.value.reason


def test_a_prose_line_may_go_without_a_marker(tmp_path):
    # The bundled topics' format makes each list item a statement; prose may be attributed.
    doc = _read(_write(tmp_path, BODY.replace("deficiency. [@bsh2014]", "deficiency.")))
    assert len(doc.meta["attribution"]) == 3
    text = document_text(doc.sections)
    never = text.index("Never give")
    assert keys_for_span(doc.meta, never, never + 10) == []


def test_a_malformed_marker_is_an_error(tmp_path):
    path = _write(tmp_path, BODY.replace("[@label-us; @bsh2014]", "[@label-us, bsh2014]"))
    with pytest.raises(IngestError) as error:
        _read(path)
    assert error.value.line == 23


def test_other_markdown_may_attribute_some_statements_only(tmp_path):
    path = _write(tmp_path, BODY.replace("deficiency. [@bsh2014]", "deficiency."), False)
    doc = _read(path)
    assert len(doc.meta["attribution"]) == 3
    with pytest.raises(IngestError, match="unknown source key @nice"):
        _read(_write(tmp_path, BODY.replace("[@bsh2014]", "[@nice]"), False))


def test_a_document_without_source_keys_keeps_its_brackets(tmp_path):
    path = tmp_path / "paper.md"
    path.write_text("---\ntitle: Notes\n---\n# Notes\n\nAs shown before [@smith2020].\n")
    doc = _read(path)
    assert "[@smith2020]" in document_text(doc.sections)
    assert "attribution" not in doc.meta


@pytest.mark.parametrize(
    ("old", "new", "reason", "line"),
    [
        ("key: label-us", "key: bsh2014", "given to two sources", 11),
        ("key: label-us", "key: Label US", "lowercase letters", 11),
        ("  - key: label-us\n    title", "  - title", "source 2 has no key", 11),
    ],
)
def test_bad_source_keys_are_errors_naming_the_line(tmp_path, old, new, reason, line):
    path = tmp_path / "b12.md"
    path.write_text(FRONT.format(demonstration="true").replace(old, new) + BODY)
    with pytest.raises(IngestError) as error:
        _read(path)
    assert reason in error.value.reason
    assert error.value.line == line


def test_ingest_reports_the_bad_statement_and_loads_the_rest(tmp_path, load, runtime):
    good = _write(tmp_path)
    bad = tmp_path / "bad.md"
    bad.write_text(good.read_text().replace("for 2 weeks. [@bsh2014]", "for 2 weeks."))
    report = load(good, bad)
    assert report.new == 1
    [failure] = report.failed
    assert (failure.path, failure.line) == (str(bad), 21)
    [doc] = runtime.store.list_documents()
    assert doc.meta["attribution"][0][2] == ["bsh2014"]  # stored with the document
    passages = runtime.store.document_passages(doc.id)
    assert all("[@" not in p.text for p in passages)


def test_a_wrapped_list_item_is_one_statement(tmp_path):
    body = BODY.replace(
        "- BSH advises hydroxocobalamin 1 mg intramuscularly three times a week for 2 weeks.",
        "- BSH advises hydroxocobalamin 1 mg intramuscularly\n  three times a week for 2 weeks.",
    )
    doc = _read(_write(tmp_path, body))
    text = document_text(doc.sections)
    start, end, keys = doc.meta["attribution"][0]
    assert text[start:end] == (
        "- BSH advises hydroxocobalamin 1 mg intramuscularly\nthree times a week for 2 weeks."
    )
    assert keys == ["bsh2014"]
    unmarked = body.replace("for 2 weeks. [@bsh2014]", "for 2 weeks.")
    with pytest.raises(IngestError) as error:
        _read(_write(tmp_path, unmarked))
    assert error.value.line == 21  # where the item starts
