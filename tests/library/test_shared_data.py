"""Real files from ../shared/data (skipped cleanly where the datasets are absent)."""

from __future__ import annotations

import gzip
import itertools
import re
import tarfile
from pathlib import Path

import pytest
from lxml import etree

from curbside.library.ingest import read_file
from curbside.library.records import FieldMap
from curbside.library.sentences import sentence_spans
from tests.conftest import shared_path

pytestmark = pytest.mark.slow

NGC_MAP = "title=title,text=major_recommendations,publisher=developer,year=date_released"
NO_ANSWERS = ("10_MPlus_ADAM_QA/", "11_MPlusDrugs_QA/", "12_MPlusHerbsSupplements_QA/")


@pytest.fixture
def ngc50(tmp_path: Path) -> Path:
    source = shared_path("ngc_guideline_summaries", "ngc_guideline_summaries.jsonl.gz")
    target = tmp_path / "ngc50.jsonl.gz"
    with gzip.open(source, "rb") as src, gzip.open(target, "wb") as dst:
        dst.writelines(itertools.islice(src, 50))
    return target


def test_ngc_guideline_summaries_ingest_with_a_field_map(ngc50: Path, load, runtime):
    report = load(ngc50, map_spec=NGC_MAP)
    assert (report.new, report.failed) == (50, [])
    docs = runtime.store.list_documents(limit=100)
    assert len(docs) == 50 and all(d.publisher and d.year for d in docs)
    [thymectomy] = [d for d in docs if d.key.endswith("#ngc-2052")]
    # "2000 Jul (reaffirmed 2014 Aug 9)": the text was last current in 2014.
    assert thymectomy.year == 2014
    assert thymectomy.publisher == "American Academy of Neurology - Medical Specialty Society"
    assert thymectomy.title.startswith("Practice parameter: thymectomy")
    hits = runtime.retriever.search("thymectomy myasthenia gravis remission", k=3).hits
    assert hits[0].document.id == thymectomy.id


def test_ngc_passages_are_exactly_the_chunks_of_each_record(ngc50: Path, load, runtime):
    load(ngc50, map_spec=NGC_MAP)
    fmap = FieldMap.parse(NGC_MAP)
    parsed = list(read_file(ngc50, fmap, 10**8))
    assert len(parsed) == 50
    from curbside.library.chunking import chunk_sections, document_text

    for item in parsed:
        doc = runtime.store.current_document(item.key)
        stored = runtime.store.document_passages(doc.id)
        text = document_text(item.sections)
        assert [p.text for p in stored] == [c.text for c in chunk_sections(item.sections)]
        for p in stored:
            assert text[p.char_start : p.char_end] == p.text
            # Near the size limit, or one sentence too long to cut.
            assert len(p.text.split()) <= 290 or len(sentence_spans(p.text)) == 1


def test_ngc_reingest_of_the_same_records_changes_nothing(ngc50: Path, load, runtime):
    load(ngc50, map_spec=NGC_MAP)
    version = runtime.store.library_version()
    report = load(ngc50, map_spec=NGC_MAP)
    assert (report.new, report.updated, report.unchanged, report.passages) == (0, 0, 50, 0)
    assert runtime.store.library_version() == version


def _answered_medquad(archive: Path, target: Path, per_folder: int = 2, folders: int = 4):
    taken: dict[str, int] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".xml"):
                continue
            folder = member.name.split("/", 1)[0]
            if member.name.startswith(NO_ANSWERS) or taken.get(folder, 0) >= per_folder:
                continue
            if len(taken) >= folders and folder not in taken:
                continue
            handle = tar.extractfile(member)
            data = handle.read() if handle else b""
            if not re.search(rb"<Answer>\s*[^<\s]", data):
                continue
            out = target / member.name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            taken[folder] = taken.get(folder, 0) + 1
            if len(taken) >= folders and all(n >= per_folder for n in taken.values()):
                break
    return sorted(target.rglob("*.xml"))


def test_medquad_xml_files_ingest_as_consumer_documents(tmp_path: Path, load, runtime):
    archive = shared_path("medquad", "MedQuAD_xml.tar.gz")
    files = _answered_medquad(archive, tmp_path / "medquad")
    assert len(files) >= 4
    report = load(tmp_path / "medquad")
    assert (report.new, report.failed) == (len(files), [])
    for path in files:
        root = etree.parse(str(path)).getroot()
        focus = " ".join(root.findtext("Focus").split())
        doc = runtime.store.current_document(f"medquad:{root.get('source')}:{root.get('id')}")
        assert doc is not None, path
        assert (doc.title, doc.kind, doc.publisher) == (focus, "consumer", root.get("source"))
        passages = runtime.store.document_passages(doc.id)
        assert passages and all(p.section_path.startswith(f"{focus} › ") for p in passages)
    first = runtime.store.current_document(
        "medquad:{source}:{id}".format(**etree.parse(str(files[0])).getroot().attrib)
    )
    hits = runtime.retriever.search(first.title, k=5).hits
    assert first.id in {h.document.id for h in hits}
