"""Word (.docx), PowerPoint (.pptx) and OpenDocument text (.odt) files -> blocks.

.docx and .pptx are read with python-docx and python-pptx (MIT).  .odt is read from its content.xml with lxml
(qa.readers.opendocument): the schema is small and documented, which spares a dependency (odfpy, last released
2020)."""

from __future__ import annotations

import io
import re

from qa.readers import Extracted, ReadError
from qa.readers.structured import HeadingTrail, block, first_heading, table_blocks
from qa.readers.zipped import damage_reported, damaged, open_package
from qa.types import Block

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_CODE_STYLES = {"source code", "html preformatted", "code", "macro text", "preformatted text", "code block"}


def read_docx(data: bytes, name: str) -> Extracted:
    """Paragraphs by style: 'Heading N' and 'Title' are headings, list paragraphs list items, code styles code;
    tables give one row each, with the first row as header.  Title: core properties, else the first heading."""
    open_package(data, name)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        trail, blocks, styles = HeadingTrail(), [], _StyleCache()
        for element in _body_elements(document.element.body):
            if element.tag == f"{_W}tbl":
                blocks += table_blocks(_docx_rows(Table(element, document)), trail.path)
            else:
                blocks += _docx_paragraph(Paragraph(element, document), trail, styles)
        title = (document.core_properties.title or "").strip() or None
    except ReadError:
        raise
    except Exception as exc:  # python-docx raises many kinds (KeyError, ValueError, lxml errors) on a damaged file
        raise damaged(name, exc) from exc
    return Extracted(blocks=blocks, title=title or first_heading(blocks))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _body_elements(container):
    """Paragraphs and tables of the body in order, including those inside content controls (w:sdt: cover pages,
    tables of contents), which python-docx's iter_inner_content passes over."""
    for element in container:
        if element.tag in (f"{_W}p", f"{_W}tbl"):
            yield element
        elif element.tag == f"{_W}sdt":
            for content in element.iterchildren(f"{_W}sdtContent"):
                yield from _body_elements(content)


class _StyleCache:
    """Per paragraph style id: the names of the style and the styles it is based on, and whether any of them
    numbers its paragraphs.  Looking styles up is python-docx's slow part; a document has few of them."""

    def __init__(self) -> None:
        self._known: dict[str | None, tuple[list[str], bool]] = {}

    def of(self, paragraph) -> tuple[list[str], bool]:
        style_id = paragraph._p.style
        if style_id not in self._known:
            chain, style = [], paragraph.style
            while style is not None and len(chain) < 20:
                chain.append(style)
                style = style.base_style
            names = [(s.name or "").strip().lower() for s in chain]
            numbered = any(getattr(s.element, "pPr", None) is not None and s.element.pPr.numPr is not None for s in chain)
            self._known[style_id] = (names, numbered)
        return self._known[style_id]


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _paragraph_text(p_element) -> str:
    """The paragraph's text with tabs and line breaks (python-docx's Paragraph.text, a few times faster), text boxes
    included once (Word stores each twice: for new readers, and a fallback copy for old ones)."""
    parts: list[str] = []
    _collect_text(p_element, parts)
    return "".join(parts)


def _collect_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}p":  # a paragraph of a text box inside this one
            parts.append("\n")
            _collect_text(child, parts)
        elif tag not in (_MC_FALLBACK, f"{_W}pPr", f"{_W}rPr", f"{_W}delText") and isinstance(tag, str):
            _collect_text(child, parts)


def _docx_paragraph(paragraph, trail: HeadingTrail, styles: _StyleCache) -> list[Block]:
    names, style_numbered = styles.of(paragraph)
    text = _paragraph_text(paragraph._p)
    for style_name in names:
        if style_name == "title":
            made = block("heading", text)
            return [made.model_copy(update={"heading_path": trail.enter(0, made.text)})] if made else []
        level = _HEADING_STYLE.match(style_name)
        if level:
            made = block("heading", text)
            return [made.model_copy(update={"heading_path": trail.enter(int(level.group(1)), made.text)})] if made else []
    if any(n in _CODE_STYLES for n in names):
        made = block("code", text.replace("\t", "    "), trail.path)
    elif any(n.startswith("list") for n in names) or style_numbered or _numbered(paragraph):
        made = block("list_item", text, trail.path)
    else:
        made = block("paragraph", text, trail.path)
    return [made] if made else []


