"""Thumbs up/down on answers, appended to a local JSONL file (one JSON object per line)."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path

_LOCK = threading.Lock()


def rating_of(liked: bool | str | None) -> str:
    """Gradio's like value -> 'up', 'down' or the custom option's text."""
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    return str(liked)


class FeedbackStore:
    """Appends one line per vote: time, rating, question, answer text, citations and what produced the answer."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def record(self, *, question: str, answer: dict, liked: bool | str | None, turn: int | None = None) -> dict:
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "rating": rating_of(liked),
            "turn": turn,
            "question": question,
            "answer": answer.get("text", ""),
            "grounded": answer.get("grounded"),
            "generator": answer.get("generator"),
            "standalone_question": answer.get("standalone_question"),
            "citations": [
                {k: c.get(k) for k in ("n", "doc_id", "title", "chunk_id", "quote", "quote_start", "quote_end", "source")}
                for c in answer.get("citations", [])
            ],
        }
        line = json.dumps(entry, ensure_ascii=False)
        with _LOCK:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")
        return entry

    def read(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
