"""The JSON an LLM must return, as a JSON schema for the server and a strict parser for us.

The model cites passages by the ids the prompt gave them ("P1", "P2", …), never by number, so
that a citation can never be mistaken for a dose by the verifier. Section titles are the
canonical ones the extractive engine uses; the schema makes them an enum so that a title can
carry neither a number nor an instruction.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..compose import ORDER

SECTION_TITLES = tuple(ORDER)
MAX_BOTTOM_LINE = 3
MAX_SECTIONS = 10
MAX_BULLETS_PER_SECTION = 24  # as many as the passages an answer is given
MAX_CITED = 4  # passages one bullet may rest on
MAX_TEXT = 600  # characters of one statement
PASSAGE_ID = re.compile(r"^P[1-9][0-9]{0,2}$")


class AnswerError(ValueError):
    """The reply is not an answer of the contract; the message says why, in plain words."""


class LLMBullet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT)
    passages: list[str] = Field(min_length=1, max_length=MAX_CITED)


class LLMSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=120)
    bullets: list[LLMBullet] = Field(min_length=1, max_length=MAX_BULLETS_PER_SECTION)


class LLMAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bottom_line: list[LLMBullet] = Field(min_length=1, max_length=MAX_BOTTOM_LINE)
    sections: list[LLMSection] = Field(default_factory=list, max_length=MAX_SECTIONS)

    def bullet_count(self) -> int:
        return len(self.bottom_line) + sum(len(s.bullets) for s in self.sections)


def _bullet_schema(passage_ids: list[str]) -> dict[str, Any]:
    ids: dict[str, Any] = {"type": "string", "pattern": PASSAGE_ID.pattern}
    if passage_ids:  # where the server honours enums, an unknown id cannot even be written
        ids = {"type": "string", "enum": passage_ids}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["text", "passages"],
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
            "passages": {
                "type": "array",
                "items": ids,
                "minItems": 1,
                "maxItems": MAX_CITED,
            },
        },
    }


def answer_schema(passage_ids: list[str] | None = None) -> dict[str, Any]:
    """The schema sent as ``response_format``: every object closed, every field required
    (what OpenAI's strict mode demands, and what llama.cpp turns into a grammar)."""
    bullet = _bullet_schema(passage_ids or [])
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["bottom_line", "sections"],
        "properties": {
            "bottom_line": {
                "type": "array",
                "items": bullet,
                "minItems": 1,
                "maxItems": MAX_BOTTOM_LINE,
            },
            "sections": {
                "type": "array",
                "maxItems": MAX_SECTIONS,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["title", "bullets"],
                    "properties": {
                        "title": {"type": "string", "enum": list(SECTION_TITLES)},
                        "bullets": {
                            "type": "array",
                            "items": bullet,
                            "minItems": 1,
                            "maxItems": MAX_BULLETS_PER_SECTION,
                        },
                    },
                },
            },
        },
    }


_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.S)


def parse_answer(content: str) -> LLMAnswer:
    """The reply as an answer, or AnswerError. Strict: one JSON object of exactly the
    contract's fields (a Markdown code fence around it is the only leniency, since servers
    without schema support often add one); nothing is repaired or guessed."""
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    if not text:
        raise AnswerError("the model's reply was empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswerError(f"the model's reply is not valid JSON ({exc.msg} at {exc.pos})") from None
    if not isinstance(data, dict):
        raise AnswerError("the model's reply is JSON but not an object")
    try:
        return LLMAnswer.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the answer"
        raise AnswerError(
            f"the model's reply does not fit the answer schema: {where}: {first['msg']}"
        ) from None
