"""Statement-level attribution in Markdown: which listed source each statement came from.

A Markdown document may give each entry under ``sources:`` in its front matter a ``key:``
and end a statement line with a Pandoc-style marker naming the keys it came from::

    sources:
      - key: ng239
        title: "Vitamin B12 deficiency in over 16s: diagnosis and management (NG239)"
    ...
    - NICE NG239 treats a total serum vitamin B12 below 180 nanograms/L as deficiency. [@ng239]

The marker is stripped from the stored text and kept per statement, as ``[start, end, keys]``
in document-text offsets (the offsets passages use), under ``meta["attribution"]``. In a
demonstration document that declares keys, every statement (each list item, as the bundled
topics' format defines it) must carry a marker, and a prose line may; in any document a key
that the front matter does not declare is an error. Documents that declare
no keys are left exactly as they are (their brackets may be someone else's citations).

Pure functions; the reader in readers.py calls them around its section parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from ..errors import IngestError
from ..models import Section

# Statement boundaries survive Markdown cleaning as private-use characters, which no text
# uses and clean_inline leaves alone; they are taken out again before a section is stored.
STATEMENT_START = "\ue000"
STATEMENT_END = "\ue001"

KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MARKER = re.compile(r"\s*\[(\s*@[^\[\]]*)\]\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s")
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_FENCE = "```"


def declared_keys(sources: Any, front_matter: str, path: str) -> dict[str, dict[str, Any]]:
    """The front matter's source keys, each with its source entry; {} when none has a key.

    Once one source has a key, every source needs one, unique and in lowercase letters,
    digits and hyphens, so that a marker can never be ambiguous."""
    entries = [s for s in sources if isinstance(s, dict)] if isinstance(sources, list) else []
    if not any("key" in s for s in entries):
        return {}
    keys: dict[str, dict[str, Any]] = {}
    lines = _entry_lines(front_matter)
    for number, source in enumerate(entries, start=1):
        line = lines[number - 1] if number <= len(lines) else None
        key = source.get("key")
        if key is None:
            raise IngestError(path, f"source {number} has no key: while others do", line)
        key = str(key)
        if not KEY.match(key):
            raise IngestError(
                path, f"source key {key!r} must be lowercase letters, digits and hyphens", line
            )
        if key in keys:
            raise IngestError(path, f"source key {key!r} is given to two sources", line)
        keys[key] = source
    return keys


def _entry_lines(front_matter: str) -> list[int]:
    """The file line of each entry under ``sources:`` (its ``key:`` line when it has one);
    the front matter starts on line 2 of the file."""
    try:
        root = yaml.compose(front_matter, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for name, value in root.value:
        if name.value == "sources" and isinstance(value, yaml.SequenceNode):
            lines = []
            for item in value.value:
                mark = item.start_mark
                if isinstance(item, yaml.MappingNode):
                    mark = next((v.start_mark for k, v in item.value if k.value == "key"), mark)
                lines.append(mark.line + 2)
            return lines
    return []


def mark_statements(
    body: str, keys: dict[str, dict[str, Any]], first_line: int, path: str, strict: bool
) -> tuple[str, list[tuple[str, ...]]]:
    """``body`` with each statement's marker replaced by boundary characters, and each
    statement's keys in order. ``first_line`` is the file line of the body's first line;
    ``strict``: a list item without a marker is an error.

    A statement runs from its first line (a list item, or prose) to the line whose marker
    ends it, so a wrapped list item is one statement; a new list item, a blank line or a
    heading ends a statement that has no marker."""
    lines = body.split("\n")
    found: list[tuple[str, ...]] = []
    in_fence = False
    opened: int | None = None  # the first line of the statement being read

    def unmarked() -> None:
        if strict and opened is not None and _LIST_ITEM.match(lines[opened]):
            raise IngestError(
                path,
                "statement names no source: end it with a marker such as "
                f"[@{next(iter(keys))}] naming one of the front matter's source keys "
                f"({', '.join(keys)})",
                first_line + opened,
            )

    for index, line in enumerate(lines):
        if line.strip().startswith(_FENCE):
            in_fence = not in_fence
        if in_fence or line.strip().startswith(_FENCE) or _COMMENT.match(line):
            continue
        if not line.strip() or _HEADING.match(line):
            unmarked()
            opened = None
            continue
        if opened is None or _LIST_ITEM.match(line):
            unmarked()
            opened = index
        marker = _MARKER.search(line)
        if marker is None:
            continue
        found.append(_parse_marker(marker.group(1), keys, path, first_line + index))
        lines[index] = line[: marker.start()].rstrip() + STATEMENT_END
        start = lines[opened]
        indent = len(start) - len(start.lstrip())
        lines[opened] = f"{start[:indent]}{STATEMENT_START}{start[indent:]}"
        opened = None
    unmarked()
    return "\n".join(lines), found


def _parse_marker(inside: str, keys: dict[str, Any], path: str, line: int) -> tuple[str, ...]:
    cited: list[str] = []
    for part in inside.split(";"):
        part = part.strip()
        key = part[1:] if part.startswith("@") else ""
        if not key or not KEY.match(key):
            raise IngestError(
                path, f"citation marker part {part!r} is not @key (use [@key; @key2])", line
            )
        if key not in keys:
            raise IngestError(
                path,
                f"unknown source key @{key}: the front matter declares {', '.join(keys)}",
                line,
            )
        if key not in cited:
            cited.append(key)
    return tuple(cited)


def take_boundaries(
    text: str, keys: Sequence[tuple[str, ...]], start_index: int
) -> tuple[str, tuple[tuple[int, int, tuple[str, ...]], ...], int]:
    """Remove the boundary characters from a cleaned section text: the clean text, its
    statements as (start, end, keys) within it, and the index of the next statement's keys."""
    out: list[str] = []
    statements: list[tuple[int, int, tuple[str, ...]]] = []
    length = 0
    opened: int | None = None
    index = start_index
    for piece in re.split(f"([{STATEMENT_START}{STATEMENT_END}])", text):
        if piece == STATEMENT_START:
            opened = length
        elif piece == STATEMENT_END:
            if opened is not None:
                statements.append((opened, length, keys[index]))
            index += 1
            opened = None
        else:
            out.append(piece)
            length += len(piece)
    return "".join(out), tuple(statements), index


def document_attribution(sections: Iterable[Section], gap: str) -> list[list[Any]]:
    """Every section's statements in document-text offsets (sections joined by ``gap``)."""
    out: list[list[Any]] = []
    base = 0
    for section in sections:
        out.extend([base + s, base + e, list(k)] for s, e, k in section.statements)
        base += len(section.text) + len(gap)
    return out


def keys_for_span(meta: dict[str, Any], start: int, end: int) -> list[str]:
    """The source keys of the statements that the document-text span [start, end) overlaps,
    in the order the statements give them; [] when none is attributed."""
    keys: list[str] = []
    for s_start, s_end, s_keys in meta.get("attribution") or ():
        if s_start < end and start < s_end:
            keys.extend(k for k in s_keys if k not in keys)
    return keys


def passage_statements(
    meta: dict[str, Any], start: int, end: int
) -> list[tuple[int, int, list[str]]]:
    """The attributed statements inside the passage at [start, end), in its own offsets."""
    return [
        (max(s, start) - start, min(e, end) - start, list(keys))
        for s, e, keys in meta.get("attribution") or ()
        if s < end and start < e
    ]


def source_for_key(meta: dict[str, Any], key: str) -> dict[str, Any] | None:
    for source in meta.get("sources") or ():
        if isinstance(source, dict) and source.get("key") == key:
            return source
    return None
