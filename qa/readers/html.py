"""HTML -> blocks, keeping the page's structure (parsed with lxml).

Headings h1-h6 make the heading path; <pre> is a code block; <li> and <dt> are list items (and the labels of a
two-column labelled list laid out as a table, asciidoc's "horizontal" lists); a data table gives one ``table_row`` per
row, each cell with its column header; paragraphs and loose text are paragraphs.  Page furniture
is dropped first: scripts, styles, navigation, headers and footers without the page's headline, sidebars, Sphinx's
"¶" header links, texinfo's navigation panels and index tables.  The main part of the page (``main``, ``article``,
``[role=main]``, Sphinx's ``div.body``) is read when there is one, else the whole body.
"""

from __future__ import annotations

import copy
import re

import lxml.html

from qa.blocks import Budget, normalise_spaces, strip_header_links
from qa.readers import Extracted, ReadError
from qa.readers.text import table_row_text
from qa.types import Block

_DROP_TAGS = {"script", "style", "noscript", "template", "nav", "aside", "form", "button", "svg", "iframe", "select", "input", "object", "canvas"}
_FURNITURE = re.compile(
    r"(^|[\s_-])(nav|navbar|navigation|nav-panel|menu|sidebar|sphinxsidebar|related|breadcrumbs?|footer|header|skip|search|searchbox|"
    r"cookie|share|social|comments?|advert|ads|headerlink|toc|contents|shortcontents|mini-toc)($|[\s_-])",
    re.IGNORECASE,
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "dl", "dd", "blockquote", "figure", "figcaption", "center", "details",
               "summary", "address", "header", "footer", "body", "td", "th", "caption", "hr", "br"}
_NESTED = {"ul", "ol", "pre", "table", "dl"}
_MAIN = ["//*[@role='main']", "//main", "//article", "//div[contains(concat(' ', normalize-space(@class), ' '), ' body ')]"]


def _is_furniture(el) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _DROP_TAGS:
        return True
    marks = " ".join(filter(None, [el.get("class"), el.get("id"), el.get("role")]))
    if tag == "table" and (el.get("class") or "").startswith("index-"):  # texinfo's index tables
        return True
    if tag in ("header", "footer") or (marks and _FURNITURE.search(marks)):
        # A header that holds the page's headline (asciidoc's div#header with the h1) is content.
        return not el.xpath(".//h1|.//h2")
    return False


def _drop_furniture(root) -> None:
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.getparent() is not None:
                el.drop_tree()
            continue
        if el.getparent() is not None and _is_furniture(el):
            el.drop_tree()


def _inline_text(el, skip: set[str] = frozenset()) -> str:
    """Text of an element as one line, leaving out descendants whose tag is in ``skip``."""
    parts: list[str] = []

    def visit(node) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and child.tag not in skip:
                if child.tag == "br":
                    parts.append(" ")
                visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(el)
    return strip_header_links(normalise_spaces("".join(parts))) if parts else ""


def _nested_blocks(el):
    """The outermost lists, code blocks, tables and definition lists inside an element, in order."""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _NESTED:
            yield child
        else:
            yield from _nested_blocks(child)


