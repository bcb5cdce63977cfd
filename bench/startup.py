"""A new process answering one question: `curbside ask` wall time, fresh process each round.

    python bench/startup.py [--library CURBSIDE_HOME] [--rounds 8] [--baseline SRC_DIR]

The library is the bundled one (built in a temporary folder when --library is not given). With
--baseline pointing at another checkout's ``src`` folder (``git worktree add /tmp/old REV``),
both trees are run in turn, interleaved, in this process's loop, and the ratio of their medians
is printed: the machine's load moves both alike. The load average is printed with the result.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "What dose of hydroxocobalamin for B12 deficiency?"
SRC = Path(__file__).resolve().parents[1] / "src"


def one_run(src: Path, home: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "CURBSIDE_HOME": str(home)}
    env.pop("CURBSIDE_DATABASE_URL", None)
    code = "import sys; from curbside.cli import app; sys.argv = ['curbside', *sys.argv[1:]]; app()"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, "ask", QUESTION, "--fresh"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--baseline", type=Path, help="another checkout's src folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = args.library or Path(scratch) / "home"
        if args.library is None:
            print("building the bundled library…", flush=True)
            one_run(SRC, home)  # the first ask loads the bundled library
        trees = {"now": SRC} | ({"baseline": args.baseline} if args.baseline else {})
        for src in trees.values():
            one_run(src, home)  # warm the page cache and the title vectors
        times: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, src in trees.items():
                times[name].append(one_run(src, home))
    load = os.getloadavg()
    print(f"curbside ask, new process, {args.rounds} rounds; load average {load[0]:.2f}")
    for name, values in times.items():
        print(
            f"  {name:<9} median {statistics.median(values):.2f} s  "
            f"min {min(values):.2f}  max {max(values):.2f}"
        )
    if args.baseline:
        ratio = statistics.median(times["now"]) / statistics.median(times["baseline"])
        print(f"  now / baseline: {ratio:.2f}")


if __name__ == "__main__":
    main()
