"""Library text is data: a statement written to a language model is not guidance.

A guideline never tells an AI to ignore its instructions; a planted or corrupted document
might. Such a statement is kept out of the evidence of every answer (pipeline._compose), and
the LLM engine also leaves it out of its prompt should it be given one, so that a model can
neither obey it nor cite it. Checked against the bundled library and the 103,659 sentences of
the NGC guideline summaries (../shared/data): no statement there matches.
"""

from __future__ import annotations

import re

_TO_A_MODEL = re.compile(
    r"(?i:\b(?:ignore|disregard|forget|override)\b[^.]{0,40}\b(?:instructions?|prompts?|"
    r"directions|rules)\b|\bsystem prompt\b|\bprompt injection\b|\byou are now\b|"
    r"\b(?:language model|llm|chatbot)s? (?:must|should|will)\b)|"
    # "AI" only in capitals: "AIs must" is aromatase inhibitors in an oncology guideline.
    r"\b(?i:as an?|dear) (?:AI|(?i:language model|llm|chatbot))\b",
)


def speaks_to_a_model(text: str) -> bool:
    return bool(_TO_A_MODEL.search(text))
