"""Prompt templates, kept as files in prompts/ and filled strictly: a missing value is an error, not a blank."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


@lru_cache(maxsize=16)
def template(name: str) -> Template:
    path = PROMPTS_DIR / f"{name}.md"
    if not path.exists():
        raise FileNotFoundError(f"Prompt template {path} is missing; it ships with the project in prompts/.")
    return Template(path.read_text(encoding="utf-8"))


def render(name: str, **values: str) -> str:
    """Fill prompts/<name>.md; raises KeyError naming any placeholder left without a value."""
    return template(name).substitute(**values)
