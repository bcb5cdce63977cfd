"""The first-run question of README, answered from the bundled library as issue 4 asks."""

from __future__ import annotations

import re

from curbside.answer.pipeline import answer
from curbside.answer.verify import unsupported_numbers
from curbside.cli import load_bundled

QUESTION = (
    "What cyanocobalamin dose and schedule should be used for a patient with severe "
    "vitamin B12 deficiency when only cyanocobalamin is available?"
)


def test_the_b12_answer_covers_the_regimen_end_to_end(runtime):
    load_bundled(runtime, quiet=True)
    article = answer(QUESTION, runtime, fresh=True, persist=False)
    statements = [article.bottom_line, *article.all_bullets()]
    text = " ".join(s.text for s in statements)
    lower = text.lower()
    assert not article.abstained
    assert re.search(r"1000 micrograms intramuscularly", text)  # dose and route
    assert "without neurological involvement" in lower and "with neurological" in lower
    assert "maintenance" in lower and ("for life" in lower or "lifelong" in lower)
    assert "prefers hydroxocobalamin" in lower
    assert "folic acid alone" in lower  # the pitfall
    assert "potassium" in lower and any(s.title == "Monitoring" for s in article.sections)
    for statement in statements:
        assert statement.citations, statement.text
        assert not unsupported_numbers(statement.text, [e.quote for e in statement.evidence])
    assert all(r.demonstration for r in article.references)