def _numbered(paragraph) -> bool:
    """A bulleted or numbered paragraph: numbering properties on the paragraph itself."""
    p_pr = paragraph._p.pPr
    return p_pr is not None and p_pr.numPr is not None


def _cell_text(tc) -> str:
    """All paragraphs of a table cell, those of tables nested in it too (python-docx's cell.text leaves them out)."""
    parts: list[str] = []
    _collect_text(tc, parts)
    return "".join(parts)


def _docx_rows(table):
    for row in table.rows:
        cells, last = [], None
        for cell in row.cells:  # a merged cell appears once per grid column it spans: keep it once
            if last is not None and cell._tc is last:
                continue
            last = cell._tc
            cells.append(_cell_text(cell._tc))
        yield cells


def read_pptx(data: bytes, name: str) -> Extracted:
    """Each slide is a page (1-based); its title a heading (an untitled slide keeps the previous one's); text
    frames give paragraphs (bulleted or indented ones, and those of body placeholders, list items); tables give rows
    with their header; speaker notes paragraphs.  Title: core properties, else the first slide's title."""
    open_package(data, name)
    import pptx

    try:
        deck = pptx.Presentation(io.BytesIO(data))
        blocks: list[Block] = []
        path: list[str] = []
        for number, slide in enumerate(deck.slides, start=1):
            found, path = _slide_blocks(slide, number, path)
            blocks += found
        title = (deck.core_properties.title or "").strip() or None
    except ReadError:
        raise
    except Exception as exc:
        raise damaged(name, exc) from exc
    return Extracted(blocks=blocks, title=title or first_heading(blocks))


def _slide_blocks(slide, page: int, previous: list[str]) -> tuple[list[Block], list[str]]:
    """The slide's blocks and its heading path; a slide without a title continues the one before it."""
    title_shape = slide.shapes.title
    path = previous
    blocks: list[Block] = []
    if title_shape is not None and title_shape.has_text_frame:
        made = block("heading", title_shape.text_frame.text, page=page)
        if made:
            path = [made.text]
            blocks.append(made.model_copy(update={"heading_path": path}))
    for shape in _shapes(slide.shapes):
        if title_shape is not None and shape.shape_id == title_shape.shape_id:
            continue
        if getattr(shape, "has_table", False) and shape.has_table:
            rows = ([cell.text for cell in row.cells] for row in shape.table.rows)
            blocks += table_blocks(rows, path, page)
        elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            body = shape.is_placeholder and _placeholder_kind(shape) in ("BODY", "OBJECT")
            for paragraph in shape.text_frame.paragraphs:
                bullet = _bullet(paragraph)
                bulleted = bullet if bullet is not None else body or paragraph.level > 0
                made = block("list_item" if bulleted else "paragraph", paragraph.text, path, page)
                if made:
                    blocks.append(made)
    if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
        for paragraph in slide.notes_slide.notes_text_frame.paragraphs:
            made = block("paragraph", paragraph.text, path, page)
            if made:
                blocks.append(made)
    return blocks, path


def _shapes(shapes):
    """Shapes in the order of the slide, group shapes opened."""
    from pptx.shapes.group import GroupShape

    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _placeholder_kind(shape) -> str:
    try:
        return shape.placeholder_format.type.name or ""
    except (ValueError, AttributeError):
        return ""


def _bullet(paragraph) -> bool | None:
    """True for a paragraph given a bullet or number of its own, False for one whose bullet is turned off (buNone),
    None when it takes its placeholder's."""
    p_pr = paragraph._p.pPr
    for child in p_pr if p_pr is not None else ():
        if isinstance(child.tag, str) and child.tag.endswith(("}buChar", "}buAutoNum")):
            return True
        if isinstance(child.tag, str) and child.tag.endswith("}buNone"):
            return False
    return None


def read_odt(data: bytes, name: str) -> Extracted:
    """OpenDocument text: headings with their outline level, paragraphs, lists, tables, preformatted text.
    Title: meta.xml's dc:title, else the first heading."""
    from qa.readers.opendocument import read_odt_package

    with damage_reported(name):
        return read_odt_package(open_package(data, name), name)
