"""Conformance suites: one mixin per protocol, run by every backend's test class.

A backend's test module subclasses the mixin and provides the fixture it names (``store``,
``retriever_rt``); every test here then runs against that backend. Written after the style
of haystack's document-store testing mixins, for Curbside's own protocols.
"""
