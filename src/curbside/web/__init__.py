"""The web app and JSON API: ``create_app(settings)``; ``curbside serve`` runs it."""

from .app import create_app

__all__ = ["create_app"]
