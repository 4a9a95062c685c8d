"""The structure of an answer's text: paragraphs, list items, code blocks and arithmetic lines, each with the source
numbers it cites.  For scripts (``qa ask --json``, ``answer_structure``) and for the chat's rendering."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from qa.citations import marker_numbers

_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|(\d{1,2})[.)])\s+")
_CITE_LINE = re.compile(r"\s*(\[\d+\]\s*)+")
_SUM_LINE = re.compile(r"^\s*(In all|The difference|Together|In total|With [A-Z] = [\d,.]+):\s+[\d,.]+\s*[+×-]\s*[\d,.]+\s*=")


class AnswerBlock(BaseModel):
    """One block of an answer."""

    kind: Literal["text", "list_item", "numbered_item", "code", "sum"] = Field(description="A paragraph, a bulleted or numbered list item, a code block (kept exactly), or an arithmetic line ('In all: 13 + 4 = 17', 'With N = 9: 128 + 9 = 137').")
    text: str = Field(description="The block's text as shown (markers kept, bullets and code fences removed).")
    cites: list[int] = Field(default_factory=list, description="The source numbers [n] the block cites.")


def answer_blocks(text: str) -> list[AnswerBlock]:
    """Split an answer's text into blocks, in order.  The markers on the line after a code block cite it."""
    blocks: list[AnswerBlock] = []
    for part in re.split(r"(```[^\n]*\n.*?```)", text or "", flags=re.S):
        if part.startswith("```") and part.endswith("```"):
            blocks.append(AnswerBlock(kind="code", text=re.sub(r"^```[^\n]*\n", "", part)[:-3].rstrip("\n")))
            continue
        for line in part.split("\n"):
            if not line.strip():
                continue
            if blocks and blocks[-1].kind == "code" and _CITE_LINE.fullmatch(line):
                blocks[-1].cites += marker_numbers(line)
                continue
            m = _LIST_ITEM.match(line)
            if m:
                kind = "numbered_item" if m.group(1) else "list_item"
                blocks.append(AnswerBlock(kind=kind, text=line[m.end():], cites=marker_numbers(line)))
            else:
                kind = "sum" if _SUM_LINE.match(line) else "text"
                blocks.append(AnswerBlock(kind=kind, text=line.strip(), cites=marker_numbers(line)))
    return blocks


def answer_structure(answer) -> list[dict]:
    """An Answer's blocks as plain dicts (what ``qa ask --json`` prints under "structure")."""
    return [b.model_dump() for b in answer_blocks(answer.text if answer.grounded else "")]
