"""Every input format becomes documents with section paths, metadata and searchable passages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from curbside.library.chunking import chunk_sections
from curbside.library.readers import read_pdf

from .pdfbytes import minimal_pdf


def _passages(runtime, title: str):
    [doc] = [d for d in runtime.store.list_documents(limit=1000) if d.title == title]
    return doc, runtime.store.document_passages(doc.id)


def _paths(passages) -> list[str]:
    return [p.section_path for p in passages]


# ---- Markdown ---------------------------------------------------------------------------
FENCED = """---
title: Anticoagulation in atrial fibrillation
publisher: Heart Society
year: 2021-05-01
kind: guideline
tags: [af, doac]
reviewed: 2023-01-02
sources:
  - name: Full guideline
    url: https://example.org/af
---
Read this first: it covers adults only.

# Anticoagulation in atrial fibrillation

## Assessment
Use CHA2DS2-VASc to estimate stroke risk.

```text
# Not a heading
## Nor is this
```

## Treatment
### Choice of drug
Offer **apixaban** 5 mg twice daily. See [the summary](https://example.org/summary).
<!-- editor's note: hidden -->
"""


def test_markdown_front_matter_fills_metadata_and_keeps_the_rest_as_meta(
    tmp_path: Path, load, runtime
):
    path = tmp_path / "af.md"
    path.write_text(FENCED)
    report = load(path)
    assert (report.new, report.failed) == (1, [])
    [doc] = runtime.store.list_documents()
    assert (doc.title, doc.publisher, doc.year, doc.kind, doc.url) == (
        "Anticoagulation in atrial fibrillation",
        "Heart Society",
        2021,
        "guideline",
        "https://example.org/af",
    )
    assert doc.meta["tags"] == ["af", "doac"]
    assert doc.meta["reviewed"] == "2023-01-02"  # a YAML date stored as text
    assert doc.version == 1 and doc.status == "current"


def test_markdown_headings_become_section_paths_and_fenced_headings_do_not(
    tmp_path: Path, load, runtime
):
    path = tmp_path / "af.md"
    path.write_text(FENCED)
    load(path)
    _, passages = _passages(runtime, "Anticoagulation in atrial fibrillation")
    title = "Anticoagulation in atrial fibrillation"
    assert _paths(passages) == [
        title,
        f"{title} › Assessment",
        f"{title} › Treatment › Choice of drug",
    ]
    assert not any("Not a heading" in p for p in _paths(passages))
    assert "# Not a heading" in passages[1].text  # the fence body stays as text
    drug = passages[2].text
    assert "Offer apixaban 5 mg twice daily" in drug
    assert "the summary" in drug and "https://" not in drug and "editor's note" not in drug


def test_markdown_without_front_matter_takes_its_title_from_the_first_heading(
    tmp_path: Path, load, runtime
):
    path = tmp_path / "gout.md"
    path.write_text("# Gout\n\n## Acute attack\nOffer colchicine 500 micrograms twice daily.\n")
    load(path)
    doc, passages = _passages(runtime, "Gout")
    assert doc.publisher is None and doc.kind == "guideline"
    assert _paths(passages) == ["Gout › Acute attack"]


# ---- Plain text -------------------------------------------------------------------------
PLAIN = """Managing Hyperkalaemia

Background

Hyperkalaemia is a serum potassium above 5.5 mmol/L. It is common in chronic kidney disease.

Emergency treatment:

Give calcium gluconate 10% 30 mL IV over 10 minutes. Then give insulin with glucose.

When to refer?

Refer if potassium stays above 6.5 mmol/L despite treatment.
"""


def test_plain_text_heading_like_lines_become_sections(tmp_path: Path, load, runtime):
    path = tmp_path / "hyperkalaemia.txt"
    path.write_text(PLAIN)
    assert load(path).new == 1
    _, passages = _passages(runtime, "Managing Hyperkalaemia")
    assert _paths(passages) == [
        "Managing Hyperkalaemia › Background",
        "Managing Hyperkalaemia › Emergency treatment",
        "Managing Hyperkalaemia › When to refer?",
    ]
    assert passages[1].text.startswith("Give calcium gluconate 10% 30 mL IV")
    assert all(p.text != "Managing Hyperkalaemia" for p in passages)


def test_plain_text_whose_first_line_is_a_sentence_is_titled_by_its_file_name(
    tmp_path: Path, load, runtime
):
    path = tmp_path / "potassium-note.txt"
    path.write_text("Check potassium within a week of starting an ACE inhibitor.\n")
    load(path)
    [doc] = runtime.store.list_documents()
    assert doc.title == "potassium-note"


# ---- HTML -------------------------------------------------------------------------------
PAGE = """<!doctype html>
<html><head><title>Asthma in adults</title>
<script>var tracking = "analytics payload";</script><style>p { color: red }</style></head>
<body>
<header><p>Site header: Health Service</p></header>
<nav><ul><li>Home</li><li>Conditions A to Z</li></ul></nav>
<div class="cookie-banner"><p>We use cookies to improve your experience.</p></div>
<div id="sidebar"><p>Related links in the sidebar</p></div>
<main>
<h1>Asthma in adults</h1>
<p>Asthma is a common long-term condition.</p>
<h2>Treatment</h2>
<h3>Step 1</h3>
<p>Offer a low-dose ICS with as-needed formoterol.</p>
<ul><li>Check inhaler technique.</li><li>Review in 4 weeks.</li></ul>
<h2>Referral</h2>
<div>Refer if poorly controlled despite step 3.</div>
</main>
<p>A paragraph outside the main content.</p>
<footer><p>Copyright footer text</p></footer>
</body></html>
"""


def test_html_keeps_headings_as_section_path_and_drops_page_furniture(
    tmp_path: Path, load, runtime
):
    path = tmp_path / "asthma.html"
    path.write_text(PAGE)
    assert load(path).new == 1
    _, passages = _passages(runtime, "Asthma in adults")
    assert _paths(passages) == [
        "Asthma in adults",
        "Asthma in adults › Treatment › Step 1",
        "Asthma in adults › Referral",
    ]
    assert "- Check inhaler technique." in passages[1].text
    everything = " ".join(p.text for p in passages)
    for furniture in (
        "analytics",
        "color",
        "Site header",
        "Conditions A to Z",
        "cookies",
        "sidebar",
        "outside the main",
        "Copyright",
    ):
        assert furniture not in everything


def test_html_prefers_the_article_over_the_rest_of_the_page(tmp_path: Path, load, runtime):
    path = tmp_path / "gord.htm"
    path.write_text(
        "<html><body><div><p>Promoted stories from around the web.</p></div>"
        "<article><h1>Reflux in adults</h1><p>Offer a PPI for 4 weeks.</p></article>"
        "<div role='navigation'><p>Next page</p></div></body></html>"
    )
    load(path)
    _, passages = _passages(runtime, "Reflux in adults")  # no <title>: the h1 names it
    assert [p.text for p in passages] == ["Offer a PPI for 4 weeks."]


# ---- PDF --------------------------------------------------------------------------------
def test_pdf_pages_land_on_their_passages(tmp_path: Path, load, runtime):
    path = tmp_path / "b12_leaflet.pdf"
    path.write_bytes(minimal_pdf(["Hydroxocobalamin 1 mg", "Folic acid 5 mg daily"]))
    assert load(path).new == 1
    doc, passages = _passages(runtime, "b12 leaflet")  # no /Title: the file name names it
    assert [(p.text, p.page) for p in passages] == [
        ("Hydroxocobalamin 1 mg", 1),
        ("Folic acid 5 mg daily", 2),
    ]
    hits = runtime.retriever.search("hydroxocobalamin", k=3).hits
    assert hits[0].passage.page == 1 and hits[0].document.id == doc.id


def test_pdf_title_metadata_names_the_document(tmp_path: Path):
    path = tmp_path / "leaflet.pdf"
    raw = minimal_pdf(["Hydroxocobalamin 1 mg"], title="Vitamin B12 injections")
    parsed = read_pdf(path, raw)
    assert parsed.title == "Vitamin B12 injections"
    assert [(s.path, s.page) for s in parsed.sections] == [(("Vitamin B12 injections",), 1)]


# ---- JSONL ------------------------------------------------------------------------------
RECORDS = [
    {
        "id": "g1",
        "meta": {"title": "Gout", "org": {"name": "Rheumatology Society"}},
        "recs": "Offer colchicine 500 micrograms twice daily.",
        "evidence": "Two trials support it.",
        "date": "2019 Jan",
        "link": "https://example.org/gout",
    },
    {
        "id": "g2",
        "meta": {"title": "Migraine", "org": {"name": "Headache Group"}},
        "recs": "Offer a triptan with an NSAID.",
        "evidence": "",
        "date": "2018",
    },
]
MAP = "title=meta.title,text=recs+evidence,publisher=meta.org.name,year=date,url=link"


def _jsonl_lines(records) -> str:
    return "\n".join(json.dumps(r) for r in records) + "\n"


def test_jsonl_field_map_follows_dotted_paths_and_joins_text_fields_as_sections(
    tmp_path: Path, load, runtime
):
    path = tmp_path / "guidelines.jsonl"
    path.write_text(_jsonl_lines(RECORDS))
    report = load(path, map_spec=MAP, kind="guideline")
    assert (report.new, report.failed) == (2, [])
    gout, passages = _passages(runtime, "Gout")
    assert (gout.publisher, gout.year, gout.url) == (
        "Rheumatology Society",
        2019,
        "https://example.org/gout",
    )
    assert gout.key.endswith("guidelines.jsonl#g1")
    assert gout.source_path == f"{path}:1"
    assert [(p.section_path, p.text) for p in passages] == [
        ("Gout › recs", "Offer colchicine 500 micrograms twice daily."),
        ("Gout › evidence", "Two trials support it."),
    ]
    migraine, passages = _passages(runtime, "Migraine")  # an empty field adds no section
    assert migraine.publisher == "Headache Group"
    assert [p.section_path for p in passages] == ["Migraine"]


def test_gzipped_jsonl_reads_like_plain_jsonl(tmp_path: Path, load, runtime):
    path = tmp_path / "guidelines.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(_jsonl_lines(RECORDS))
    assert load(path, map_spec=MAP).new == 2
    assert runtime.retriever.search("colchicine", k=1).hits[0].document.title == "Gout"


def test_jsonl_uses_default_field_names_without_a_map(tmp_path: Path, load, runtime):
    path = tmp_path / "plain.jsonl"
    record = {"_id": "x1", "title": "Cellulitis", "text": "Offer flucloxacillin."}
    path.write_text(json.dumps(record) + "\n\n")
    assert load(path).new == 1
    [doc] = runtime.store.list_documents()
    assert doc.title == "Cellulitis" and doc.key.endswith("#x1")


# ---- XML --------------------------------------------------------------------------------
PUBMED = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2019//EN"
 "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">
<PubmedArticleSet>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">12345678</PMID>
    <Article PubModel="Print">
      <Journal><Title>Journal of Haematology</Title>
        <JournalIssue><PubDate><Year>2015</Year></PubDate></JournalIssue></Journal>
      <ArticleTitle>Oral versus intramuscular cobalamin.</ArticleTitle>
      <Abstract>
        <AbstractText Label="BACKGROUND">Cobalamin deficiency is common in older adults.
        </AbstractText>
        <AbstractText Label="METHODS">We randomised 60 patients to oral <i>cyanocobalamin</i>
          1000 mcg daily or intramuscular injections.</AbstractText>
        <AbstractText Label="CONCLUSIONS">Oral therapy was non-inferior.</AbstractText>
      </Abstract>
      <PublicationTypeList>
        <PublicationType UI="D016449">Randomized Controlled Trial</PublicationType>
      </PublicationTypeList>
    </Article>
  </MedlineCitation>
</PubmedArticle>
<PubmedArticle>
  <MedlineCitation><PMID>999</PMID>
    <Article><ArticleTitle>A letter without an abstract.</ArticleTitle></Article>
  </MedlineCitation>
</PubmedArticle>
</PubmedArticleSet>
"""


def test_pubmed_labelled_abstract_parts_become_sections(tmp_path: Path, load, runtime):
    path = tmp_path / "pubmed.xml"
    path.write_bytes(PUBMED)
    report = load(path)
    assert report.new == 1
    [error] = report.failed  # the article without an abstract is reported, not stored
    assert str(error).startswith(f"{path}:") and "PMID 999: no abstract text" in str(error)
    doc, passages = _passages(runtime, "Oral versus intramuscular cobalamin.")
    assert (doc.key, doc.kind, doc.year, doc.publisher, doc.url) == (
        "pubmed:12345678",
        "trial",
        2015,
        "Journal of Haematology",
        "https://pubmed.ncbi.nlm.nih.gov/12345678/",
    )
    assert [p.section_path.split(" › ")[1] for p in passages] == [
        "Background",
        "Methods",
        "Conclusions",
    ]
    assert "oral cyanocobalamin 1000 mcg daily" in passages[1].text


MEDQUAD = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document id="0000042" source="NIDDK" url="https://www.niddk.nih.gov/pernicious-anemia">
<Focus>Pernicious Anemia</Focus>
<QAPairs>
<QAPair pid="1">
<Question qid="42-1" qtype="information">What is (are) Pernicious Anemia ?</Question>
<Answer>Pernicious anemia is a condition in which the body cannot absorb vitamin B12.</Answer>
</QAPair>
<QAPair pid="2"><Question qid="42-2" qtype="treatment">What are the treatments for Pernicious
Anemia ?</Question><Answer>Treatment is vitamin B12 injections.
  Some people can take high-dose tablets.</Answer></QAPair>
<QAPair pid="3"><Question qid="42-3" qtype="symptoms">What are the symptoms ?</Question>
<Answer></Answer></QAPair>
</QAPairs>
</Document>
"""


def test_medquad_answers_become_sections_under_their_questions(tmp_path: Path, load, runtime):
    path = tmp_path / "0000042.xml"
    path.write_bytes(MEDQUAD)
    assert load(path).new == 1
    doc, passages = _passages(runtime, "Pernicious Anemia")
    assert (doc.key, doc.kind, doc.publisher, doc.url) == (
        "medquad:NIDDK:0000042",
        "consumer",
        "NIDDK",
        "https://www.niddk.nih.gov/pernicious-anemia",
    )
    assert _paths(passages) == [  # the pair without an answer adds nothing
        "Pernicious Anemia › What is (are) Pernicious Anemia ?",
        "Pernicious Anemia › What are the treatments for Pernicious Anemia ?",
    ]


MEDLINEPLUS = b"""<?xml version="1.0" encoding="UTF-8"?>
<health-topics total="2" date-generated="01/02/2024 02:30:00">
<health-topic meta-desc="Anemia" title="Anemia" url="https://medlineplus.gov/anemia.html"
  id="20" language="English" date-created="07/22/1999">
<also-called>Iron poor blood</also-called>
<full-summary>&lt;p&gt;Anemia is a condition in which you lack enough healthy red blood
cells.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Iron deficiency&lt;/li&gt;&lt;li&gt;Vitamin B12
deficiency&lt;/li&gt;&lt;/ul&gt;</full-summary>
</health-topic>
<health-topic title="Topic without summary" url="https://medlineplus.gov/empty.html" id="21"
  date-created="01/01/2001"><full-summary></full-summary></health-topic>
</health-topics>
"""


def test_medlineplus_topics_become_consumer_documents(tmp_path: Path, load, runtime):
    path = tmp_path / "mplus_topics.xml"
    path.write_bytes(MEDLINEPLUS)
    report = load(path)
    assert report.new == 1
    [error] = report.failed
    assert "health topic 'Topic without summary' has no summary" in str(error)
    doc, [passage] = _passages(runtime, "Anemia")
    assert (doc.key, doc.kind, doc.year, doc.url) == (
        "medlineplus:20",
        "consumer",
        1999,
        "https://medlineplus.gov/anemia.html",
    )
    assert passage.text == (
        "Anemia is a condition in which you lack enough healthy red blood "
        "cells.\n\nIron deficiency\n\nVitamin B12 deficiency"
    )
    assert "<p>" not in passage.text


# ---- every format: offsets point into the document text --------------------------------
def test_every_stored_passage_matches_a_fresh_chunking_of_its_document(
    tmp_path: Path, load, runtime
):
    (tmp_path / "af.md").write_text(FENCED)
    (tmp_path / "k.txt").write_text(PLAIN)
    (tmp_path / "asthma.html").write_text(PAGE)
    (tmp_path / "p.xml").write_bytes(PUBMED)
    report = load(tmp_path)
    assert report.new == 4
    from curbside.library.ingest import read_file
    from curbside.library.records import FieldMap

    for name in ("af.md", "k.txt", "asthma.html"):
        [parsed] = read_file(tmp_path / name, FieldMap(), 10**6)
        doc = runtime.store.current_document(parsed.key)
        stored = runtime.store.document_passages(doc.id)
        chunks = chunk_sections(parsed.sections)
        assert [(p.text, p.char_start, p.char_end) for p in stored] == [
            (c.text, c.char_start, c.char_end) for c in chunks
        ]
