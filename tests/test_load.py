"""Load: 20 concurrent users through gradio_client against the real app (real model, real index).

Bounded by default (20 users x 5 questions = 100 answers); QA_SOAK_QUESTIONS=500 for the full soak.  Every
answer must be the one the Python API gives in-process for its question (text and cited chunks), itself checked
against the expected answer; no errors; resident memory must not keep growing.  Figures are printed (run with -s).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import pytest

from qa import api
from tests.conftest import ROOT

pytestmark = [pytest.mark.soak, pytest.mark.integration]

USERS = int(os.environ.get("QA_SOAK_USERS", "20"))
QUESTIONS = int(os.environ.get("QA_SOAK_QUESTIONS", "100"))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def known_answers(store) -> dict[str, tuple[str, list[str]]]:
    """question -> (answer text, cited chunk ids) for demo questions whose in-process answer holds an expected answer."""
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "demo_questions.jsonl").read_text().splitlines() if line.strip()]
    out = {}
    for row in rows:
        answer = api.ask(row["question"], store=store)
        if row.get("answerable") and answer.grounded and any(a in answer.text for a in row["answers"]):
            out[row["question"]] = (answer.text, [c.chunk_id for c in answer.citations])
        elif not row.get("answerable") and not answer.grounded:
            out[row["question"]] = (answer.text, [])
    return out


def test_concurrent_users_get_the_right_answers(real_index):
    sys.path.insert(0, str(ROOT / "tests" / "ui"))
    from gradio_client import Client
    from ui_helpers import serve

    store, _ = real_index
    expected = known_answers(store)
    assert len(expected) >= 5, expected
    questions = list(expected)
    url, app = serve(api, store=store)
    results: list[tuple[str, dict | None, float, str | None]] = []
    lock = threading.Lock()
    per_user = [list(range(u, QUESTIONS, USERS)) for u in range(USERS)]
    try:
        Client(url, verbose=False).predict(questions[0], api_name="/ask")  # warm-up
        rss_start = rss_mb()
        rss_half = None

        def user(indices: list[int]) -> None:
            nonlocal rss_half
            client = Client(url, verbose=False)
            for i in indices:
                q = questions[i % len(questions)]
                t = time.perf_counter()
                try:
                    got, err = client.predict(q, api_name="/ask"), None
                except Exception as exc:  # noqa: BLE001 - counted as an error
                    got, err = None, f"{type(exc).__name__}: {exc}"
                with lock:
                    results.append((q, got, time.perf_counter() - t, err))
                    if len(results) == QUESTIONS // 2:
                        rss_half = rss_mb()

        started = time.perf_counter()
        threads = [threading.Thread(target=user, args=(ix,)) for ix in per_user]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=3600)
        wall = time.perf_counter() - started
        rss_end = rss_mb()
    finally:
        app.close()

    errors = [(q, e) for q, _, _, e in results if e]
    assert not errors, errors[:3]
    assert len(results) == QUESTIONS
    wrong = [(q, got["text"]) for q, got, _, _ in results
             if (got["text"], [c["chunk_id"] for c in got["citations"]]) != expected[q]]
    assert not wrong, wrong[:3]
    latencies = sorted(r[2] for r in results)
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    figures = {"users": USERS, "answers": len(results), "answers_per_s": round(len(results) / wall, 2), "wall_s": round(wall, 1),
               "p50_s": round(statistics.median(latencies), 3), "p95_s": round(p95, 3), "max_s": round(latencies[-1], 3),
               "rss_start_mb": round(rss_start, 1), "rss_half_mb": round(rss_half or 0, 1), "rss_end_mb": round(rss_end, 1)}
    print("\nsoak:", json.dumps(figures))
    out = os.environ.get("QA_SOAK_REPORT")
    if out:
        Path(out).write_text(json.dumps(figures, indent=2))
    # memory stable: the second half of the run does not keep growing (allow allocator noise)
    assert rss_end - (rss_half or rss_end) < 100, figures
