"""Pure functions that turn stored answers into the HTML the chat shows, the source panel and a Markdown export.

A conversation is a list of turns ``{"question": str, "answer": Answer.model_dump()}``; everything here is computed
from that stored data (citations are never recomputed).  Chat messages are single-line ``<div>`` blocks, so the
chat's Markdown renderer passes them through as HTML; its sanitizer keeps ``class``, ``title`` and ``href`` but
drops ``data-*``, which is why a marker names its turn and number in its ``href``: ``#qa-cite-<turn>-<n>``.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from typing import Any

from qa.types import NOT_FOUND

MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
CITE_HREF = re.compile(r"^#qa-cite-(\d+)-(\d+)$")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?:\s*\[\d+(?:\s*,\s*\d+)*\])*$")
_HOVER_CHARS = 280

Turn = dict[str, Any]


def esc(text: str) -> str:
    """HTML-escape text (quotes too) for element content and attribute values."""
    return html.escape(text or "", quote=True)


def _text_html(text: str) -> str:
    return esc(text).replace("\n", "<br>")


def cite_href(turn: int, n: int) -> str:
    """The link a marker carries; the page's click handler reads turn and number from it."""
    return f"#qa-cite-{turn}-{n}"


def parse_cite_target(target: str) -> tuple[int, int] | None:
    """'3:1', '3-1' or '#qa-cite-3-1' -> (turn, n); None when it is none of these."""
    target = (target or "").strip()
    m = CITE_HREF.match(target) or re.match(r"^(\d+)[:\-](\d+)$", target)
    return (int(m.group(1)), int(m.group(2))) if m else None


def is_declined(answer: dict) -> bool:
    return not answer.get("grounded", True) or answer.get("text", "").strip() == NOT_FOUND


def compact_answer(answer: dict) -> dict:
    """What a turn stores: the whole answer, citations included, less the retrieved passages (kept small)."""
    return {k: v for k, v in answer.items() if k != "passages"}


def quote_bounds(citation: dict) -> tuple[int, int] | None:
    """Where the supporting quote sits inside ``citation['text']``: from the offsets, else by search; None if absent."""
    text, quote = citation.get("text", ""), citation.get("quote", "")
    s = citation.get("quote_start", 0) - citation.get("start", 0)
    e = citation.get("quote_end", 0) - citation.get("start", 0)
    if quote and 0 <= s < e <= len(text) and text[s:e].strip() == quote.strip():
        return s, e
    if quote:
        i = text.find(quote.strip())
        if i >= 0:
            return i, i + len(quote.strip())
    if 0 <= s < e <= len(text):
        return s, e
    return None


def location(citation: dict) -> str:
    """Where a citation is, for people: 'p. 3 · Install › Linux'; '' when neither page nor section is known."""
    parts = ([f"p. {citation['page']}"] if citation.get("page") is not None else []) + ([citation["heading"]] if citation.get("heading") else [])
    return " · ".join(parts)


def hover_text(citation: dict) -> str:
    """The marker's tooltip: the title and the supporting quote."""
    quote = " ".join((citation.get("quote") or citation.get("text", "")).split())
    if len(quote) > _HOVER_CHARS:
        quote = quote[: _HOVER_CHARS - 1].rstrip() + "…"
    where = location(citation)
    return f"{citation.get('title', '')}{f' ({where})' if where else ''}: “{quote}”"


def marker_html(citation: dict, turn: int) -> str:
    n = citation["n"]
    return f'<a class="qa-cite" href="{cite_href(turn, n)}" title="{esc(hover_text(citation))}">[{n}]</a>'


def linkify_markers(text: str, citations: list[dict], turn: int) -> str:
    """Escape answer text and turn every marker whose number is cited into a clickable link."""
    by_n = {c["n"]: c for c in citations}
    out, pos = [], 0
    for m in MARKER.finditer(text):
        out.append(_text_html(text[pos : m.start()]))
        numbers = [int(x) for x in re.split(r"\s*,\s*", m.group(1))]
        if all(n in by_n for n in numbers):
            out.append("".join(marker_html(by_n[n], turn) for n in numbers))
        else:
            out.append(esc(m.group()))
        pos = m.end()
    out.append(_text_html(text[pos:]))
    return "".join(out)


