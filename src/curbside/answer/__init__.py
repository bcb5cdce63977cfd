"""The answer engine: analyse → retrieve → select evidence → compose → verify → article."""
