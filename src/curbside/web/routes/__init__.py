"""Route modules, one per area of the site; each exposes ``router``."""