def split_sentences(text: str) -> list[str]:
    """Answer text -> sentences, each keeping the markers that follow its full stop (whitespace between is kept)."""
    pieces, start = [], 0
    for m in re.finditer(r"\s+", text):
        head = text[start : m.start()]
        rest = text[m.end() :]
        if _SENTENCE_END.search(head) and not re.match(r"\[\d", rest):
            pieces.append(text[start : m.end()])
            start = m.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def render_answer(answer: dict, turn: int) -> str:
    """One assistant message: the answer with clickable markers, marked unverified sentences, and its sources."""
    if is_declined(answer):
        return (
            '<div class="qa-answer qa-declined"><div class="qa-declined-head">No answer in the documents</div>'
            f'<div class="qa-declined-text">{_text_html(answer.get("text") or NOT_FOUND)}</div>'
            f"{_rewrite_html(answer)}</div>"
        )
    citations = sorted(answer.get("citations", []), key=lambda c: c["n"])
    unverified = answer.get("unverified_sentences", 0) > 0
    flagged = {s.strip() for s in answer.get("unverified") or []}
    body = [answer_body_html(answer.get("text", ""), citations, turn, flagged, unverified)]
    note = ""
    if unverified:
        k = answer["unverified_sentences"]
        note = f'<div class="qa-unverified-note">⚠ {k} sentence{"s" if k != 1 else ""} could not be verified against the sources.</div>'
    if answer.get("notice"):
        note += f'<div class="qa-unverified-note">{esc(answer["notice"])}</div>'
    return f'<div class="qa-answer"><div class="qa-text">{"".join(body)}</div>{note}{_rewrite_html(answer)}{render_sources(answer, turn)}</div>'


def answer_blocks(text: str) -> list[tuple[str, str]]:
    """An answer's text as blocks (qa.structure): ('code', code), ('ul', item), ('ol', item), ('cite', markers of the
    code block before) or ('text', paragraph), in order."""
    from qa.structure import answer_blocks as blocks_of

    out: list[tuple[str, str]] = []
    for b in blocks_of(text):
        if b.kind == "code":
            out.append(("code", b.text))
            if b.cites:
                out.append(("cite", "".join(f"[{n}]" for n in b.cites)))
        else:
            out.append(({"list_item": "ul", "numbered_item": "ol"}.get(b.kind, "text"), b.text))
    return out


def _sentences_html(text: str, citations: list[dict], turn: int, flagged: set[str], unverified: bool) -> str:
    out = []
    for sentence in split_sentences(text):
        rendered = linkify_markers(sentence, citations, turn)
        exact = sentence.strip() in flagged if flagged else (unverified and sentence.strip() and not MARKER.search(sentence))
        if exact:
            rendered = f'<span class="qa-unverified" title="Not verified: no retrieved passage was found to support this sentence.">{rendered}</span>'
        out.append(rendered)
    return "".join(out)


def answer_body_html(text: str, citations: list[dict], turn: int, flagged: set[str] | None = None, unverified: bool = False) -> str:
    """The answer's text as HTML on one line: lists as <ul>/<ol>, code as <pre>, markers as links, all text escaped."""
    flagged = flagged or set()
    html_parts: list[str] = []
    open_list = ""
    for kind, content in answer_blocks(text):
        if kind in ("ul", "ol"):
            if open_list != kind:
                html_parts.append((f"</{open_list}>" if open_list else "") + f'<{kind} class="qa-list">')
                open_list = kind
            html_parts.append(f"<li>{_sentences_html(content, citations, turn, flagged, unverified)}</li>")
            continue
        if open_list:
            html_parts.append(f"</{open_list}>")
            open_list = ""
        if kind == "code":
            html_parts.append(f'<pre class="qa-code"><code>{esc(content).replace(chr(10), "<br>")}</code></pre>')
        elif kind == "cite":
            html_parts.append(f'<div class="qa-code-cite">{linkify_markers(content, citations, turn)}</div>')
        else:
            html_parts.append(f'<p class="qa-par">{_sentences_html(content, citations, turn, flagged, unverified)}</p>'
                              if "\n" in (text or "").strip() else _sentences_html(content, citations, turn, flagged, unverified))
    if open_list:
        html_parts.append(f"</{open_list}>")
    return "".join(html_parts)


def _rewrite_html(answer: dict) -> str:
    sq = (answer.get("standalone_question") or "").strip()
    if not sq or sq == answer.get("question", "").strip():
        return ""
    return f'<div class="qa-rewrite">Searched for: “{esc(sq)}”</div>'


def render_sources(answer: dict, turn: int) -> str:
    """The list of sources under an answer; each entry opens the source panel like its marker."""
    citations = sorted(answer.get("citations", []), key=lambda c: c["n"])
    if not citations:
        return ""
    items = "".join(
        f'<li><a class="qa-cite qa-src" href="{cite_href(turn, c["n"])}" title="{esc(hover_text(c))}">'
        f'<span class="qa-src-n">[{c["n"]}]</span> <span class="qa-src-title">{esc(c.get("title", ""))}</span></a>'
        + (f' <span class="qa-src-where">{esc(location(c))}</span>' if location(c) else "")
        + f' <span class="qa-src-id">{esc(c.get("doc_id", ""))}</span></li>'
        for c in citations
    )
    gen = esc(answer.get("generator", ""))
    return f'<div class="qa-sources"><div class="qa-sources-head">Sources <span class="qa-gen">· {gen}</span></div><ul>{items}</ul></div>'


def render_question(question: str) -> str:
    return f'<div class="qa-question">{_text_html(question)}</div>'


def render_draft(text: str) -> str:
    """A streaming answer: plain text so far and a cursor (markers become links once the answer is final)."""
    return f'<div class="qa-answer qa-draft"><div class="qa-text">{_text_html(text)}<span class="qa-cursor">▍</span></div></div>'


