"""Plain-language rewriting for the patient version, by rules that cannot change meaning. Pure.

A rule may only:

* **glossary** (``patient_glossary.yaml``): replace a term by words that mean exactly it, or
  keep the term and put a plain explanation in brackets after its first use in the answer;
* **split** a sentence at a joint whose two halves say, alone, what they said together
  (``;``, ``, because``, ``, but``, ``, so``, ``, then``, ``, followed by``, a condition,
  whom the advice is for, a maximum: ``plain_sentences.py``);
* **leave the speaker to the citation**: "NICE says that S" is S, "… says to V" is "your
  care team should V" (the patient version opens by saying it tells what the guidelines
  say, and each bullet cites its source);
* **frame for the reader**: "Advise patients to X" becomes "You should X"; a bare
  instruction to the care team ("Give X", "For adults, offer X") says who it is for ("your
  care team should give X");
* **leave out** a bullet meant for clinicians only (``clinician_only`` names the rule).

No rule adds, removes or moves a number (the glossary loader refuses plain words whose
numbers, digits or number words, are not the term's own), or
touches a negation, so every number of the patient wording is one of the clinician wording,
in the same order, in the bullet tied to the same evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..errors import ConfigError
from .plain_clauses import split_clauses, split_second_instruction
from .plain_sentences import capitalise, split_sentences
from .verify import quantities

__all__ = ["Rewriter", "clinician_only", "frame", "load_glossary", "split_sentences"]

GLOSSARY_PATH = Path(__file__).with_name("patient_glossary.yaml")

# ---- leaving out what is for clinicians only -------------------------------------------------
# A leading condition ("If haemoglobin fails to rise after starting B12, …") does not change
# who an instruction is addressed to.
_LEAD = r"^(?:(?:if|when|in|for|after|before|during|once|while|where|unless)\b[^,]{0,200},\s*)?"
_STAFF_VERBS = (
    r"monitor|check|measure|recheck|re-check|repeat|look for|refer|escalate|document|record|"
    r"request|arrange|titrate|reassess|re-assess|obtain|send|consult|notify|report|calculate|"
    r"investigate|exclude|confirm|discuss with|liaise|"
    r"seek(?! (?:urgent |immediate |emergency )?(?:medical|emergency) (?:help|attention|care))"
)
_LAB = (
    r"serum|plasma|blood (?:level|count|test)s?|levels?|potassium|sodium|creatinine|eGFR|INR|"
    r"ECG|haemoglobin|hemoglobin|platelets?|glucose|ketones?|lactate|liver function|"
    r"renal function|kidney function|urea|electrolytes|thyroid function|TSH"
)
CLINICIAN_ONLY: dict[str, re.Pattern[str]] = {
    # "Never give folic acid alone to a patient with …": a prohibition for the prescriber.
    "prescribing prohibition": re.compile(
        _LEAD + r"(?:never|do not|don't|must not)\s+(?:be\s+)?(?:give|given|prescribe|prescribed|"
        r"administer|administered|offer|offered|start|started|combine|withhold)\b",
        re.I,
    ),
    # "Seek urgent haematology advice …", "Check the potassium …", "Refer to …".
    "instruction to staff": re.compile(_LEAD + rf"(?:{_STAFF_VERBS})\b", re.I),
    # "… advises close monitoring of serum potassium during the first 48 hours …".
    "monitoring for staff": re.compile(
        rf"\bmonitor(?:ing|ed)?\b[^.]{{0,80}}\b(?:{_LAB})\b|\b(?:{_LAB})\b[^.]{{0,40}}"
        r"\bmonitor(?:ing|ed)?\b",
        re.I,
    ),
    # "Do not assume every man with pT3 disease needs …": a pitfall of clinical judgement.
    "pitfall for clinicians": re.compile(
        _LEAD + r"(?:never|do not|don't)\s+(?:assume|delay|wait|rely|forget|miss|overlook|"
        r"attribute|dismiss|underestimate|interpret|mistake|confuse|label|diagnose|discharge|"
        r"treat|refer|request|order|test|screen)\b",
        re.I,
    ),
    # "RADICALS-RT randomised 1396 men …": how a trial was run, for readers of trials.
    "study details": re.compile(
        r"\b(?:randomi[sz]ed|enrolled|median follow-up|follow-up of|progression-free survival|"
        r"(?:trial|study|cohort) (?:showed|found|reported|included))\b",
        re.I,
    ),
    # Written to the professionals by name.
    "addressed to clinicians": re.compile(
        r"\b(?:prescribers?|clinicians?|practitioners?|health ?care professionals?|"
        r"health professionals?|staff|the prescriber|the clinician)\b",
        re.I,
    ),
    # Results that need statistical training to read.
    "statistics": re.compile(
        r"\b(confidence interval|95% CI|CI\b|p\s*[<=>]\s*0?\.\d|hazard ratio|odds ratio|"
        r"relative risk|risk ratio|number needed to treat|NNT|NNH|heterogeneity|meta-analys\w*|"
        r"I2|sensitivity of|specificity of|positive predictive|negative predictive|"
        r"likelihood ratio|absolute risk reduction|grade of evidence|level of evidence|"
        r"statistically significant)\b",
        re.I,
    ),
}


def clinician_only(text: str) -> str | None:
    """The name of the rule that keeps this statement for clinicians only, or None."""
    for name, pattern in CLINICIAN_ONLY.items():
        if pattern.search(text):
            return name
    return None


# ---- the glossary ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    line: int
    plain: str | None  # replace the term by these words
    explain: str | None  # or keep the term and explain it at its first use


@dataclass(frozen=True)
class Glossary:
    pattern: re.Pattern[str]
    entries: list[Entry]  # one per group of ``pattern``, in order

    def entry_of(self, match: re.Match[str]) -> Entry:
        return self.entries[match.lastindex - 1 if match.lastindex else 0]


def _numbers(text: str) -> list[str]:
    return [str(q.value) for q in quantities(text)]


def _is_pattern(term: str) -> bool:
    return len(term) > 2 and term.startswith("/") and term.endswith("/")


def _term_pattern(term: str) -> str:
    if _is_pattern(term):
        return term[1:-1]
    words = r"\s+".join(re.escape(w) for w in term.split())
    return rf"(?<![\w-]){words}(?![\w-])"


def load_glossary(path: Path = GLOSSARY_PATH) -> Glossary:
    """Read and check the glossary; ConfigError naming the file and line of a bad entry."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if root is None or not isinstance(root, yaml.SequenceNode):
        raise ConfigError(f"{path}: the glossary must be a list of entries")
    terms: list[tuple[str, Entry]] = []
    for node in root.value:
        line = node.start_mark.line + 1
        where = f"{path}, line {line}"
        item = yaml.safe_load(yaml.serialize(node))
        if not isinstance(item, dict) or not isinstance(item.get("terms"), list):
            raise ConfigError(f"{where}: an entry needs a list of terms")
        plain, explain = item.get("plain"), item.get("explain")
        if (plain is None) == (explain is None) or set(item) - {"terms", "plain", "explain"}:
            raise ConfigError(f"{where}: an entry has terms and one of plain or explain")
        words = plain if plain is not None else explain
        if not isinstance(words, str) or not words.strip():
            raise ConfigError(f"{where}: the plain wording must be text")
        entry = Entry(line, plain, explain)
        for term in item["terms"]:
            if not isinstance(term, str) or not term.strip():
                raise ConfigError(f"{where}: every term must be text")
            # A replacement keeps the term's own numbers, digits and number words alike, as
            # the verifier reads them ("vitamin B12 deficiency" → "lack of vitamin B12",
            # "once daily" → "once a day"); an explanation, which is added, holds none.
            # (A pattern term stands for abbreviations: "bd" → "twice a day" is checked by
            # the verifier's own equivalences, in the tests.)
            # An explained term is said again in its explanation: a number word in it
            # ("half-life") would be said twice.
            if explain is not None and _numbers(term):
                raise ConfigError(
                    f"{where}: the term {term!r} holds a number; an explanation would repeat it"
                )
            checked = plain is None or not _is_pattern(term)
            kept = _numbers(term) if plain is not None else []
            if checked and _numbers(words) != kept:
                raise ConfigError(
                    f"{where}: the plain wording {words!r} would change the numbers of {term!r}"
                )
            try:
                re.compile(_term_pattern(term))
            except re.error as exc:
                raise ConfigError(f"{where}: term {term!r} is not a valid pattern: {exc}") from exc
            terms.append((term, entry))
    # Longest first, so "intramuscular injection" wins over "intramuscular".
    terms.sort(key=lambda t: -len(t[0]))
    pattern = re.compile("|".join(f"({_term_pattern(t)})" for t, _ in terms), re.I)
    return Glossary(pattern, [e for _, e in terms])


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    return load_glossary()


