"""Every bad input is reported as "path: reason", skipped, and the rest still goes in."""

from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curbside.cli import app
from curbside.errors import IngestError
from curbside.runtime import open_runtime
from curbside.settings import Settings

from .pdfbytes import minimal_pdf

GOOD = "# Folate deficiency\n\nOffer folic acid 5 mg daily for 4 months.\n"


def _one_failure(report, path: Path) -> IngestError:
    [error] = report.failed
    assert isinstance(error, IngestError)
    assert error.path == str(path)
    assert str(error).startswith(f"{path}:")
    return error


def _good_beside(tmp_path: Path) -> Path:
    good = tmp_path / "folate.md"
    good.write_text(GOOD)
    return good


def _titles(runtime) -> list[str]:
    return [d.title for d in runtime.store.list_documents()]


def test_truncated_pdf_is_reported_as_corrupt_and_the_rest_goes_in(
    tmp_path: Path, load, runtime, caplog
):
    bad = tmp_path / "leaflet.pdf"
    bad.write_bytes(minimal_pdf(["Hydroxocobalamin 1 mg"])[:120])
    _good_beside(tmp_path)
    with caplog.at_level(logging.WARNING):
        report = load(tmp_path)
    error = _one_failure(report, bad)
    assert str(error).startswith(f"{bad}: corrupt PDF")
    assert report.new == 1 and _titles(runtime) == ["Folate deficiency"]
    # pypdf's own notes ("EOF marker not found") carry no path; they stay off the log.
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]


def test_a_pdf_without_its_header_is_refused(tmp_path: Path, load):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"GIF89a not really a pdf")
    error = _one_failure(load(bad), bad)
    assert str(error) == f"{bad}: not a PDF file (no %PDF header)"


def test_binary_junk_named_txt_is_refused_as_binary(tmp_path: Path, load, runtime):
    bad = tmp_path / "notes.txt"
    rng = random.Random(7)
    bad.write_bytes(bytes(rng.randrange(256) for _ in range(4096)) + b"\x00\x00\x00")
    _good_beside(tmp_path)
    report = load(tmp_path)
    assert str(_one_failure(report, bad)) == f"{bad}: binary content, not a text document"
    assert report.new == 1


@pytest.mark.parametrize("name", ["empty.md", "empty.txt", "empty.html", "empty.pdf", "empty.xml"])
def test_empty_file_is_reported_empty(tmp_path: Path, load, runtime, name):
    bad = tmp_path / name
    bad.write_bytes(b"  \n\n ")
    _good_beside(tmp_path)
    report = load(tmp_path)
    assert str(_one_failure(report, bad)) == f"{bad}: empty file"
    assert report.new == 1


def test_markdown_with_only_front_matter_has_no_text(tmp_path: Path, load):
    bad = tmp_path / "stub.md"
    bad.write_text("---\ntitle: Stub\n---\n\n# Stub\n")
    assert str(_one_failure(load(bad), bad)) == f"{bad}: empty: no text found"


def test_latin1_text_names_utf8_and_the_line_of_the_first_bad_byte(tmp_path: Path, load, runtime):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(
        "Anaemia guide\n\nFirst line is fine.\nThe caf\u00e9 leaflet.\n".encode("latin-1")
    )
    _good_beside(tmp_path)
    report = load(tmp_path)
    error = _one_failure(report, bad)
    assert error.line == 4
    assert str(error).startswith(f"{bad}:4: not UTF-8 text (byte 0xe9)")
    assert "UTF-8" in error.reason
    assert report.new == 1


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path):
    settings = Settings(home=tmp_path / "home", database_url=None, max_document_bytes=2_000)
    docs = tmp_path / "docs"
    docs.mkdir()
    big = docs / "big.md"
    big.write_text("# Big\n\n" + "Offer folic acid 5 mg daily. " * 200)
    _good_beside(docs)
    from curbside.library.ingest import ingest

    rt = open_runtime(settings)
    try:
        report = ingest([docs], rt.store, rt.retriever, max_bytes=rt.settings.max_document_bytes)
        error = _one_failure(report, big)
        assert error.reason.startswith("too large:") and "limit" in error.reason
        assert report.new == 1
    finally:
        rt.close()


