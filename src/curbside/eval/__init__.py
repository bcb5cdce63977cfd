"""Evaluation: retrieval metrics on BEIR sets and answer metrics on case files."""
