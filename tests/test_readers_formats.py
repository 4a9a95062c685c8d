"""Readers of .docx, .pptx, .odt, .xlsx, .csv, .epub and .rst on files written by their own libraries or by pandoc."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from qa.readers import ReadError, reader_for
from tests.format_fixtures import docx_bytes, encrypt, library_files, pandoc_files, xlsx_bytes  # noqa: F401 (fixtures)

ENGINEERING = "Team: Engineering | Parking permits: 9"


def read(suffix: str, data: bytes, name: str | None = None):
    return reader_for(suffix)(data, name or f"doc{suffix}")


def kinds(extracted) -> dict[str, int]:
    counts: dict[str, int] = {}
    for b in extracted.blocks:
        counts[b.kind] = counts.get(b.kind, 0) + 1
    return counts


def find(extracted, text: str):
    return next(b for b in extracted.blocks if text in b.text)


def rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """The same ZIP package with members replaced, added or (None) removed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename not in change:
                new.writestr(info, old.read(info))
        for member, content in change.items():
            if content is not None:
                new.writestr(member, content)
    return out.getvalue()


# --- files written by their libraries ---------------------------------------------------------------------------

def test_docx_headings_list_and_table_rows_with_header(library_files):
    got = read(".docx", library_files[".docx"])
    assert got.title == "Parking Handbook"  # from the core properties
    assert [(b.text, b.heading_path) for b in got.blocks if b.kind == "heading"] == [
        ("Permits", ["Permits"]), ("Allocation", ["Permits", "Allocation"]), ("Bicycles", ["Bicycles"])]
    assert [b.text for b in got.blocks if b.kind == "list_item"] == [
        "Permits are valid for one car park only.", "Lost permits are replaced for a fee."]
    rows = [b for b in got.blocks if b.kind == "table_row"]
    assert [r.text for r in rows] == [ENGINEERING, "Team: Sales | Parking permits: 4", "Team: Support | Parking permits: 2"]
    assert all(r.heading_path == ["Permits", "Allocation"] and r.page is None for r in rows)
    assert find(got, "Bicycle racks").heading_path == ["Bicycles"]


def test_docx_without_a_metadata_title_takes_its_first_heading():
    assert read(".docx", docx_bytes(title=None)).title == "Permits"


def test_docx_text_inside_content_controls_is_read():
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    cover = document.add_paragraph("Cover page: Parking Handbook 2025")
    control, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    cover._p.addprevious(control)
    control.append(content)
    content.append(cover._p)  # as Word keeps cover pages and tables of contents
    document.add_paragraph("After the cover.")
    out = io.BytesIO()
    document.save(out)
    assert [b.text for b in read(".docx", out.getvalue()).blocks] == ["Cover page: Parking Handbook 2025", "After the cover."]


def test_docx_text_box_is_read_once_not_with_its_fallback_copy():
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("Before the box.")
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    box = '<w:txbxContent {w}><w:p><w:r><w:t>Visitors park north.</w:t></w:r></w:p></w:txbxContent>'.format(w=w)
    paragraph._p.append(parse_xml(  # the shape Word writes: the box for new readers, a copy for old ones
        f'<w:r {w} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice><mc:Fallback><w:pict>{box}</w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>'))
    out = io.BytesIO()
    document.save(out)
    assert [b.text for b in read(".docx", out.getvalue()).blocks] == ["Before the box. Visitors park north."]


def test_docx_tables_nested_in_cells_are_read():
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Team", "Car parks"
    table.cell(1, 0).text = "Engineering"
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "north", "south"
    out = io.BytesIO()
    document.save(out)
    assert [b.text for b in read(".docx", out.getvalue()).blocks] == ["Team: Engineering | Car parks: north south"]