def test_a_jsonl_record_over_the_size_limit_is_reported_by_line(tmp_path: Path):
    settings = Settings(home=tmp_path / "home", database_url=None, max_document_bytes=500)
    path = tmp_path / "records.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "a", "title": "Small", "text": "Offer folic acid."},
                {"id": "b", "title": "Huge", "text": "Offer folic acid. " * 100},
            ]
        )
        + "\n"
    )
    from curbside.library.ingest import ingest

    rt = open_runtime(settings)
    try:
        report = ingest([path], rt.store, rt.retriever, max_bytes=500)
        error = _one_failure(report, path)
        assert error.line == 2 and "too large" in error.reason
        assert [d.title for d in rt.store.list_documents()] == ["Small"]
    finally:
        rt.close()


def test_an_invalid_json_line_is_reported_as_path_and_line_and_the_others_go_in(
    tmp_path: Path, load, runtime
):
    path = tmp_path / "records.jsonl"
    path.write_text(
        json.dumps({"id": "1", "title": "Gout", "text": "Offer colchicine."})
        + "\n"
        + '{"id": "2", "title": "Broken", "text": \n'
        + '["a list, not an object"]\n'
        + json.dumps({"id": "4", "title": "Migraine"})
        + "\n"
        + json.dumps({"id": "5", "title": "Cellulitis", "text": "Offer flucloxacillin."})
        + "\n"
    )
    report = load(path)
    assert report.new == 2 and _titles(runtime) == ["Cellulitis", "Gout"]
    reasons = [str(e) for e in report.failed]
    assert reasons[0].startswith(f"{path}:2: invalid JSON")
    assert reasons[1] == f"{path}:3: each line must be a JSON object"
    assert reasons[2].startswith(f"{path}:4: no text in field")


def test_a_corrupt_gzip_is_reported_and_earlier_records_are_kept(tmp_path: Path, load, runtime):
    import gzip

    path = tmp_path / "records.jsonl.gz"
    data = gzip.compress(
        b"".join(
            json.dumps({"id": str(i), "title": f"Topic {i}", "text": "Offer rest."}).encode()
            + b"\n"
            for i in range(200)
        )
    )
    path.write_bytes(data[: len(data) - 20])
    report = load(path)
    [error] = report.failed
    assert str(error).startswith(f"{path}: cannot read")
    assert 150 <= report.new < 200
    assert len(runtime.store.list_documents(limit=500)) == report.new


def test_xml_syntax_error_names_its_line(tmp_path: Path, load, runtime):
    bad = tmp_path / "broken.xml"
    bad.write_text(
        '<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle>\n</PubmedArticleSet>\n'
    )
    _good_beside(tmp_path)
    report = load(tmp_path)
    error = _one_failure(report, bad)
    assert "invalid XML" in error.reason and error.line == 4
    assert str(error).startswith(f"{bad}:4: invalid XML")
    assert report.new == 1


def test_xml_with_an_unsupported_root_is_refused(tmp_path: Path, load):
    bad = tmp_path / "feed.xml"
    bad.write_text('<?xml version="1.0"?>\n<rss><channel/></rss>\n')
    error = _one_failure(load(bad), bad)
    assert str(error) == f"{bad}:2: unsupported XML root <rss>"


def test_xml_entities_are_not_expanded(tmp_path: Path, load, runtime):
    bad = tmp_path / "entity.xml"
    bad.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '\n<Document id="1" source="T"><Focus>F</Focus><QAPairs><QAPair>'
        "<Question>Q?</Question><Answer>A &x; B</Answer></QAPair></QAPairs>"
        "</Document>\n"
    )
    load(bad)
    for doc in runtime.store.list_documents():
        for p in runtime.store.document_passages(doc.id):
            assert "root:" not in p.text


def test_unknown_kind_in_front_matter_is_refused(tmp_path: Path, load):
    bad = tmp_path / "kind.md"
    bad.write_text("---\ntitle: X\nkind: blogpost\n---\n# X\n\nSome text here.\n")
    error = _one_failure(load(bad), bad)
    assert error.reason.startswith("unknown kind 'blogpost'")


def test_broken_front_matter_names_its_line(tmp_path: Path, load):
    bad = tmp_path / "yaml.md"
    bad.write_text("---\ntitle: X\npublisher: [unclosed\n---\n# X\n\nSome text.\n")
    error = _one_failure(load(bad), bad)
    assert error.reason.startswith("front matter is not valid YAML") and error.line