def _same_case(original: str, plain: str) -> str:
    # "Intramuscularly" → "Into a muscle", but "IM" (an abbreviation) → "into a muscle".
    capitalised = original[:1].isupper() and not original[1:2].isupper()
    return plain[:1].upper() + plain[1:] if capitalised else plain


# After a determiner or an adjective ("a proximal deep vein thrombosis"), a plain wording
# that brings its own article ("a blood clot in a deep vein") loses it.
_DETERMINER = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "any",
        "each",
        "every",
        "no",
        "your",
        "their",
        "his",
        "her",
        "its",
        "our",
        "another",
        "further",
        "new",
        "first",
        "second",
        "recurrent",
        "suspected",
        "confirmed",
        "previous",
    ]
)
_ADJECTIVE = re.compile(r"(al|ic|ous|ive|ary|ent|ant|ible|able|ar|ile)$")
_ARTICLE = re.compile(r"^(a|an) (?=\w)", re.I)


def _fitted(plain: str, before: str) -> str:
    words = before.split()
    last = words[-1].lower().strip(",;:(") if words else ""
    if _ARTICLE.match(plain) and (last in _DETERMINER or _ADJECTIVE.search(last)):
        return _ARTICLE.sub("", plain)
    return plain


def _explained(pieces: list[str], explanations: list[str]) -> list[str]:
    """The pieces of one sentence, each explanation ("(Term means …)") after the first piece
    that uses its term."""
    out = [[capitalise(piece)] for piece in pieces]
    for explanation in explanations:
        term = explanation[1:].split(" means ", 1)[0].lower()
        at = next((i for i, p in enumerate(pieces) if term in p.lower()), len(pieces) - 1)
        out[at].append(explanation)
    return [sentence for group in out for sentence in group]


