"""Whether a source statement may be quoted as a bullet. Reasons it may not: "question",
"heading", "table fragment", "citation debris", "truncated", and "lost comparator" for numbers
or comparators lost in extraction ("ANC 5–10 times normal" where the source had "ANC <500 …
ALT/AST >5–10 times normal"). Pure; errs towards keeping, as a false rejection loses advice."""

from __future__ import annotations

import re

from ..models import SECTION_SEP


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that make a clause a clause: a fragment with none of them is a label or a cell.
_VERBS = _words(
    "is are was were be been being am has have had does do did should shall must may might can "
    "cannot could will would need needs not no never avoid offer give use consider start stop "
    "continue discontinue refer treat assess measure monitor check test screen repeat provide "
    "ensure perform administer prescribe recommend recommends recommended suggest suggests "
    "suggested include includes reduce reduces increase increases ask tell explain discuss "
    "advise encourage follow obtain add switch titrate withhold hold aim take depends indicate "
    "indicates indicated appropriate require required requires"
)
# Verbs that advise: absent from a scenario caption ("Variant 2: Adult who has failed …").
_ADVISING = _VERBS - _words("is are was were be been has have had does do did no not")
# Words that stay lower case inside a title-cased heading.
_MINOR = _words("a an the of and or for in on at to by with without vs versus from into per as")
# The vocabulary of evidence grades: "(LE=4, GR=C)", "Strength of recommendation: strong".
_GRADE_WORDS = _words(
    "strength quality level levels grade grading class certainty evidence recommendation "
    "recommendations rec strong weak moderate low high very conditional for against consensus "
    "expert opinion good practice point gpp insufficient standard guideline option limited "
    "positive negative intermediate based of the in favor favour reviewed new replaced amended "
    "updated unchanged le gr loe sor qoe type and or not applicable ungraded nongraded certain "
    "iv u r benefit benefits harm harms outweigh outweighs balance formal informal equal"
)
_GRADE_CODE = re.compile(r"[a-e][+-]?|i{1,3}[a-c]?|[1-5][a-d+-]*")  # "B", "IIa", "2C", "1++"
# Lab values whose "<" or ">" can be lost (not "ECOG 2", "INR 2.5"); their words gate the scans.
_MEASURE = (
    r"(?:(?:absolute )?neutrophil count|neutrophils|platelet count|platelets|white (?:blood )?"
    r"cell count|wbc(?: count)?|anc|cd4\+?(?: (?:cell )?count)?|haemoglobin|hemoglobin|hb|"
    r"hba1c|a1c|egfr|gfr|crcl|creatinine clearance|(?:serum )?creatinine|alt/ast|ast/alt|alt|ast|"
    r"bilirubin|potassium|sodium|(?:blood |plasma )?glucose|ldl(?:-c| cholesterol)?|bmi|sbp|"
    r"dbp|(?:systolic |diastolic )?blood pressure|fev1|(?:oxygen |o2 )?saturation|spo2|sao2|"
    r"pao2|paco2|viral load|psa|tsh|ferritin|lactate|troponin|temperature|albumin)"
    r"(?:\s*\([a-z0-9/ ]{1,12}\))?(?:\s+(?:levels?|count|values?|concentrations?))?"
)
_MEASURE_KEYS = frozenset(re.findall(r"[a-z0-9]+", re.sub(r"\\s|\[.*?\]|\{.*?\}", " ", _MEASURE)))
# Units that never stand without a number (case-sensitive: "MG" is myasthenia gravis).
_UNIT = (
    r"(?:mg/kg(?:/day)?|mg/dL|mg/L|g/dL|g/L|mmol/L|µmol/L|mL/min(?:/1\.73\s*m2)?|mL/kg|mcg|µg|"
    r"μg|mg|ng/mL|mEq/L|IU|units/kg|mm\s?Hg|mmHg|cells/\S+|Gy|cGy|mSv|kg/m2|%)"
)
_NUM = r"\d[\d,]*+(?:\.\d+)?+"  # possessive: "30 to 49" must not backtrack to "3"
# "ALT/AST 5–10 times normal": a multiple of normal straight after the lab lost its ">".
_TIMES_NORMAL = re.compile(
    rf"(?i)\b{_MEASURE}\s+{_NUM}(?:\s*(?:–|-|to)\s*{_NUM})?\s*(?:times|x|×)\s+(?:the\s+)?"
    r"(?:normal|upper|ULN|baseline)"
)
# "If the ANC 500 cells/mL, …": a bare number after a lab (not "if eGFR 30–45", "… or more").
_BARE_CONDITION = re.compile(
    rf"(?i)\b(?:if|when|unless|until|while|whilst)\s+(?:the\s+|an?\s+|their\s+)?{_MEASURE}"
    rf"\s+{_NUM}(?!\s*(?:–|-|to)\s*\d)(?:\s*{_UNIT})?+(?!\s*(?:or|and)\s+(?:more|less|higher|"
    r"lower|greater|above|below|over|under|fewer|equal))"
)
# "with platelet count 50,000.": a whole number (not a year) ends the clause after a lab.
_BARE_VALUE = re.compile(
    rf"(?i)\b{_MEASURE}\s+(?!(?:19|20)\d\d\b)\d{{1,3}}(?:,\d{{3}})*+\d*+(?<=\d\d)(?=\s*(?:[,;)]|\.?$))"
)
# "(eGFR 2)", "BMI of 2 may", "(i.e., 2)": the "2" of "m2" left from "<30 mL/min/1.73 m2".
_SUPERSCRIPT = re.compile(
    r"(?i)\b(?:e?GFR(?: rates?)?|BMI|CrCl|creatinine clearance|(?:neutrophil |platelet |CD4 )?"
    r"count|ANC|WBC|volume)\s+(?:of\s+)?[23](?![.,]?\d)(?!\s*(?:x|×|mL|ml|cells|/))(?=\s*"
    r"(?:[),.;]|$|or\b|and\b|may\b))|\((?:i\.e\.|e\.g\.),?\s+[23]\)"
)
# "a dose of mg/kg", "eGFR mL/min", "of %": a unit after a word that needs a number first.
_UNIT_AFTER = re.compile(
    r"(?i:\b(?:of|than|at|from|between|by|doses?|e?GFR|CrCl|is|be|exceeding|approximately|"
    rf"about|least|over|under|above|below)) {_UNIT}(?=$|[\s.,;:)\]])"
)
# "2 to weeks", "every hours", "twice daily for weeks": an interval lost its number.
_LOST_DURATION = re.compile(
    rf"(?i)\d\s+(?:to|and|or)\s+(?:{_UNIT}|hours|days|weeks|months|years)(?=$|[\s.,;:)])|\bevery"
    r"\s+(?:hours|days|weeks|months|years)\b|\b(?:daily|times a day|a day|per day)\s+for\s+"
    r"(?:days|weeks|months)\b(?!\s+(?:to|or|and|\d))"
)
# "between and 5", "from to 10", "greater than .", "( )", "is ≥ .": an operand is gone.
_NO_OPERAND = re.compile(
    r"(?i)\bbetween\s+and\s+[\d<>≤≥]|\bfrom\s+to\s+\d|\bthan\s*(?:[.;)\]]|$)|\(\s*\)|\[\s*\]"
    r"|\b(?:of|at|is|be|was|were|to|with)\s+[<>≤≥]\s*(?=[.,;)]|$)"
)
# "(PHowever, …", "(PP=0.005)", "ppPhotodynamic": a p-value whose "<0.001)" was cut out; a
# word-initial "P" or "pp" (not "pT1"), then a capitalised word, or "PP=".
_LOST_P = re.compile(
    r"[Pp](?<![A-Za-z][Pp])(?<=P|p(?=p))[Pp]{0,2}(?:(?=[A-Z][a-z]{2})|(?<=[Pp]{2})=)"
)
# Each rule with the words one of which it needs to have a chance (None: always run).
_LOST_RULES = (
    (_words("normal upper uln"), _TIMES_NORMAL),
    (_words("if when unless until while whilst"), _BARE_CONDITION),
    (_MEASURE_KEYS, _BARE_VALUE),
    (_words("2 3 i"), _SUPERSCRIPT),
    (_words("mg kg dl l ml min mmol mol mcg g iu meq units mm hg cells gy msv %"), _UNIT_AFTER),
    (_words("hours days weeks months years"), _LOST_DURATION),
    (_words("between from than < > ≤ ≥ () []") | {"( )", "[ ]"}, _NO_OPERAND),
    (None, _LOST_P),
)
# "Key Question 2: …", "Question: …", "PICO question 5.7", "KQ1": review questions.
_QUESTION_LABEL = re.compile(
    r"(?i)^(?:(?:key|clinical|research|health|pico|review)\s+)?questions?(?:\s+to\s+be\s+"
    r"answered)?(?:\s*#?\s*\d[\w.]*|\s+[A-Z]?\d[\w.]*)?\s*(?:[:.)–-]|$)|^K?Q\s?\d+[a-z]?\b"
)
# A question without "?": "What is …", "Which patients should …", "Are there …", "Should the
# …"; not "Have a plan", "Do a CT", "Should it recur, …" or "What remains unknown, …, is".
_WH_QUESTION = re.compile(
    r"(?i)^(?:(?:What|Which|Whose|Whom)\b(?:\s+[^\s,]+){0,3}?\s+(?:is|are|was|were|does|do|did"
    r"|should|can|could|would|will|has|have|must|might|may)\b|(?:How|When|Where|Why|Who)\s+"
    r"(?:is|are|was|were|does|do|did|should|can|could|would|will|has|have|must|long|often|"
    r"much|many|soon|frequently|early|best)\b|(?:Is|Are|Does|Did|Can|Could|Would|Will|Must|"
    r"Was|Were)\s+(?:there|it|the|a|an|this|these|any)\b|Has\s+(?:there|the|this|any)\b|"
    r"Should\s+(?:the|a|an|all|any|patients|people|adults|children|women|men|infants|"
    r"clinicians|physicians|we|there|it|this|these)\b[^,]*$)"
)
# A question the recommendation tells the clinician to ask ('Ask: "Do you smoke?"').
_ASKED = re.compile(r"(?i)\b(?:ask|asks|asking|enquire|inquire|questions? such as|example)\b")
# NICE's date tags after a statement ("[new 2016]", "[2008, amended 2013]").
_TAG = re.compile(r"\s*\[(?:new|updated?|amended|\d{4})[^\]]{0,30}\]\W*$")
_MARKER = re.compile(r"^(?:[-*•▪◦]|\d{1,2}[.)]|[a-z][.)])\s+")  # a list item's marker
# A numbered label on its own ("Recommendation 3", "Key Action Statement 2a").
_BARE_LABEL = re.compile(
    r"(?i)^(?:key\s+)?(?:action\s+)?(?:recommendations?|statements?|sections?|variants?|tables?|"
    r"figures?|appendix|box|algorithm|chapter|part|step|stage|rec|good practice points?)"
    r"\s*#?\s*[\dA-Z]{0,3}(?:[.\-–]\s*[\dA-Za-z]{1,3})*\s*[:.)]?$"
)
# Captions and ACR scenarios that introduce a table ("Variant 1: …", "Table 2. …").
_CAPTION = re.compile(
    r"(?i)^(?:variant\s+\d+[a-z]?\s*[:.]|clinical condition\s*:|(?:table|figure|fig\.|box|"
    r"algorithm|appendix)\s+[\dA-Z]+[a-z]?\s*[:.])"
)
_HEADING_WORD = re.compile(r"[A-Za-z][\w'’/-]*")  # the words whose capitals make a title
_NOT_TITLE = re.compile(r"\d{2}|[.;]\s")  # a dose, an age or a full stop: not a title
# Cell separators (two filled cells, not counting GRADE's "(1|++OO)") and empty cells ("– –").
_CELL_SEP = re.compile(r"\s*(?:\|+|\t+)\s*")
_GRADE_PIPE = re.compile(r"\(\d\|[+O⊕○ ]+\)|\b\d\|[+O⊕○]+")
_EMPTY_CELLS = re.compile(r"(?:(?:^|\s)(?:[–—]|-{1,2}|\.{3}|…)(?=\s|\.?$)){2,}")
# A header or data row: three or more bare numbers in a row ("Grade 1 2 3 4 <5 5-10 >10").
_NUMBER_ROW = re.compile(
    r"(?<![\w.,/])(?:[<>≤≥]?\d[\d.–-]*%?\s){2,}[<>≤≥]?\d[\d.–-]*%?(?![\w,/:;])"
)
# A rated row of an appropriateness table ("CT head with IV contrast 5"), not a label's number.
_RATED_ROW = re.compile(
    r"(?i)^(?!.*\b(?:recommendations?|questions?|grade|stage|level|class|type|variant|phase|step|"
    r"tier|category|group|part|section|table|figure|day|week|month|year|cycle|statement|kq)\s+"
    r"\S+$)[^.;:?!]{2,90}\s[1-9]\*?\.?$"
)
# A regimen line is not a cell: a drug's name, then its dose ("Paclitaxel 175 mg/m2 q3w").
_REGIMEN = re.compile(r"^[A-Za-z][a-z-]{5,}\b.*?\d\s?(?:mg|g|gm|mcg|µg|units?|IU)(?:/\S+)?\b")
# Tokens that count as neither a number nor prose when weighing a table row.
_UNIT_TOKEN = re.compile(rf"[(\[]?(?:{_UNIT}|[a-zA-Z]{{1,3}}/\S+|[cm]m|kg|mL|L|g)[)\],;.]*")
# Ends a statement cannot have ("… if the tumor is"; not "what X is", a grade "A"), and cut-offs:
# "80 years old) with …", "… a diameter Variant 5: …", half a tag ('… study.">').
_DANGLING = {"the", "a", "an", "and/or"} | _words("if than and or between including")
_DANGLING_ANY_CASE = _DANGLING - {"a", "an", "the"} | _words("because whether either very is are")
_WH_BEFORE = re.compile(r"(?i)\b(?:what|where|who|how|whatever|wherever)\b(?:\s+\S+){0,5}$")
_CUT = re.compile(
    r"^\d[^()]*\)|(?:[a-z]|\.)\s?(?:Variant \d+[a-z]?:|Summary of Recommendations\b)"
    r"|\"\s*>|[,.]/\w{1,4}>"
)
# Citations on their own: "(Smith et al., 2010; Jones 2012)", "[12, 14–16]", "[2004,
# amended 2011]", and where a reference is found ("Available at: http://…", "Retrieved …").
_AUTHOR_YEAR = (
    r"(?:[A-Z][\w'’-]+(?:\s+(?:et\s+al\.?|and|&)\s*(?:[A-Z][\w'’-]+)?)?,?\s+"
    r"(?:19|20)\d{2}[a-z]?(?:,\s*(?:19|20)\d{2}[a-z]?)*)"
)
_CITATIONS_ONLY = re.compile(
    rf"^[(\[]?\s*(?:see\s+)?{_AUTHOR_YEAR}(?:\s*[;,]\s*{_AUTHOR_YEAR})*\s*[)\]]?\.?$"
    r"|^[(\[]\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*[)\]]\.?$|^[(\[]\s*(?:new\s+)?(?:19|20)\d{2}"
    r"[^)\]]{0,30}[)\]]\.?$|(?i:^(?:available (?:at|from|online)|retrieved|accessed)\b)"
)
# A journal reference ("J Clin Oncol. 2012;30:123-45.", "2011 May;153(4):451–485") is debris
# when it opens with authors ("Smith AB, …"), has little before it, or sits under References.
_JOURNAL = re.compile(
    r"(?:19|20)\d{2}(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?\s*;\s*\d+(?:\s*\(\s*[\w-]+\s*\))?"
    r"\s*:\s*[eE]?\d+|\bdoi:\s*10\.|\bPMID:?\s*\d"
)
_AUTHORS = re.compile(r"^[A-Z][A-Za-z'’-]+\s+[A-Z]{1,3}[,.]")
_REFERENCES = re.compile(r"(?i)\b(?:references?|bibliography|citations?)\s*$")
_WORD = re.compile(r"[a-z0-9]+|[%<>≤≥]|\(\s?\)|\[\s?\]")  # words, and the signs rules need
_LETTERS = re.compile(r"[A-Za-z]{2}")  # a word, not a code, a number or a sign
_DIGIT = re.compile(r"\d")  # a number, when weighing a table row


