"""`qa inspect FILE`: what ingestion makes of a file, for people and (--json) for scripts."""

import json

import pytest
from typer.testing import CliRunner

from qa.cli import _where, app
from tests.documents import DATA, handbook_html, print_pdf

runner = CliRunner()


@pytest.fixture(scope="session")
def handbook_pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("printed")
    html = folder / "handbook.html"
    html.write_text(handbook_html(), encoding="utf-8")
    return print_pdf(html, folder / "handbook.pdf")


def test_inspect_a_printed_pdf_as_json(handbook_pdf):
    r = runner.invoke(app, ["inspect", str(handbook_pdf), "--json"])
    assert r.exit_code == 0, r.output
    [doc] = json.loads(r.output)["documents"]
    assert doc["title"] == "Facilities handbook"
    kinds = {b["kind"] for b in doc["blocks"]}
    assert {"heading", "paragraph", "code", "table_row"} <= kinds
    assert all(b["page"] >= 1 for b in doc["blocks"]) and all(c["page"] >= 1 for c in doc["chunks"])
    assert any(c["heading"] == "Facilities handbook › Parking" for c in doc["chunks"])


def test_inspect_an_html_page_for_people():
    r = runner.invoke(app, ["inspect", str(DATA / "debian" / "git-count-objects.html")])
    assert r.exit_code == 0, r.output
    assert "git-count-objects(1) Manual Page" in r.output and "chunks:" in r.output
    assert "heading" in r.output and "git-count-objects(1) Manual Page › DESCRIPTION" in r.output


def test_inspect_reports_problems(tmp_path):
    (tmp_path / "x.xyz").write_text("?")
    r = runner.invoke(app, ["inspect", str(tmp_path / "x.xyz")])
    assert "unknown file type" in r.output
    r = runner.invoke(app, ["inspect", str(tmp_path / "missing.pdf")])
    assert r.exit_code == 2 and "not a file" in r.output


@pytest.mark.parametrize("page, heading, shown", [(3, "A › B", ", p. 3, § A › B"), (None, "A", ", § A"), (2, "", ", p. 2"), (None, "", "")])
def test_where_a_source_is(page, heading, shown):
    assert _where(page, heading) == shown


def test_chat_and_export_show_page_and_section():
    from ui import render

    citation = {"n": 1, "doc_id": "h.pdf", "title": "Handbook", "chunk_id": "h.pdf::2", "text": "Team: Engineering | Parking permits: 9",
                "quote": "Team: Engineering | Parking permits: 9", "quote_start": 10, "quote_end": 48, "start": 10, "end": 48,
                "page": 3, "heading": "Handbook › Parking"}
    answer = {"question": "q", "text": "Engineering gets 9 permits [1].", "citations": [citation], "grounded": True, "generator": "extractive"}
    sources = render.render_sources(answer, 0)
    assert "p. 3 · Handbook › Parking" in sources
    panel = render.render_source_panel(citation, 0)
    assert "Page 3 of the document" in panel and "Section: Handbook › Parking" in panel
    exported = render.export_markdown([{"question": "q", "answer": answer}])
    assert "(`h.pdf`, p. 3 · Handbook › Parking)" in exported
    plain = render.render_source_panel({**citation, "page": None, "heading": ""}, 0)
    assert "Page" not in plain and "Section" not in plain
