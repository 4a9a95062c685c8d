"""Measurements in child processes: peak memory of ingestion and of a running UI, and start-up times of `qa`."""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from qa.benchmarks.stats import load_average, median

INGEST_CHILD = r"""
import json, resource, sys, time
started = time.perf_counter()
args = json.loads(sys.argv[1])
from qa import api
report = api.ingest(args["paths"], store=args["store"], collection=args["collection"])
print(json.dumps({"seconds": time.perf_counter() - started, "ingest_seconds": report.seconds, "chunks_embedded": report.chunks_embedded,
                  "chunks_added": report.chunks_added, "failed": len(report.failed),
                  "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

UI_CHILD = r"""
import json, sys
args = json.loads(sys.argv[1])
from ui.app import launch
app = launch(host="127.0.0.1", port=args["port"], block=False, quiet=True, store=args["store"], collection=args["collection"])
print("READY", flush=True)
sys.stdin.read()  # the parent closes stdin to stop the app
app.close()
"""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False",
               PYTHONUNBUFFERED="1")
    return env


def qa_command() -> list[str]:
    """The `qa` console script of this environment, else `python -m qa`."""
    script = Path(sys.executable).parent / "qa"
    return [str(script)] if script.is_file() and os.access(script, os.X_OK) else [sys.executable, "-m", "qa"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vm_status(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS of a running process, in KiB (Linux /proc)."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def ingest_in_child(paths: list[Path], store: Path, collection: str, timeout: float = 3600) -> dict:
    """Ingest in a fresh Python process; its peak RSS (getrusage) and times, cold (imports and model load included)."""
    args = json.dumps({"paths": [str(p) for p in paths], "store": str(store), "collection": collection})
    load = load_average()[0]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", INGEST_CHILD, args], capture_output=True, text=True, env=child_env(), timeout=timeout)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"ingestion child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {**result, "wall": wall, "load": load}


def ui_memory(store: Path, collection: str, questions: list[str], startup_timeout: float = 300) -> dict:
    """Start the UI in a child process, ask ``questions`` through its /ask API (gradio_client), and read the
    child's peak RSS while it is still running."""
    from gradio_client import Client

    port = free_port()
    args = json.dumps({"port": port, "store": str(store), "collection": collection})
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", UI_CHILD, args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=child_env())
    lines: queue.Queue[str | None] = queue.Queue()
    errors: list[str] = []

    def pump(stream, sink):
        for line in stream:
            sink(line)
        if stream is proc.stdout:
            lines.put(None)

    threading.Thread(target=pump, args=(proc.stdout, lines.put), daemon=True).start()
    threading.Thread(target=pump, args=(proc.stderr, errors.append), daemon=True).start()
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"the UI did not start within {startup_timeout:.0f}s") from None
            if line is None:
                raise RuntimeError(f"the UI exited before it was up:\n{''.join(errors)[-3000:]}")
            if line.strip() == "READY":
                break
        startup = time.perf_counter() - started
        at_start = vm_status(proc.pid)
        client = Client(f"http://127.0.0.1:{port}/", verbose=False, download_files=False)
        asks, texts = [], []
        for q in questions:
            t = time.perf_counter()
            result = client.predict(q, api_name="/ask")
            asks.append(time.perf_counter() - t)
            texts.append(result.get("text", "") if isinstance(result, dict) else str(result))
        status = vm_status(proc.pid)
        return {"startup_seconds": startup, "rss_at_start_kib": at_start.get("VmRSS"), "peak_rss_kib": status.get("VmHWM"),
                "rss_kib": status.get("VmRSS"), "ask_seconds": asks, "answers": texts, "load": load_average()[0]}
    finally:
        try:
            proc.stdin.close()
            proc.wait(timeout=30)
        except (subprocess.TimeoutExpired, OSError):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def time_command(args: list[str], repeats: int = 3, timeout: float = 600) -> dict:
    """Wall time of a `qa` command in fresh processes: all runs, their median, and the last run's output."""
    runs, out = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        out = subprocess.run(qa_command() + args, capture_output=True, text=True, env=child_env(), timeout=timeout)
        runs.append(time.perf_counter() - started)
        if out.returncode != 0:
            break
    return {"args": args, "seconds": runs, "median": median(runs), "returncode": out.returncode, "stdout": out.stdout,
            "stderr": out.stderr[-2000:], "load": load_average()[0]}
