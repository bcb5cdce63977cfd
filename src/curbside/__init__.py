"""Curbside: cited, verified answers to clinical questions from your own guideline library."""

__version__ = "0.1.0"