def test_xhtml_line_breaks_separate_words_and_sphinx_header_links_go():
    from qa.readers.epub import xhtml_blocks
    from qa.readers.structured import HeadingTrail

    chapter = (b'<html xmlns="http://www.w3.org/1999/xhtml"><body><h2>Rules<a class="headerlink" href="#r">\xc2\xb6</a></h2>'
               b'<p>North car park<br/>opens at 7.</p></body></html>')
    blocks = xhtml_blocks(chapter, HeadingTrail())
    assert [(b.kind, b.text) for b in blocks] == [("heading", "Rules"), ("paragraph", "North car park opens at 7.")]


def test_pptx_slides_are_pages_with_titles_bullets_notes_and_table(library_files):
    """Four slides: a title slide, bullets with speaker notes, a table, and an untitled text box."""
    got = read(".pptx", library_files[".pptx"])
    assert got.title == "Parking Briefing"
    assert [(b.text, b.page) for b in got.blocks if b.kind == "heading"] == [
        ("Parking in 2025", 1), ("Rules", 2), ("Allocation", 3)]
    bullets = [b for b in got.blocks if b.kind == "list_item"]
    assert [(b.text, b.page, b.heading_path) for b in bullets] == [
        ("Permits are valid for one car park only.", 2, ["Rules"]), ("The north car park opens at 7.", 2, ["Rules"])]
    assert find(got, "fee for lost permits").page == 2  # speaker notes, on their slide
    untitled = find(got, "Ask the facilities desk")
    assert (untitled.page, untitled.heading_path) == (4, ["Allocation"])  # an untitled slide continues the one before
    row = find(got, "Engineering")
    assert (row.kind, row.text, row.page, row.heading_path) == ("table_row", ENGINEERING, 3, ["Allocation"])


def test_xlsx_sheets_are_headings_and_rows_carry_the_header(library_files):
    got = read(".xlsx", library_files[".xlsx"])
    assert got.title == "Facilities figures"
    assert [b.text for b in got.blocks if b.kind == "heading"] == ["Permits", "Budget"]
    assert find(got, "Engineering").text == ENGINEERING and find(got, "Engineering").heading_path == ["Permits"]
    # the header is the first non-empty row; whole numbers lose '.0', dates their midnight time, empty cells go
    assert find(got, "Desks").text == "Item: Desks | Cost: 1200.5 | Ordered: 2025-03-01"
    assert find(got, "Chairs").text == "Item: Chairs | Cost: 800"
    assert find(got, "Desks").heading_path == ["Budget"]


def test_csv_dialect_and_encoding_are_found(library_files):
    got = read(".csv", library_files[".csv"])
    assert kinds(got) == {"table_row": 3}
    assert got.blocks[0].text == "Équipe: Engineering | Parking permits: 9"  # Latin-1, semicolons


def test_csv_with_quoted_commas():
    got = read(".csv", b'Team,Note\r\nEngineering,"nine permits, north car park"\r\n')
    assert got.blocks[0].text == "Team: Engineering | Note: nine permits, north car park"


# --- files converted by pandoc --------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".odt", ".docx", ".epub", ".rst"])
def test_pandoc_documents_keep_structure(pandoc_files, suffix):
    got = read(suffix, pandoc_files[suffix])
    assert got.title == "Parking Handbook"
    row = find(got, "Engineering")
    assert row.kind == "table_row" and row.text == ENGINEERING and row.heading_path[-2:] == ["Permits", "Allocation"]
    assert [b.text for b in got.blocks if b.kind == "list_item"] == [
        "Permits are valid for one car park only.", "Lost permits are replaced for a fee (see fees.txt)."]
    para = find(got, "facilities desk")
    assert para.kind == "paragraph" and "each year. The facilities desk hands" in para.text  # wrapped lines joined
    code = next(b for b in got.blocks if b.kind == "code")
    assert code.text == "permits --team Engineering --count 9\n    --car-park north"  # lines and indentation kept
    assert find(got, "Bicycle racks").heading_path[-1] == "Bicycles"
    assert all(b.page is None for b in got.blocks)


