"""The medical vocabulary layer: synonyms, abbreviations, spellings and brand names.

The data lives in vocabulary.yaml beside this module; this module only indexes it for lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

# Weight of a term reached through a broader concept (a class name, a related drug) relative
# to the words the user typed. Exact equivalents (spellings, brand -> generic) keep 1.0.
RELATED_WEIGHT = 0.5
EQUIVALENT_WEIGHT = 1.0
MAX_PHRASE = 5
_TOKEN = re.compile(r"[^\W_]+(?:[-.'’][^\W_]+)*\.?")


# Word endings that mark a drug (the international nonproprietary name stems: "-mab",
# "-cept", "-siran", "-orexant") or a disease ("-itis", "-asia"). A word of this shape that the
# library never uses is an unknown topic, never a misspelling of some library word.
_MEDICAL_SHAPE = re.compile(
    r"(itis|osis|iasis|aemia|emia|oma|pathy|algia|asia|plasia|penia|trophy|uria|megaly|"
    r"mab|cept|siran|nersen|gene|vec|mod|orexant|olone|stat|glutide|tide|gliflozin|gliptin|"
    r"vir|previr|buvir|asvir|tril|pril|sartan|olol|statin|mycin|cillin|azole|tinib|rafenib|"
    r"parib|lisib|zomib|ciclib|parin|xaban|gatran|dipine|prazole|oxacin|cycline|setron|"
    r"triptan|lukast|platin|taxel|rubicin|ketamine|caftor|fungin|penem|bactam|dronate|"
    r"coxib|terol|sonide|metasone|ridone|apine|peridol|azepam|zolam|oxetine|plase|curium|"
    r"semide|thiazide|stigmine|tecan|relix|glinide|gepant|ditan|lutamide|trozole|fenac|"
    r"profen|triptyline|pramine|afil|tadine|tidine|dazole|sertib|rsen|lumab|zumab|ximab)$"
)


def medical_shaped(word: str) -> bool:
    """Whether a word has the shape of a drug or disease name."""
    return len(word) >= 6 and word.isalpha() and bool(_MEDICAL_SHAPE.search(word.lower()))


def surface_tokens(text: str) -> list[str]:
    """Lower-cased words as the vocabulary sees them (hyphens and dots kept inside words)."""
    return [t.rstrip(".") if t.count(".") == 1 else t for t in _TOKEN.findall(text.lower())]


def normalise(phrase: str) -> str:
    return " ".join(surface_tokens(phrase))


@dataclass
class Vocabulary:
    """Lookup tables built from the YAML data."""

    expansions: dict[str, dict[str, float]] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    preferred: dict[str, str] = field(default_factory=dict)
    lexicon: dict[str, str] = field(default_factory=dict)  # named condition/drug -> its type

    def add(self, phrase: str, other: str, weight: float) -> None:
        a, b = normalise(phrase), normalise(other)
        if a and b and a != b:
            current = self.expansions.setdefault(a, {})
            current[b] = max(weight, current.get(b, 0.0))

    def lookup(self, phrase: str) -> dict[str, float]:
        return self.expansions.get(phrase, {})

    def type_of(self, phrase: str) -> str | None:
        key = normalise(phrase)
        return self.types.get(key) or self.lexicon.get(key)

    @property
    def max_phrase(self) -> int:
        return MAX_PHRASE


@cache
def load_vocabulary(path: Path | None = None) -> Vocabulary:
    text = (path or Path(__file__).with_name("vocabulary.yaml")).read_text()
    # libyaml's parser where PyYAML was built with it: a tenth of the pure-Python time.
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    vocab = Vocabulary()
    spell: dict[str, str] = {}
    for a, b in data.get("spellings", {}).items():
        spell[normalise(a)], spell[normalise(b)] = normalise(b), normalise(a)
    for concept in data.get("concepts", []):
        terms = [normalise(t) for t in concept["terms"]]
        # British and American forms of a phrase are the same phrase.
        for term in list(terms):
            variant = " ".join(spell.get(w, w) for w in term.split())
            if variant != term:
                vocab.add(term, variant, EQUIVALENT_WEIGHT)
                vocab.add(variant, term, EQUIVALENT_WEIGHT)
                if variant not in terms:
                    terms.append(variant)
        for term in terms:
            vocab.types.setdefault(term, concept.get("type", "other"))
            vocab.preferred.setdefault(term, terms[0])
            for other in terms:
                vocab.add(term, other, RELATED_WEIGHT)
    # A member names its class ("valacyclovir" finds "antivirals"), never the other way: a
    # question about triptans is not answered by one about sumatriptan's dose alone, nor one
    # member's question by another member. A class name gets no type: typed, it would become
    # a topic every statement must name ("triptan" under medication overuse headache).
    for entry in data.get("classes", []):
        for member in entry["members"]:
            vocab.types.setdefault(normalise(member), "drug")
            for name in entry["class"]:
                vocab.add(member, name, RELATED_WEIGHT)
    for pairs, kind in ((data.get("spellings", {}), "spelling"), (data.get("brands", {}), "brand")):
        for a, b in pairs.items():
            vocab.add(a, b, EQUIVALENT_WEIGHT)
            vocab.add(b, a, EQUIVALENT_WEIGHT)
            if kind == "brand":
                vocab.types.setdefault(normalise(a), "drug")
                vocab.types.setdefault(normalise(b), "drug")
            for x, y in ((a, b), (b, a)):  # a spelling variant shares its twin's synonyms
                for other, w in list(vocab.lookup(normalise(y)).items()):
                    vocab.add(x, other, min(w, RELATED_WEIGHT))
            for x in (a, b):
                t = vocab.types.get(normalise(a)) or vocab.types.get(normalise(b))
                if t:
                    vocab.types.setdefault(normalise(x), t)
    vocab.abbreviations = {k: normalise(v) for k, v in data.get("abbreviations", {}).items()}
    lexicon = data.get("lexicon", {})
    for kind, names in (
        ("condition", lexicon.get("conditions", [])),
        ("drug", lexicon.get("drugs", [])),
    ):
        for name in names:
            vocab.lexicon[normalise(name)] = kind
    return vocab