def quotable(text: str, section_path: str = "") -> str | None:
    """None when ``text`` may be quoted, else why not: a reason named in the module docstring."""
    text = text.strip()
    body = _MARKER.sub("", text, count=1)
    words = set(_WORD.findall(body.lower()))
    if not _LETTERS.search(body):  # no word at all: a grade, a citation or a cell
        return _citation(body, section_path) or _grade(words) or "table fragment"
    return (
        _citation(body, section_path)
        or _question(body, listed=body != text)
        or _cells(body)
        or _heading(body, words, section_path)
        or (_VERBS.isdisjoint(words) and _table(body))
        or _lost(body, words)
        or _truncated(body)
    )


def _citation(text: str, section_path: str) -> str | None:
    journal = _JOURNAL.search(text) if ";" in text or "doi" in text or "PMID" in text else None
    before = len(text[: journal.start()].split()) if journal else 0
    if journal and (before <= 8 or _AUTHORS.match(text) or _REFERENCES.search(section_path)):
        return "citation debris"
    return "citation debris" if _CITATIONS_ONLY.match(text) else None


def _question(text: str, listed: bool) -> str | None:
    if _QUESTION_LABEL.match(text):
        return "question"
    text = _TAG.sub("", text) if "?" in text else text
    if text.rstrip(" \"'”’)]").endswith("?"):
        end = text.rindex("?")
        if text[:1] in "\"'“‘":
            return "question"  # a quoted question standing alone
        asked = _ASKED.search(text[:end]) and not _WH_QUESTION.match(text)
        return None if asked or text[end + 1 :].strip(" )]") else "question"
    if listed or not text[:1].isupper():
        return None  # "- Has a pre-existing illness": a list item, not an inverted question
    return "question" if _WH_QUESTION.match(text) else None


