"""Test documents made by real tools: an HTML handbook written here, printed to PDF by Debian's chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DATA = Path(__file__).parent / "data"

# Sentences the tests look for whole; each long paragraph wraps over several printed lines.
WRAPPED = ("The parking office hands out permits once a year, after every team has sent in its list of drivers, "
           "and a team that misses the deadline waits until the next round, which usually opens in the spring.")
CODE = "$ permit-tool request --team engineering --count 9\n$ permit-tool status --team engineering"
FILLER = ("In case {tag} every visitor signs the register at the front desk, shows a photo identity card and receives a badge "
          "that must be worn visibly at all times inside the building and returned at the end of the visit. ")


def handbook_html() -> str:
    """A three-to-four page handbook: headings, long wrapped paragraphs, a list, a table and a code block."""
    sections = []
    for n in range(1, 4):
        paragraphs = "".join(f"<p>Rule {n}.{k}: {''.join(FILLER.format(tag=f'{n}.{k}.{j}') for j in range(1, 4))}</p>" for k in range(1, 5))
        sections.append(f"<h2>{n}. Visitors, part {n}</h2>{paragraphs}")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Facilities handbook</title></head><body>
<nav><a href="#">Home</a> <a href="#">Search the intranet</a></nav>
<h1>Facilities handbook</h1>
<h2>Parking</h2>
<p>{WRAPPED}</p>
<table><thead><tr><th>Team</th><th>Parking permits</th></tr></thead>
<tbody><tr><td>Engineering</td><td>9</td></tr><tr><td>Sales</td><td>4</td></tr><tr><td>Legal</td><td>2</td></tr></tbody></table>
<p>To request permits, run:</p>
<pre>{CODE}</pre>
<h3>Rules for the car park</h3>
<ul><li>Park only in the bays marked with your team's colour.</li><li>Charging points are for electric cars while they charge.</li>
<li>Report any damage to the parking office on the same day.</li></ul>
{''.join(sections)}
<footer>Intranet footer: contact the web team</footer>
</body></html>"""


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print an HTML page to PDF with chromium, as a user would (with its default header and footer)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt install chromium): needed to print test PDFs")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", f"--print-to-pdf={pdf}", html.as_uri()], check=True, capture_output=True, timeout=120)
    return pdf


def raw_pdf(pages: list[bytes], compress: bool = False) -> bytes:
    """A PDF written by hand: one content stream per page (b'' for a page without text), Helvetica."""
    import zlib

    count = len(pages)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count)), count),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, stream in enumerate(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i))
        body = zlib.compress(stream, 9) if compress else stream
        objs.append(b"<< /Length %d%s >>\nstream\n" % (len(body), b" /Filter /FlateDecode" if compress else b"") + body + b"\nendstream")
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


def text_stream(text: str) -> bytes:
    return f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
