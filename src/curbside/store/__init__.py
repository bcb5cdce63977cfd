"""Persistence: the schema, its migrations, and the Store that every other layer talks to."""

from .base import Store
from .sql import SQLStore, open_store

__all__ = ["SQLStore", "Store", "open_store"]