def _grade(words: set[str]) -> str | None:
    graded = words and all(w in _GRADE_WORDS or _GRADE_CODE.fullmatch(w) for w in words)
    return "heading" if graded else None


def _cells(text: str) -> str | None:
    cells = _CELL_SEP.split(_GRADE_PIPE.sub("", text)) if "|" in text or "\t" in text else ()
    empty = any(h in text for h in (" – ", " — ", "- ", "...", "…")) and _EMPTY_CELLS.search(text)
    return "table fragment" if empty or sum(1 for c in cells if _LETTERS.search(c)) >= 2 else None


def _heading(text: str, words: set[str], section_path: str) -> str | None:
    if _BARE_LABEL.match(text) or _grade(words):
        return "heading"
    if _CAPTION.match(text) and _ADVISING.isdisjoint(words):
        return "heading"
    bare = text.rstrip(".:").strip()
    if len(text) > 160 or text[-1:] in "!?;,":
        return None
    if section_path and bare.lower() == section_path.split(SECTION_SEP)[-1].strip().lower():
        return "heading"
    tokens = [w for w in _HEADING_WORD.findall(bare) if w.lower() not in _MINOR]
    if not tokens or len(tokens) > 14 or tokens[0].lower() in _ADVISING or _NOT_TITLE.search(bare):
        return None
    return "heading" if all(w[0].isupper() for w in tokens) else None


