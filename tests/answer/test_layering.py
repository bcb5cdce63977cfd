"""The answer package sits below review: it builds articles, review edits and approves them."""

from __future__ import annotations

import ast
from pathlib import Path

import curbside.answer

ANSWER = Path(curbside.answer.__file__).parent


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_answer_module_imports_the_review_package():
    offending = {
        path.name: sorted(
            n for n in _imported(path) if n.startswith(("..review", "curbside.review"))
        )
        for path in ANSWER.rglob("*.py")
    }
    assert {name: found for name, found in offending.items() if found} == {}
