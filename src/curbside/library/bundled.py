"""The bundled demonstration library that ships inside the package."""

from __future__ import annotations

from pathlib import Path

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "guidelines"


def bundled_paths() -> list[Path]:
    return sorted(BUNDLED_DIR.glob("*.md"))


def bundled_key(path: Path) -> str | None:
    """Bundled documents keep one identity wherever the package is installed."""
    try:
        path.resolve().relative_to(BUNDLED_DIR)
    except ValueError:
        return None
    return f"bundled:{path.stem}"
