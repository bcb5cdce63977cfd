"""Several workers answering the same new question at once store one article."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from curbside.answer.pipeline import answer
from curbside.runtime import open_runtime

GUIDELINE = """---
title: Iron deficiency anaemia in adults
publisher: Blood Society
year: 2019
---
# Iron deficiency anaemia

## Treatment of iron deficiency anaemia
- Treat iron deficiency anaemia in adults with oral ferrous sulfate 200 mg once daily.
- Continue oral iron treatment for 3 months after the haemoglobin has returned to normal.
"""
QUESTION = "What oral iron dose treats iron deficiency anaemia in adults?"


def test_three_workers_asking_one_new_question_store_one_article(
    settings, runtime, load, tmp_path: Path
):
    path = tmp_path / "ida.md"
    path.write_text(GUIDELINE)
    load(path)
    workers = [open_runtime(settings, sync=False) for _ in range(3)]
    try:
        barrier = threading.Barrier(len(workers))

        def ask(rt) -> str:
            barrier.wait()
            return answer(QUESTION, rt).id

        with ThreadPoolExecutor(len(workers)) as pool:
            ids = list(pool.map(ask, workers))
        stored = runtime.articles.list_articles()
        assert len(stored) == 1 and set(ids) == {stored[0]["id"]}, (ids, len(stored))
        assert not stored[0]["abstained"]
        # A fresh answer is another article, on purpose; a plain ask still finds one.
        fresh = answer(QUESTION, workers[0], fresh=True)
        assert fresh.id != ids[0] and len(runtime.articles.list_articles()) == 2
    finally:
        for rt in workers:
            rt.close()