def _table(text: str) -> str | None:  # only for text without a verb
    if _REGIMEN.match(text):
        return None
    if _RATED_ROW.match(text) and len(text.split()) <= 12:
        return "table fragment"
    numbers = prose = 0
    for token in text.split():
        if _DIGIT.search(token):
            numbers += 1
        elif _LETTERS.search(token) and not _UNIT_TOKEN.fullmatch(token):
            prose += 1
    if numbers >= 3 and numbers >= prose and _NUMBER_ROW.search(text):
        return "table fragment"
    dense = (numbers >= 2 and prose <= 1) or (numbers and not prose) or numbers > max(3, 2 * prose)
    return "table fragment" if dense else None


def _lost(text: str, words: set[str]) -> str | None:
    for gate, pattern in _LOST_RULES:
        if (gate is None or not gate.isdisjoint(words)) and pattern.search(text):
            return "lost comparator"
    return None


def _truncated(text: str) -> str | None:
    tail = text[-60:].rstrip(" .").split()
    last = tail[-1] if tail and not text.endswith((":", ";")) else ""
    word = last.lower()
    alternative = word in ("or", "and/or") and (":" in text or " - " in text)  # list items
    dangling = (last in _DANGLING or word in _DANGLING_ANY_CASE) and not alternative
    if (dangling or " ".join(tail[-2:]).lower() in ("such as", "well as")) and not (
        word in ("is", "are") and _WH_BEFORE.search(" ".join(tail[:-1]))
    ):
        return "truncated"
    cut = text[:1].isdigit() or ">" in text or "Variant" in text or "Summary" in text
    return "truncated" if cut and _CUT.search(text) else None