@dataclass
class Rewriter:
    """Rewrites one article's statements in order; remembers which terms it has explained."""

    glossary: Glossary = field(default_factory=glossary)
    explained: set[int] = field(default_factory=set)

    def words(self, text: str, explanations: list[str] | None = None) -> str:
        """Glossary terms replaced; a term to explain at its first use adds its explanation
        to ``explanations`` (None: explain nothing)."""

        def swap(match: re.Match[str]) -> str:
            found = match.group(0)
            entry = self.glossary.entry_of(match)
            if entry.plain is not None:
                return _same_case(found, _fitted(entry.plain, text[: match.start()]))
            if explanations is not None and entry.line not in self.explained:
                self.explained.add(entry.line)
                term = found if found[1:2].isupper() else capitalise(found)  # "eGFR"
                explanations.append(f"({term} means {entry.explain}.)")
            return found

        return self.glossary.pattern.sub(swap, text)

    def statement(self, text: str) -> str:
        """A clinician statement in plain words, in short sentences, framed for the reader.

        A term explained is explained in brackets, in a sentence of its own right after the
        sentence that first uses it, so the sentence itself stays short."""
        out = []
        for sentence in split_clauses(split_sentences(text)):
            explanations: list[str] = []
            # The speaker is left out after the glossary, which may make "says to" of
            # "recommends testing".
            worded = without_speaker(self.words(frame(sentence), explanations))
            out.extend(_explained(split_second_instruction(worded), explanations))
        return " ".join(out)

    def title(self, text: str) -> str:
        return capitalise(self.words(text))


