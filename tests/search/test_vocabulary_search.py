"""The vocabulary layer finds what a clinician means, not only what they typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from curbside.search.query import plan_query
from curbside.search.vocabulary import load_vocabulary

LIBRARY = {
    "pernicious.md": "# Pernicious anaemia\n\nGive cyanocobalamin injections every three months.\n",
    "injection.md": "# Injection technique\n\nUse the deltoid for intramuscular vaccines.\n",
    "stroke.md": "# Stroke prevention\n\nPatients with atrial fibrillation need anticoagulation.\n",
    "staff.md": "# Rota\n\nThe afternoon staff in the cafe handle affairs after lunch.\n",
    "counts.md": "# Blood counts in pregnancy\n\nAnemia is defined by haemoglobin thresholds.\n",
    "transfusion.md": "# Transfusion\n\nSevere anaemia may need red cell transfusion.\n",
    "dosing.md": "# Anticoagulant dosing\n\nApixaban 5 mg twice daily is the usual dose.\n",
    "dementia.md": "# Dementia drugs\n\nRivastigmine patches may be used in Alzheimer disease.\n",
    "palsy.md": "# Facial palsy\n\nAntivirals might be offered in addition to steroids.\n",
    "zoster.md": "# Shingles\n\nFamciclovir shortens the rash of herpes zoster.\n",
    "preeclampsia.md": "# Prediction and prevention\n\nAcetylsalicylic acid is taken at bedtime.\n",
    "tourniquet.md": "# Prehospital haemorrhage control\n\nApply a windlass device high up.\n",
}


@pytest.fixture
def library(tmp_path: Path, load, runtime):
    folder = tmp_path / "library"
    folder.mkdir()
    for name, text in LIBRARY.items():
        (folder / name).write_text(text)
    assert load(folder).new == len(LIBRARY)
    return runtime


def titles(runtime, query: str, k: int = 10) -> list[str]:
    return [h.document.title for h in runtime.retriever.search(query, k=k).hits]


def test_b12_finds_cyanocobalamin_text(library):
    assert titles(library, "B12")[:1] == ["Pernicious anaemia"]
    assert "cyanocobalamin" in library.retriever.search("B12").plan.expansions


def test_im_finds_intramuscular(library):
    assert titles(library, "IM")[:1] == ["Injection technique"]


def test_af_finds_atrial_fibrillation(library):
    assert titles(library, "AF") == ["Stroke prevention"]
    assert titles(library, "anticoagulation in AF")[0] == "Stroke prevention"


def test_lowercase_af_and_af_inside_words_do_not_expand():
    vocab = load_vocabulary()
    for text in ("staff afternoon affairs", "af", "cafe AFTERNOON", "Afghanistan"):
        assert "atrial fibrillation" not in plan_query(text, vocab).expansions, text
    assert "atrial fibrillation" in plan_query("rate control in AF?", vocab).expansions


def test_af_does_not_match_words_that_contain_af(library):
    assert "Rota" not in titles(library, "AF")
    assert titles(library, "af") == []


@pytest.mark.parametrize(("query", "spelling"), [("anaemia", "anemia"), ("anemia", "anaemia")])
def test_british_and_american_spellings_find_each_other(library, query, spelling):
    found = titles(library, query)
    assert {"Blood counts in pregnancy", "Transfusion", "Pernicious anaemia"} <= set(found)
    assert spelling in library.retriever.search(query).plan.expansions


def test_brand_name_finds_the_generic(library):
    assert titles(library, "Eliquis")[0] == "Anticoagulant dosing"


def test_misspelt_drug_is_corrected_and_the_correction_is_shown(library):
    result = library.retriever.search("rivatigmine patch", k=5)
    assert result.corrections == {"rivatigmine": "rivastigmine"}
    assert result.hits[0].document.title == "Dementia drugs"


def test_a_correctly_spelt_word_is_not_corrected(library):
    assert library.retriever.search("rivastigmine").corrections == {}
    # A word the library does not hold and nothing near it: left alone, no hits, no error.
    result = library.retriever.search("zzyzxqwv")
    assert result.corrections == {} and result.hits == []


def test_question_words_do_not_drive_the_ranking(library):
    plan = library.retriever.plan("What is the recommended dose of apixaban?")
    sources = [g.source for g in plan.groups]
    assert "what" not in sources and "recommended" not in sources
    assert "apixaban" in sources


def test_a_drug_shaped_word_the_library_lacks_is_not_corrected(library):
    result = library.retriever.search("hypophosphatasia treatment", k=5)
    assert "hypophosphatasia" not in result.corrections


def test_a_word_written_only_as_a_name_is_no_correction(library):
    # "Alzheimer" stands only capitalised inside a sentence: a name, not a word to correct a
    # question into (as "robaxin" must not become "Robbins"); "rivastigmine" starts one.
    assert library.retriever.lexical.spell("alzheimar") is None
    assert library.retriever.lexical.spell("rivastigmone") == "rivastigmine"


def test_a_drug_finds_the_guideline_that_names_only_its_class(library):
    """The case names valacyclovir; the guideline says "antivirals"."""
    assert titles(library, "valacyclovir")[:1] == ["Facial palsy"]


def test_a_class_does_not_stand_for_each_of_its_members(library):
    """Members find their class, never the reverse, nor one another: a question about one
    antiviral is not answered by another's sentence."""
    vocab = load_vocabulary()
    assert "antivirals" in vocab.lookup("valacyclovir")
    assert "famciclovir" not in vocab.lookup("valacyclovir")
    assert vocab.lookup("antivirals") == {}
    assert "Shingles" not in titles(library, "valacyclovir")


def test_a_class_name_is_no_topic_but_its_members_are_drugs():
    """A typed class name would become a topic every statement must name ("triptan" under a
    medication overuse headache question)."""
    vocab = load_vocabulary()
    assert vocab.type_of("valacyclovir") == "drug"
    assert vocab.type_of("triptan") is None


@pytest.mark.parametrize(
    "query, title",
    [
        ("aspirin", "Prediction and prevention"),  # acetylsalicylic acid
        ("paramedic", "Prehospital haemorrhage control"),
    ],
)
def test_a_guideline_s_older_or_formal_name_is_found_by_the_everyday_one(library, query, title):
    assert titles(library, query)[:1] == [title]

