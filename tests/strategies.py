"""Hypothesis strategies shared by the tests: text that a user might type, at its worst."""

from __future__ import annotations

from hypothesis import strategies as st

# Query-language operators, quotes and brackets, emoji, control and invisible characters,
# characters whose case mapping changes length, and a lone surrogate (how argv delivers bytes
# that are not UTF-8).
HOSTILE_PIECES = [
    '"', "'", "(", ")", "[", "]", "{", "}", ":", "^", "~", "*", "?", "\\", "/", "+", "-",
    "!", "&&", "||", "AND", "OR", "NOT", "TO", "title:", "body:x", "%", "<", ">=", "≥", "µg",
    "💊", "🩸", "👶🏽", "\x00", "\x07", "\x1b[31m", "\u200b", "\ufeff", "\n", "\t", "\r", " ",
    "é", "ß", "ǅ", "İ", "ﬁ", "\U0010ffff", "\udcff",
]  # fmt: skip


def user_text(words: list[str], max_pieces: int = 30) -> st.SearchStrategy[str]:
    """Arbitrary text, and hostile pieces mixed with real ``words``, glued or spaced."""
    pieces = st.sampled_from(HOSTILE_PIECES + words)
    return st.one_of(
        st.text(),
        st.lists(pieces, max_size=max_pieces).map("".join),
        st.lists(pieces, max_size=max_pieces).map(" ".join),
    )
