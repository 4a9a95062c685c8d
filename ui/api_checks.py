"""Checks of what the chat's API is given: each error names the field and its range or form."""

from __future__ import annotations

from typing import Any

import gradio as gr

MAX_K = 50


def check_k(k: Any) -> int | None:
    """``k`` of the /ask API: None (the default) or a whole number from 1 to MAX_K; else a clear error."""
    if k is None or k == "":
        return None
    if isinstance(k, float) and k.is_integer():
        k = int(k)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise gr.Error(f"k must be a whole number from 1 to {MAX_K} (how many passages to answer from); got {k!r}.")
    return k


def check_history(history: Any) -> list[tuple[str, str]]:
    """``history`` of the /ask API: a list of [user message, assistant message] pairs of strings, oldest first."""
    if history is None or history == "":
        return []
    form = "history must be a list of [user message, assistant message] pairs of strings, oldest first"
    if not isinstance(history, (list, tuple)):
        raise gr.Error(f"{form}; got {type(history).__name__}.")
    pairs = []
    for i, pair in enumerate(history):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not all(isinstance(x, str) for x in pair):
            raise gr.Error(f"{form}; item {i} is {str(pair)[:80]!r}.")
        pairs.append((pair[0], pair[1]))
    return pairs