def test_unsupported_or_missing_paths_named_directly_are_reported(tmp_path: Path, load, runtime):
    docx = tmp_path / "guide.docx"
    docx.write_bytes(b"PK\x03\x04")
    missing = tmp_path / "nowhere.md"
    good = _good_beside(tmp_path)
    report = load(docx, missing, good)
    assert [str(e) for e in report.failed] == [
        f"{docx}: unsupported file type '.docx'",
        f"{missing}: no such file or folder",
    ]
    assert report.new == 1


def test_files_of_unknown_type_and_hidden_folders_inside_a_folder_are_skipped_quietly(
    tmp_path: Path, load
):
    (tmp_path / "guide.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.md").write_text(GOOD)
    _good_beside(tmp_path)
    report = load(tmp_path)
    assert (report.new, report.failed) == (1, [])


# ---- the command line -------------------------------------------------------------------
def _bad_and_good(root: Path) -> tuple[Path, Path]:
    docs = root / "docs"
    docs.mkdir()
    (docs / "folate.md").write_text(GOOD)
    bad = docs / "leaflet.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type")
    return docs, bad


def _flat(text: str) -> str:
    return "".join(text.split())


def test_cli_ingest_exits_1_when_anything_failed_and_keeps_the_rest(tmp_path: Path):
    docs, bad = _bad_and_good(tmp_path)
    runner = CliRunner()
    env = {"CURBSIDE_HOME": str(tmp_path / "home"), "CURBSIDE_DATABASE_URL": None}
    result = runner.invoke(app, ["ingest", "-q", str(docs)], env=env)
    assert result.exit_code == 1, result.output
    assert _flat(f"{bad}: corrupt PDF") in _flat(result.stderr)
    assert _flat("1 new, 0 updated, 0 unchanged, 1 failed") in _flat(result.stderr)
    rt = open_runtime(Settings(home=tmp_path / "home", database_url=None))
    try:
        assert _titles(rt) == ["Folate deficiency"]
    finally:
        rt.close()
    bad.unlink()
    again = runner.invoke(app, ["ingest", "-q", str(docs)], env=env)
    assert again.exit_code == 0, again.output
    assert _flat("0 new, 0 updated, 1 unchanged, 0 failed") in _flat(again.stderr)


def test_cli_ingest_applies_a_field_map_and_refuses_a_bad_one(tmp_path: Path):
    path = tmp_path / "records.jsonl"
    path.write_text(
        json.dumps(
            {
                "ref": "n1",
                "heading": "Gout",
                "recs": "Offer colchicine.",
                "org": "Rheumatology Society",
            }
        )
        + "\n"
    )
    runner = CliRunner()
    env = {"CURBSIDE_HOME": str(tmp_path / "home"), "CURBSIDE_DATABASE_URL": None}
    bad = runner.invoke(app, ["ingest", "-q", "--map", "body=recs", str(path)], env=env)
    assert bad.exit_code == 2
    assert _flat("bad --map entry 'body=recs'") in _flat(bad.stderr)
    ok = runner.invoke(
        app,
        [
            "ingest",
            "-q",
            "--kind",
            "review",
            "--map",
            "id=ref,title=heading,text=recs,publisher=org",
            str(path),
        ],
        env=env,
    )
    assert ok.exit_code == 0, ok.output
    rt = open_runtime(Settings(home=tmp_path / "home", database_url=None))
    try:
        [doc] = rt.store.list_documents()
        assert (doc.title, doc.kind, doc.publisher) == ("Gout", "review", "Rheumatology Society")
        assert doc.key.endswith("records.jsonl#n1")
    finally:
        rt.close()


@pytest.mark.slow
def test_cli_prints_each_failure_as_one_plain_path_reason_line(tmp_path: Path):
    docs, bad = _bad_and_good(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "CURBSIDE_DATABASE_URL")}
    env["CURBSIDE_HOME"] = str(tmp_path / "home")
    proc = subprocess.run(
        [sys.executable, "-c", "from curbside.cli import app; app()", "ingest", "-q", str(docs)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    [line] = [ln for ln in proc.stderr.splitlines() if "corrupt PDF" in ln]
    assert line.startswith(f"{bad}: corrupt PDF: ")
