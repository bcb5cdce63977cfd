from pathlib import Path

GUIDE = """---
title: Vitamin B12 deficiency
publisher: Test Society
year: 2014
kind: guideline
url: https://example.org/b12
---
# Vitamin B12 deficiency

## Treatment

### Neurological involvement
Hydroxocobalamin 1 mg intramuscularly on alternate days until there is no further improvement.
"""


def test_markdown_keeps_section_path_and_metadata(tmp_path: Path, load, runtime):
    path = tmp_path / "b12.md"
    path.write_text(GUIDE)
    report = load(path)
    assert (report.new, report.failed) == (1, [])
    [doc] = runtime.store.list_documents()
    assert (doc.title, doc.publisher, doc.year, doc.kind) == (
        "Vitamin B12 deficiency",
        "Test Society",
        2014,
        "guideline",
    )
    [passage] = runtime.store.document_passages(doc.id)
    assert passage.section_path == "Vitamin B12 deficiency › Treatment › Neurological involvement"
    assert "1 mg intramuscularly" in passage.text
    hits = runtime.retriever.search("hydroxocobalamin neurological", k=3).hits
    assert hits and hits[0].passage.id == passage.id
