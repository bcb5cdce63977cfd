"""Peak resident memory per phase, on Linux: reset the high-water mark, read it afterwards."""

from __future__ import annotations

import contextlib
from pathlib import Path


def reset_peak() -> None:
    with contextlib.suppress(OSError):  # not Linux: peaks then cover the whole run
        Path("/proc/self/clear_refs").write_text("5")  # 5: reset VmHWM to the current RSS


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def du_mb(*paths: Path) -> float:
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
        elif path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return total / 1e6
