"""OpenDocument text (.odt) read from its content.xml with lxml: text:h headings with their outline level,
paragraphs, lists, tables (header rows carried on each row) and preformatted text (code)."""

from __future__ import annotations

import zipfile

from lxml import etree

from qa.readers import Extracted
from qa.readers.structured import HeadingTrail, block, first_heading, one_line, table_blocks
from qa.readers.zipped import damaged, encrypted, parse_xml, read_member
from qa.types import Block

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_CODE_STYLES = {"Preformatted_20_Text", "Source_20_Text", "Source_20_Code", "Source_Code", "Code"}
#: Repeated cells (table:number-columns-repeated) beyond this are empty filler to the sheet's edge.
_MAX_REPEAT = 64


def _tag(prefix: str, local: str) -> str:
    return f"{{{NS[prefix]}}}{local}"


def read_odt_package(package: zipfile.ZipFile, name: str) -> Extracted:
    names = set(package.namelist())
    if "META-INF/manifest.xml" in names:
        manifest = parse_xml(read_member(package, "META-INF/manifest.xml", name), name, "META-INF/manifest.xml")
        if manifest.find(".//manifest:encryption-data", NS) is not None:
            raise encrypted(name)
    content = parse_xml(read_member(package, "content.xml", name), name, "content.xml")
    body = content.find("office:body/office:text", NS)
    if body is None:
        raise damaged(name, "content.xml holds no text document (a spreadsheet or drawing renamed?)")
    parents = _style_parents(content)
    if "styles.xml" in names:
        parents = _style_parents(parse_xml(read_member(package, "styles.xml", name), name, "styles.xml")) | parents
    walker = _Walker(parents)
    walker.walk(body)
    title = None
    if "meta.xml" in names:
        meta = parse_xml(read_member(package, "meta.xml", name), name, "meta.xml")
        found = meta.find(".//dc:title", NS)
        title = one_line(found.text or "") if found is not None and found.text else None
    return Extracted(blocks=walker.blocks, title=title or first_heading(walker.blocks))


def _style_parents(root: etree._Element) -> dict[str, str]:
    """style name -> parent style name, for paragraph styles."""
    parents = {}
    for style in root.iter(_tag("style", "style")):
        name, parent = style.get(_tag("style", "name")), style.get(_tag("style", "parent-style-name"))
        if name:
            parents[name] = parent or ""
    return parents


def text_of(element: etree._Element) -> str:
    """The text of an element: spaces (text:s), tabs and line breaks restored, notes left out."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _tag("text", "s"):
            parts.append(" " * int(child.get(_tag("text", "c"), "1") or 1))
        elif child.tag == _tag("text", "tab"):
            parts.append("\t")
        elif child.tag == _tag("text", "line-break"):
            parts.append("\n")
        elif child.tag not in (_tag("text", "note"), _tag("office", "annotation")) and isinstance(child.tag, str):
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


class _Walker:
    def __init__(self, parents: dict[str, str]):
        self.parents = parents
        self.trail = HeadingTrail()
        self.blocks: list[Block] = []
        self._code_open = False  # the last block is code that the next preformatted line continues

    def _styles(self, element) -> list[str]:
        chain, name = [], element.get(_tag("text", "style-name"))
        while name and name not in chain and len(chain) < 20:
            chain.append(name)
            name = self.parents.get(name)
        return chain

    def _add(self, made: Block | None) -> None:
        if made is not None:
            self.blocks.append(made)
        self._code_open = False

    def walk(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == _tag("text", "h"):
                level = int(child.get(_tag("text", "outline-level"), "1") or 1)
                made = block("heading", text_of(child))
                self._add(made.model_copy(update={"heading_path": self.trail.enter(level, made.text)}) if made else None)
            elif tag == _tag("text", "p"):
                self._paragraph(child)
            elif tag == _tag("text", "list"):
                self._list(child)
            elif tag == _tag("table", "table"):
                header, rows = _table_rows(child)
                for made in table_blocks(rows, self.trail.path, header=header):
                    self._add(made)
            elif tag in (_tag("text", "section"), _tag("text", "index-body")) or tag == _tag("table", "table-row-group"):
                self.walk(child)
            # table of contents, forms, sequence declarations, page breaks: nothing to read

    def _paragraph(self, element) -> None:
        styles = self._styles(element)
        text = text_of(element)
        if "Title" in styles:
            made = block("heading", text)
            self._add(made.model_copy(update={"heading_path": self.trail.enter(0, made.text)}) if made else None)
        elif _CODE_STYLES.intersection(styles):
            if self._code_open and self.blocks:
                last = self.blocks[-1]
                self.blocks[-1] = last.model_copy(update={"text": f"{last.text}\n{text.rstrip()}"})
            else:
                self._add(block("code", text, self.trail.path))
                self._code_open = bool(self.blocks) and self.blocks[-1].kind == "code"
        else:
            self._add(block("paragraph", text, self.trail.path))

    def _list(self, element) -> None:
        for item in element:
            if item.tag not in (_tag("text", "list-item"), _tag("text", "list-header")):
                continue
            own = [text_of(c) for c in item if c.tag in (_tag("text", "p"), _tag("text", "h"))]
            self._add(block("list_item", " ".join(own), self.trail.path))
            for nested in item.iterfind("text:list", NS):
                self._list(nested)


def _table_rows(table) -> tuple[list[str] | None, list[list[str]]]:
    """(header cells or None, other rows) of a table:table."""
    header: list[str] | None = None
    rows: list[list[str]] = []
    for group in table:
        if group.tag == _tag("table", "table-header-rows"):
            for row in group.iterfind("table:table-row", NS):
                header = _cells(row)
        elif group.tag == _tag("table", "table-row"):
            rows.append(_cells(group))
        elif group.tag in (_tag("table", "table-rows"), _tag("table", "table-row-group")):
            rows += [_cells(r) for r in group.iterfind("table:table-row", NS)]
    return header, rows


def _cells(row) -> list[str]:
    cells = []
    for cell in row:
        if cell.tag != _tag("table", "table-cell"):
            continue  # covered (merged) cells hold nothing of their own
        text = " ".join(text_of(p) for p in cell)
        repeat = min(int(cell.get(_tag("table", "number-columns-repeated"), "1") or 1), _MAX_REPEAT)
        cells += [text] * repeat
    return cells

