"""Test documents of the new formats, each written by its own library (python-docx, python-pptx, openpyxl, csv) or
converted from Markdown by pandoc (.odt, .epub, .docx, .rst), built once per test session.

Every document holds the same facts: a "Parking permits" table whose row "Engineering | 9" answers "How many parking
permits does Engineering get?", a bulleted list, and headings two levels deep."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

PERMITS = [("Team", "Parking permits"), ("Engineering", 9), ("Sales", 4), ("Support", 2)]

MARKDOWN = """\
---
title: Parking Handbook
---

# Permits

Every team gets a number of parking permits each year. The facilities desk
hands them out in January.

- Permits are valid for one car park only.
- Lost permits are replaced for a fee (see `fees.txt`).

## Allocation

| Team | Parking permits |
|------|-----------------|
| Engineering | 9 |
| Sales | 4 |
| Support | 2 |

```
permits --team Engineering --count 9
    --car-park north
```

# Bicycles

Bicycle racks are free for everyone.
"""


def docx_bytes(title: str | None = "Parking Handbook") -> bytes:
    """A .docx written by python-docx: headings, a bulleted list, a table with a header row."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    document.add_heading("Permits", level=1)
    document.add_paragraph("Every team gets a number of parking permits each year.")
    document.add_paragraph("Permits are valid for one car park only.", style="List Bullet")
    document.add_paragraph("Lost permits are replaced for a fee.", style="List Bullet")
    document.add_heading("Allocation", level=2)
    table = document.add_table(rows=0, cols=2)
    for team, permits in PERMITS:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = team, str(permits)
    document.add_heading("Bicycles", level=1)
    document.add_paragraph("Bicycle racks are free for everyone.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx_bytes() -> bytes:
    """A 4-slide deck written by python-pptx: a title slide, bullets (with speaker notes), a table, an untitled slide."""
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    deck.core_properties.title = "Parking Briefing"
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = "Parking in 2025"
    first.placeholders[1].text = "Facilities team"
    second = deck.slides.add_slide(deck.slide_layouts[1])
    second.shapes.title.text = "Rules"
    body = second.placeholders[1].text_frame
    body.text = "Permits are valid for one car park only."
    sub = body.add_paragraph()
    sub.text, sub.level = "The north car park opens at 7.", 1
    second.notes_slide.notes_text_frame.text = "Mention the fee for lost permits."
    third = deck.slides.add_slide(deck.slide_layouts[5])
    third.shapes.title.text = "Allocation"
    table = third.shapes.add_table(len(PERMITS), 2, Inches(1), Inches(2), Inches(6), Inches(2)).table
    for r, row in enumerate(PERMITS):
        for c, value in enumerate(row):
            table.cell(r, c).text = str(value)
    fourth = deck.slides.add_slide(deck.slide_layouts[6])  # blank: no title
    fourth.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame.text = "Ask the facilities desk for a permit."
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    """A workbook of two sheets written by openpyxl; the second sheet's header is not on its first row."""
    import datetime

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.properties.title = "Facilities figures"
    permits = workbook.active
    permits.title = "Permits"
    for row in PERMITS:
        permits.append(list(row))
    budget = workbook.create_sheet("Budget")
    budget.append([])
    budget.append(["Item", "Cost", "Ordered"])
    budget.append(["Desks", 1200.5, datetime.date(2025, 3, 1)])
    budget.append(["Chairs", 800.0, None])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes() -> bytes:
    """Semicolon-separated, Latin-1 encoded, as a European spreadsheet exports it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Équipe", "Parking permits"])
    writer.writerows(PERMITS[1:])
    return out.getvalue().encode("latin-1")


def pandoc(markdown: str, suffix: str, folder: Path) -> bytes:
    source = folder / "source.md"
    source.write_text(markdown, encoding="utf-8")
    target = folder / f"out{suffix}"
    subprocess.run(["pandoc", "--standalone", str(source), "-o", str(target)], check=True, timeout=120)
    return target.read_bytes()


@pytest.fixture(scope="session")
def pandoc_files(tmp_path_factory) -> dict[str, bytes]:
    """The Markdown above converted by pandoc to .odt, .epub, .docx and .rst."""
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed (apt-get install pandoc; scripts/test.sh installs it)")
    folder = tmp_path_factory.mktemp("pandoc")
    return {suffix: pandoc(MARKDOWN, suffix, folder) for suffix in (".odt", ".epub", ".docx", ".rst")}


@pytest.fixture(scope="session")
def library_files() -> dict[str, bytes]:
    """One file per format written by its Python library."""
    return {".docx": docx_bytes(), ".pptx": pptx_bytes(), ".xlsx": xlsx_bytes(), ".csv": csv_bytes()}


def encrypt(data: bytes, password: str = "secret") -> bytes:
    """An Office file encrypted with a password by msoffcrypto-tool, as Office does it (an OLE container)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()
