"""EPUB books -> blocks, read with zipfile and lxml (EbookLib is AGPL: not used).

META-INF/container.xml names the package document (OPF); its spine gives the reading order of the XHTML chapters;
its dc:title the book's title.  Each chapter's h1-h6, p, li, pre and table become blocks, with one heading trail
running through the whole book.  ``xhtml_blocks`` is a small XHTML -> blocks walker of its own, kept here until one
HTML reader serves both (qa.readers.html)."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

from lxml import etree, html

from qa.readers import Extracted, ReadError
from qa.readers.structured import HeadingTrail, block, first_heading, one_line, table_blocks
from qa.readers.zipped import damage_reported, damaged, open_package, parse_xml, read_member
from qa.types import Block

NS = {
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "enc": "http://www.w3.org/2001/04/xmlenc#",
}
#: Font obfuscation (IDPF, Adobe) is the only encryption that leaves the text readable.
_FONT_OBFUSCATION = {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
_CHAPTER_TYPES = {"application/xhtml+xml", "text/html"}


def read_epub(data: bytes, name: str) -> Extracted:
    """The chapters in spine order.  Title: the OPF's dc:title, else the first heading."""
    with damage_reported(name):
        return _read_epub(open_package(data, name), name)


def _read_epub(package, name: str) -> Extracted:
    members = set(package.namelist())
    if "META-INF/encryption.xml" in members:
        encryption = parse_xml(read_member(package, "META-INF/encryption.xml", name), name, "META-INF/encryption.xml")
        methods = {m.get("Algorithm") for m in encryption.iterfind(".//enc:EncryptionMethod", NS)}
        if methods - _FONT_OBFUSCATION:
            raise ReadError(f"{name} is encrypted (DRM): add a DRM-free copy of the book")
    container = parse_xml(read_member(package, "META-INF/container.xml", name), name, "META-INF/container.xml")
    rootfile = container.find(".//container:rootfile", NS)
    if rootfile is None or not rootfile.get("full-path"):
        raise damaged(name, "META-INF/container.xml names no package document")
    opf_path = rootfile.get("full-path")
    opf = parse_xml(read_member(package, opf_path, name), name, opf_path)
    base = posixpath.dirname(opf_path)
    manifest = {item.get("id"): item for item in opf.iterfind("opf:manifest/opf:item", NS)}

    trail, blocks, warnings = HeadingTrail(), [], []
    for itemref in opf.iterfind("opf:spine/opf:itemref", NS):
        item = manifest.get(itemref.get("idref"))
        if item is None or item.get("media-type") not in _CHAPTER_TYPES or "nav" in (item.get("properties") or "").split():
            continue
        member = posixpath.normpath(posixpath.join(base, unquote(item.get("href") or "")))
        if member not in members:
            warnings.append(f"{name}: the chapter {member} named in its spine is missing")
            continue
        blocks += xhtml_blocks(read_member(package, member, name), trail)
    found = opf.find("opf:metadata/dc:title", NS)
    title = one_line(found.text or "") if found is not None and found.text else None
    return Extracted(blocks=blocks, title=title or first_heading(blocks), warnings=warnings)


def _parse_xhtml(data: bytes) -> etree._Element:
    """XHTML as XML (no network, no entities expanded); HTML's forgiving parser when it is not well-formed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return html.fromstring(data)


def _local(element) -> str:
    """The tag's name without its namespace, in lower case; '' for comments and processing instructions."""
    return element.tag.rpartition("}")[2].lower() if isinstance(element.tag, str) else ""


_SKIP = {"head", "script", "style", "nav", "template", "noscript", "svg", "math"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = _SKIP | set(_HEADINGS) | {"p", "ul", "ol", "li", "pre", "table", "div", "section", "article", "main", "body",
                                   "blockquote", "figure", "figcaption", "aside", "header", "footer", "dl", "dt", "dd",
                                   "hr", "address", "details", "summary"}


def _text(element) -> str:
    """Inline text of an element, header-link marks (Sphinx's '¶' anchors) left out."""
    tag = _local(element)
    if tag in _SKIP or "headerlink" in (element.get("class") or "").split():
        return ""
    if tag == "br":
        return "\n"
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def xhtml_blocks(data: bytes, trail: HeadingTrail) -> list[Block]:
    """Blocks of one XHTML document; ``trail`` carries the headings across documents."""
    root = _parse_xhtml(data)
    body = next((e for e in root.iter() if _local(e) == "body"), root)
    blocks: list[Block] = []
    _walk(body, trail, blocks)
    return blocks


def _walk(element, trail: HeadingTrail, blocks: list[Block]) -> None:
    """Block children become blocks; loose inline text between them becomes paragraphs."""
    loose = [element.text or ""]

    def flush() -> None:
        made = block("paragraph", "".join(loose), trail.path)
        if made:
            blocks.append(made)
        loose.clear()

    for child in element:
        tag = _local(child)
        if tag and tag in _BLOCKS:
            flush()
            _block_element(child, tag, trail, blocks)
        elif tag:
            loose.append(_text(child))
        loose.append(child.tail or "")
    flush()


def _block_element(element, tag: str, trail: HeadingTrail, blocks: list[Block]) -> None:
    if tag in _SKIP:
        return
    if tag in _HEADINGS:
        made = block("heading", _text(element))
        if made:
            blocks.append(made.model_copy(update={"heading_path": trail.enter(_HEADINGS[tag], made.text)}))
    elif tag == "pre":
        made = block("code", "".join(element.itertext()), trail.path)
        if made:
            blocks.append(made)
    elif tag == "table":
        blocks += table_blocks(_table_rows(element), trail.path)
    elif tag in ("ul", "ol"):
        for item in element:
            if _local(item) == "li":
                _list_item(item, trail, blocks)
    elif tag == "li":
        _list_item(element, trail, blocks)
    elif tag == "p":
        made = block("paragraph", _text(element), trail.path)
        if made:
            blocks.append(made)
    else:
        _walk(element, trail, blocks)


def _list_item(item, trail: HeadingTrail, blocks: list[Block]) -> None:
    """The item's own text is one list_item; nested lists, code and tables in it follow as their own blocks."""
    own, nested = [item.text or ""], []
    for child in item:
        tag = _local(child)
        if tag in ("ul", "ol", "pre", "table"):
            nested.append((child, tag))
        elif tag:
            own.append(_text(child) + (" " if tag in _BLOCKS else ""))  # paragraphs of an item apart, inline text not
        own.append(child.tail or "")
    made = block("list_item", "".join(own), trail.path)
    if made:
        blocks.append(made)
    for child, tag in nested:
        _block_element(child, tag, trail, blocks)


def _table_rows(table):
    """Rows of a table (not of tables nested in it), header rows first."""
    rows = [tr for tr in table.iter() if _local(tr) == "tr" and _owner_table(tr) is table]
    rows.sort(key=lambda tr: 0 if _local(tr.getparent()) == "thead" else 1)
    for tr in rows:
        yield [_text(cell) for cell in tr if _local(cell) in ("td", "th")]


def _owner_table(tr):
    parent = tr.getparent()
    while parent is not None and _local(parent) != "table":
        parent = parent.getparent()
    return parent
