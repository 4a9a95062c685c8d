"""Small helpers: percentiles, latency summaries, aligned tables, the machine's load."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between order statistics (numpy's default); NaN if empty."""
    data = sorted(values)
    if not data:
        return math.nan
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def summarize(seconds: Sequence[float]) -> dict[str, float]:
    """Latencies in seconds -> n, p50/p95/mean/max in milliseconds."""
    data = list(seconds)
    return {
        "n": len(data),
        "p50_ms": percentile(data, 50) * 1000,
        "p95_ms": percentile(data, 95) * 1000,
        "mean_ms": (sum(data) / len(data) * 1000) if data else math.nan,
        "max_ms": max(data) * 1000 if data else math.nan,
    }


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def timed(fn: Callable, *args, **kwargs) -> tuple[float, object]:
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


@contextmanager
def stopwatch():
    """``with stopwatch() as t: ...`` then ``t()`` is the seconds the block took (or has taken so far)."""
    started = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - started
    end.append(time.perf_counter())


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:  # not available on this platform
        return (math.nan, math.nan, math.nan)


def fmt_load(load: Sequence[float] | None = None) -> str:
    one, five, fifteen = load if load is not None else load_average()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min, {os.cpu_count()} CPUs)"


def fmt_ms(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def fmt_mib(kib: float | None) -> str:
    return "-" if kib is None else f"{kib / 1024:,.0f} MiB"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [["-" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths])] + [line(r) for r in cells[1:]])


def verdict(value: float | None, limit: float, higher_is_better: bool = False) -> str:
    """'met', 'NOT met' or 'not measured' for a figure against its target."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not measured"
    ok = value >= limit if higher_is_better else value <= limit
    return "met" if ok else "NOT met"