class _Walker:
    """Walks the page in document order and emits blocks."""

    def __init__(self, budget: Budget):
        self.budget = budget
        self.blocks: list[Block] = []
        self.path: list[tuple[int, str]] = []
        self.inline: list[str] = []

    def emit(self, kind: str, text: str) -> None:
        if text.strip():
            self.blocks.append(Block(kind=kind, text=text, heading_path=[h for _, h in self.path]))
            self.budget.spend(len(text))

    def flush(self) -> None:
        text = strip_header_links(normalise_spaces("".join(self.inline)))
        self.inline = []
        self.emit("paragraph", text)

    def heading(self, level: int, text: str) -> None:
        if not text:
            return
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, text))
        self.emit("heading", text)

    def walk(self, el) -> None:
        if el.text:
            self.inline.append(el.text)
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _HEADINGS:
                self.flush()
                self.heading(_HEADINGS[tag], _inline_text(child))
            elif tag == "pre":
                self.flush()
                self.emit("code", (child.text_content() or "").strip("\n"))
            elif tag in ("ul", "ol", "menu"):
                self.flush()
                self.items(child)
            elif tag == "dt":
                self.flush()
                self.emit("list_item", _inline_text(child))
            elif tag == "table":
                self.flush()
                self.table(child)
            elif tag == "p" and not child.xpath(".//pre|.//ul|.//ol|.//table|.//div"):
                self.flush()
                self.emit("paragraph", _inline_text(child))
            elif tag in _BLOCK_TAGS or tag in ("li", "dt"):
                self.flush()
                self.walk(child)
                self.flush()
            elif tag == "br":
                self.inline.append(" ")
            elif tag and child.xpath(".//pre|.//p|.//div|.//table|.//ul|.//ol|.//dl"):  # an inline element holding blocks
                self.flush()
                self.walk(child)
            elif tag:  # inline: its text as written, spaces at its edges included ("a <b> bold</b> word")
                self.inline.append(child.text_content() or "")
            if child.tail:
                self.inline.append(child.tail)
        self.flush()

    def items(self, listing) -> None:
        """Each <li> is a list item (its own text); lists, code and tables nested in it follow as blocks of their own.
        An item of several paragraphs ('Considers adding ...:' / code / 'Because this example ...') is its first
        paragraph, then the rest in order: joined, they made one sentence of a lead-in and what follows its code."""
        for li in listing:
            if not isinstance(li.tag, str):
                continue
            paragraphs = [c for c in li if isinstance(c.tag, str) and (c.tag == "p" or (c.tag == "div" and c.xpath("./p")))]
            if len(paragraphs) >= 2 and not (li.text or "").strip():
                first = paragraphs[0]
                self.emit("list_item", _inline_text(first, _NESTED))
                rest = lxml.html.Element("div")
                rest.extend(copy.deepcopy(c) for c in li[li.index(first) + 1 :])
                self.walk(rest)
                continue
            self.emit("list_item", _inline_text(li, _NESTED))
            for inner in _nested_blocks(li):
                if inner.tag in ("ul", "ol"):
                    self.items(inner)
                elif inner.tag == "pre":
                    self.emit("code", (inner.text_content() or "").strip("\n"))
                elif inner.tag == "table":
                    self.table(inner)
                else:
                    self.walk(inner)

    def table(self, table) -> None:
        rows = [r for r in table.iter("tr") if next(r.iterancestors("table"), None) is table]
        cells = [[c for c in r if isinstance(c.tag, str) and c.tag in ("td", "th")] for r in rows]
        layout = not any(c.tag == "th" for row in cells for c in row) and (
            len(rows) <= 1 or any(c.xpath(".//p|.//pre|.//ul|.//ol|.//div|.//table") for row in cells for c in row)
        )
        if layout and _is_labelled_list(cells):  # asciidoc's horizontal labelled list: a term, then what it does
            for term, description in cells:
                self.emit("list_item", _inline_text(term))
                self.walk(description)
            return
        if layout:  # a table used for layout (asciidoc's admonitions, texinfo's menus): read its cells as text
            for row in cells:
                for cell in row:
                    self.walk(cell)
            return
        header: list[str] = []
        if cells and cells[0] and all(c.tag == "th" for c in cells[0]):
            header = [_inline_text(c) for c in cells[0]]
            cells = cells[1:]
        for row in cells:
            self.emit("table_row", table_row_text(header, [_inline_text(c) for c in row]))


_LABEL_WORDS = 6  # a label cell holds a term ('query', '-k --keep', '%e'), not a sentence


def _is_labelled_list(cells) -> bool:
    """Is a layout table a labelled list (asciidoc's ``table.horizontal``, a definition list laid out in two columns):
    two cells a row, at least two rows, every left cell a short label and no left cell a block of its own?"""
    if len(cells) < 2 or any(len(row) != 2 for row in cells):
        return False
    for term, _ in cells:
        if term.xpath(".//pre|.//table|.//ul|.//ol"):
            return False
        text = _inline_text(term)
        if not text or len(text.split()) > _LABEL_WORDS or text.endswith((".", ":")):
            return False
    return True


def read_html(data: bytes, name: str) -> Extracted:
    """An HTML page: its blocks and its title (the first h1, else <title>)."""
    import lxml.html
    from lxml.etree import ParserError

    if not data.strip():
        return Extracted(blocks=[])
    try:  # UTF-8 when it is valid (lxml would guess Latin-1 for a page that does not declare its charset)
        markup: str | bytes = re.sub(r"^\s*<\?xml[^>]*\?>", "", data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        markup = data
    try:
        doc = lxml.html.document_fromstring(markup)
    except (ParserError, ValueError) as exc:
        raise ReadError(f"not an HTML page: {exc}") from exc
    head_title = normalise_spaces(doc.findtext(".//title") or "")
    h1 = doc.find(".//h1")
    title = _inline_text(h1) if h1 is not None else ""
    body = doc.find("body") if doc.find("body") is not None else doc
    _drop_furniture(body)
    root = next((found[0] for xpath in _MAIN if (found := body.xpath(xpath))), body)
    walker = _Walker(Budget.from_settings(name))
    walker.walk(root)
    return Extracted(blocks=walker.blocks, title=title or head_title.split(" — ")[0] or None)