# ---- framing for the reader --------------------------------------------------------------------
_TELL_PATIENTS = re.compile(
    r"^(?:advise|tell|encourage|remind|counsel|ask|instruct)\s+(?:patients|people|the patient|"
    r"the person|them|women|parents|carers|parents and carers|patients and carers)\s+to\s+",
    re.I,
)
_PEOPLE_MODAL = re.compile(r"^(?:patients|people)\s+(should|must|can|may|need to)\s+", re.I)
_CARE_VERBS = (
    r"give|offer|prescribe|administer|start|use|treat|consider|continue|stop|add|switch|"
    r"increase|reduce|avoid|replace|correct|restart|withhold"
)
# "Use of X is …", "Increase in X": a noun, not an instruction.
_IMPERATIVE = re.compile(
    _LEAD + rf"(?P<verb>{_CARE_VERBS})\b(?=\s)(?!\s+(?:of|in|is|are|was|were)\b)", re.I
)
CARE_TEAM = "your care team should"


# "NICE says that …", "The AUA/ASTRO guideline says to offer …": who said it. The patient
# version opens by saying that it tells what the library's guidelines say, and every bullet
# cites its source, so the speaker is left out: "… says that S" is S, and "… says to V" is
# what the reader can expect, "your care team should V". Only a name without a number is
# left out (a number is never dropped), and only before "says that" or "says to".
_SOURCE = (
    r"(?:the\s+)?(?:[A-Z][\w/&'.-]*)(?:\s+(?:[A-Z][\w/&'.-]*|and|of|the|for|on|in|guideline|"
    r"guidelines|guidance|label|labels|statement|review|consensus|advice|product information|"
    r"summary of product characteristics|amendment))*"
)
_SAYS = re.compile(
    rf"^(?P<who>{_SOURCE})\s+(?:also\s+)?(?:says?|states?|advises?|recommends?|notes?|"
    r"adds?|reports?)\s+(?P<how>that|to)\s+(?=\S+\s+\S+)"
)


def without_speaker(sentence: str) -> str:
    """ "NICE says that S" → "S"; "BSG says to start X" → "Your care team should start X"."""
    said = _SAYS.match(sentence)
    if not said or re.search(r"\d", said.group("who")) or not re.search(r"[A-Z]", said["who"]):
        return sentence
    rest = sentence[said.end() :]
    if said.group("how") == "to":
        if rest.startswith("not "):
            return f"{capitalise(CARE_TEAM)} not {rest[4:]}"
        return f"{capitalise(CARE_TEAM)} {rest}"
    return capitalise(rest)


def frame(sentence: str) -> str:
    """Say a sentence to the reader: "You should …", or whose instruction it is."""
    told = _TELL_PATIENTS.match(sentence)
    if told:
        return "You should " + sentence[told.end() :]
    modal = _PEOPLE_MODAL.match(sentence)
    if modal:
        return f"You {modal.group(1).lower()} " + sentence[modal.end() :]
    command = _IMPERATIVE.match(sentence)
    if command:
        start = command.start("verb")
        lead = sentence[:start]
        care = CARE_TEAM if lead else capitalise(CARE_TEAM)
        return f"{lead}{care} {command.group('verb').lower()}{sentence[command.end('verb') :]}"
    return sentence