def test_rst_sphinx_roles_and_directives_read_and_nothing_read_from_disk(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT", encoding="utf-8")
    source = f"""Guide
=====

See :ref:`the permits table <permits>` and :func:`~os.path.join`.

.. versionadded:: 2.1
   Electric car spaces.

.. toctree::

   other

.. include:: {secret}

.. raw:: html

   <b>raw html</b>

Term
   Its definition, wrapped
   over two lines.
"""
    got = read(".rst", source.encode())
    texts = [b.text for b in got.blocks]
    assert got.title == "Guide"
    assert "See the permits table and os.path.join." in texts
    assert "Electric car spaces." in texts
    assert "Term: Its definition, wrapped over two lines." in texts
    assert not any("SECRET" in t or "raw html" in t or "toctree" in t for t in texts)


def test_epub_follows_the_spine_not_the_zip_order(pandoc_files):
    data = pandoc_files[".epub"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        opf_name = next(n for n in z.namelist() if n.endswith(".opf"))
        opf = z.read(opf_name).decode()
    refs = re.findall(r'<itemref idref="([^"]+)"[^>]*/>', opf)
    reversed_opf = re.sub(r"<spine([^>]*)>.*</spine>",
                          lambda m: f"<spine{m.group(1)}>" + "".join(f'<itemref idref="{r}" />' for r in reversed(refs)) + "</spine>",
                          opf, flags=re.DOTALL)
    got = read(".epub", rezip(data, {opf_name: reversed_opf.encode()}))
    headings = [b.text for b in got.blocks if b.kind == "heading"]
    assert headings.index("Bicycles") < headings.index("Permits")


# --- bad input ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".docx", ".pptx", ".xlsx"])
def test_password_protected_office_files_are_refused_by_name(library_files, suffix):
    with pytest.raises(ReadError, match=rf"report{re.escape(suffix)} is encrypted: save it without a password and add it again"):
        read(suffix, encrypt(library_files[suffix]), f"report{suffix}")


@pytest.mark.parametrize("suffix", [".docx", ".pptx", ".xlsx", ".odt", ".epub"])
def test_damaged_packages_are_refused(library_files, pandoc_files, suffix):
    data = {**pandoc_files, **library_files}[suffix]
    for broken in (data[: len(data) // 2], b"PK\x03\x04 not a package", b"plain text"):
        with pytest.raises(ReadError, match=rf"notes{re.escape(suffix)} is not a valid {re.escape(suffix)} \(a damaged file\?\)"):
            read(suffix, broken, f"notes{suffix}")


@pytest.mark.parametrize("suffix", [".docx", ".pptx", ".xlsx", ".csv", ".odt", ".epub", ".rst"])
def test_corrupted_bytes_never_raise_anything_but_a_read_error(library_files, pandoc_files, suffix):
    """Bytes changed at random, in the file or inside one member of its package (past the ZIP checks), seeded."""
    import random

    data, rng = {**pandoc_files, **library_files}[suffix], random.Random(13)
    for attempt in range(24):
        if data.startswith(b"PK") and attempt % 2:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                member = rng.choice(z.namelist())
                inner = bytearray(z.read(member))
            for _ in range(rng.randint(1, 5)):
                inner[rng.randrange(len(inner))] = rng.randrange(256)
            bad = rezip(data, {member: bytes(inner)})
        else:
            flipped = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            bad = bytes(flipped)
        try:
            read(suffix, bad)
        except ReadError:
            pass


def test_a_workbook_renamed_docx_is_refused(library_files):
    with pytest.raises(ReadError, match=r"is not a valid \.docx"):
        read(".docx", library_files[".xlsx"], "notes.docx")


def test_encrypted_odt_and_drm_epub_are_refused(pandoc_files):
    odt = pandoc_files[".odt"]
    with zipfile.ZipFile(io.BytesIO(odt)) as z:
        manifest = z.read("META-INF/manifest.xml").decode()
    locked = re.sub(r'(<manifest:file-entry[^>]*manifest:full-path="content.xml"[^>]*?)\s*/>',
                    r'\1><manifest:encryption-data manifest:checksum-type="SHA1" manifest:checksum="x"/></manifest:file-entry>',
                    manifest)
    assert locked != manifest
    with pytest.raises(ReadError, match="is encrypted: save it without a password"):
        read(".odt", rezip(odt, {"META-INF/manifest.xml": locked.encode()}))
    drm = ('<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">'
           '<enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
           '</enc:EncryptedData></encryption>')
    with pytest.raises(ReadError, match=r"is encrypted \(DRM\)"):
        read(".epub", rezip(pandoc_files[".epub"], {"META-INF/encryption.xml": drm.encode()}))


@pytest.mark.parametrize("suffix, member", [(".odt", "content.xml"), (".epub", "META-INF/container.xml")])
def test_xml_entity_bombs_are_not_expanded(pandoc_files, suffix, member):
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY lol0 "lol">{lol}]><x>&lol9;</x>'.encode()  # 10^9 "lol"s
    try:
        got = read(suffix, rezip(pandoc_files[suffix], {member: bomb}))
    except ReadError:
        return
    assert sum(len(b.text) for b in got.blocks) < 10_000


def test_a_sheet_declaring_a_million_cells_fails_before_its_cells_are_read(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Team", "Parking permits"])
    sheet.cell(row=2000, column=1000, value="far corner")  # declares A1:ALL2000: 2,000,000 cells, stores three
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ReadError, match=r"big\.xlsx has 2,000,000 declared cells, over the limit of 1,000,000 cells.*QA_MAX_SHEET_CELLS"):
        read(".xlsx", out.getvalue(), "big.xlsx")


def test_the_cell_limit_is_a_setting_and_counts_sheets_with_a_wrong_dimension(monkeypatch):
    from qa.settings import get_settings

    data = xlsx_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    lying = re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1"/>', sheet)
    assert lying != sheet
    data = rezip(data, {"xl/worksheets/sheet1.xml": lying.encode()})
    assert find(read(".xlsx", data), "Support").text == "Team: Support | Parking permits: 2"  # every row, despite "A1"
    # the sheets declare 1 + 9 cells, under a limit of 12; the 16 cells found while reading are over it
    monkeypatch.setenv("QA_MAX_SHEET_CELLS", "12")
    get_settings.cache_clear()
    with pytest.raises(ReadError, match=r"more than 12 cells, over the limit of 12 cells.*raise QA_MAX_SHEET_CELLS"):
        read(".xlsx", data)
    with pytest.raises(ReadError, match="over the limit of 12 cells"):
        read(".csv", b"a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n")


def test_binary_data_named_csv_or_rst_is_refused():
    for suffix in (".csv", ".rst"):
        with pytest.raises(ReadError, match="is not a text file"):
            read(suffix, b"\x00\x01\x02" * 100)


# --- end to end, through ingestion and retrieval ----------------------------------------------------------------

def _loader_dispatches_to_readers() -> bool:
    from qa.loaders import file_problem

    return file_problem(Path("x.docx")) is None


@pytest.mark.skipif(not _loader_dispatches_to_readers(), reason="loader does not dispatch to readers yet")
@pytest.mark.parametrize("suffix", [".docx", ".pptx", ".xlsx", ".csv", ".odt", ".epub", ".rst"])
def test_a_question_about_a_table_row_finds_it(tmp_path, store, fake_embedder, library_files, pandoc_files, suffix):
    from qa.ingestion import Ingestion
    from qa.retrieval import Retriever

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / f"handbook{suffix}").write_bytes({**pandoc_files, **library_files}[suffix])
    (folder / "other.txt").write_text("The canteen serves soup on Mondays and fish on Fridays. " * 5, encoding="utf-8")
    report = Ingestion(store, fake_embedder, chunk_chars=700).run([folder])
    assert report.failed == [] and f"handbook{suffix}" in report.added
    best = Retriever(store, fake_embedder).search("How many parking permits does Engineering get?", k=2)[0]
    assert best.doc_id == f"handbook{suffix}"
    assert re.search(r"Engineering \| Parking permits: 9", best.text)
    if suffix == ".pptx":
        assert best.page is not None  # slides are pages: the chunk says which slide it starts on