def render_error(message: str) -> str:
    return f'<div class="qa-answer qa-error"><b>Could not answer.</b> {_text_html(message)}</div>'


def render_messages(conversation: list[Turn]) -> list[dict]:
    """Chat messages for a stored conversation: a user and an assistant message per turn."""
    messages = []
    for i, turn in enumerate(conversation or []):
        messages.append({"role": "user", "content": render_question(turn.get("question", ""))})
        messages.append({"role": "assistant", "content": render_answer(turn.get("answer", {}), i)})
    return messages


def find_citation(conversation: list[Turn], turn: int, n: int) -> dict | None:
    if not 0 <= turn < len(conversation or []):
        return None
    return next((c for c in conversation[turn].get("answer", {}).get("citations", []) if c.get("n") == n), None)


EMPTY_PANEL = '<div class="qa-panel qa-panel-empty">Click a citation marker such as <b>[1]</b> to see the passage it comes from.</div>'


def render_source_panel(citation: dict | None, turn: int | None = None) -> str:
    """The cited document's title and passage with the supporting quote highlighted."""
    if not citation:
        return EMPTY_PANEL
    text = citation.get("text", "")
    bounds = quote_bounds(citation)
    if bounds:
        s, e = bounds
        passage = f'{_text_html(text[:s])}<mark class="qa-hl">{_text_html(text[s:e])}</mark>{_text_html(text[e:])}'
    else:
        passage = _text_html(text) + f'<div class="qa-panel-quote">Quote: <mark class="qa-hl">{_text_html(citation.get("quote", ""))}</mark></div>'
    where = f'{esc(citation.get("doc_id", ""))} · characters {citation.get("start", 0)}–{citation.get("end", 0)}'
    page = citation.get("page")
    opens = f'<div class="qa-panel-page">Page {page} of the document</div>' if page is not None else ""
    section = f'<div class="qa-panel-section">Section: {esc(citation["heading"])}</div>' if citation.get("heading") else ""
    q_label = f"Question {turn + 1}, " if turn is not None else ""
    source = citation.get("source", "")
    return (
        f'<div class="qa-panel"><div class="qa-panel-label">{q_label}source [{citation["n"]}]</div>'
        f'<div class="qa-panel-title">{esc(citation.get("title", ""))}</div>'
        f'<div class="qa-panel-meta">{where}</div>{opens}{section}'
        f'<div class="qa-passage">{passage}</div>'
        + (f'<div class="qa-panel-path">{esc(source)}</div>' if source else "")
        + "</div>"
    )


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MARKER = re.compile(r"\\\[(\d+)\\\](?![(:\[])")  # an escaped [n] not followed by what would make it a link
_MD_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])", re.MULTILINE)


def md_text(text: str, *, one_line: bool = True) -> str:
    """Text quoted into Markdown as text: HTML escaped (a viewer that renders raw HTML shows it, never runs it) and
    every Markdown marker backslash-escaped; ``one_line`` joins lines, so a title cannot start a heading or a list."""
    text = " ".join(str(text or "").split()) if one_line else "\n".join(" ".join(line.split()) for line in str(text or "").splitlines())
    return _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)))


def export_markdown(conversation: list[Turn], title: str = "Conversation", now: datetime | None = None) -> str:
    """The conversation as Markdown: each question, its answer with markers, and the numbered sources with quotes.
    Everything quoted (questions, answers, titles, ids, quotes) is escaped: it is text, never markup."""
    now = now or datetime.now(timezone.utc)
    lines = [f"# {md_text(title)}", "", f"_Exported {now.strftime('%Y-%m-%d %H:%M UTC')}_", ""]
    for i, turn in enumerate(conversation or [], start=1):
        answer = turn.get("answer", {})
        lines += [f"## {i}. {md_text(turn.get('question', ''))}", ""]
        if is_declined(answer):
            lines += [f"_{md_text(answer.get('text') or NOT_FOUND)}_", ""]
            continue
        lines += [_MARKER.sub(r"[\1]", md_text(answer.get("text", "").strip(), one_line=False)), ""]  # markers [n] kept readable
        if answer.get("unverified_sentences"):
            lines += [f"> ⚠ {answer['unverified_sentences']} sentence(s) could not be verified against the sources.", ""]
        citations = sorted(answer.get("citations", []), key=lambda c: c["n"])
        if citations:
            lines += ["**Sources**", ""]
            for c in citations:
                doc_id = str(c.get("doc_id", "")).replace("`", "'")  # a code span shows its text as is: only a backtick could end it
                where = md_text(location(c))
                lines.append(f"[{c['n']}] **{md_text(c.get('title', ''))}** (`{doc_id}`{', ' + where if where else ''}): “{md_text(c.get('quote', ''))}”")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def document_rows(documents: list[dict]) -> list[list]:
    """Rows of the document table: title, id, chunks, source."""
    return [[d.get("title", ""), d.get("doc_id", ""), d.get("chunks", 0), d.get("source", "")] for d in documents]
