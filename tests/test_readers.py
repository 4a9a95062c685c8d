"""Readers: text, Markdown, HTML (a real git-doc page) and PDF (printed by chromium), and the pure text repairs."""

import time

import pytest

from qa.blocks import DocumentTooLarge, join_hyphenated, join_lines, page_at, strip_header_links
from qa.readers import ReadError
from qa.readers.html import read_html
from qa.readers.pdf import Line, _page_ranges, furniture_key, is_furniture, read_pdf, running_lines
from qa.readers.text import read_markdown, read_text, table_row_text, without_comments, wrap_width
from tests.documents import CODE, DATA, WRAPPED, handbook_html, print_pdf, raw_pdf, text_stream


@pytest.fixture(scope="session")
def handbook_pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("printed")
    html = folder / "handbook.html"
    html.write_text(handbook_html(), encoding="utf-8")
    return print_pdf(html, folder / "handbook.pdf")


# --- pure functions -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lines, vocabulary, joined", [
    (["The parking office hands", "out permits."], set(), "The parking office hands out permits."),
    (["data manip-", "ulation is fun"], set(), "data manipulation is fun"),
    (["a well-", "known tool"], {"well-known"}, "a well-known tool"),  # the compound occurs elsewhere
    (["a well-", "known tool"], {"well", "known"}, "a well-known tool"),  # both halves are words, the joined one is not
    (["a well-", "known tool"], {"well", "known", "wellknown"}, "a wellknown tool"),
    (["see page 3-", "5 below"], set(), "see page 3- 5 below"),  # not a word broken at the line end
    (["Git-", "Hub rules"], set(), "Git- Hub rules"),  # an upper-case continuation is no hyphenation
    (["  spaced   out ", "", " lines "], set(), "spaced out lines"),
])
def test_join_lines(lines, vocabulary, joined):
    assert join_lines(lines, vocabulary) == joined


def test_join_hyphenated_is_none_without_a_hyphen():
    assert join_hyphenated("no hyphen", "here") is None


@pytest.mark.parametrize("raw, clean", [
    ("12.2. Creating Virtual Environments¶", "12.2. Creating Virtual Environments"),
    ("Install ¶ notes", "Install notes"),
    ("Plain heading", "Plain heading"),
])
def test_header_link_marks_are_removed(raw, clean):
    assert strip_header_links(raw) == clean


def _line(text, top, page=1, size=12.0):
    return Line(text=text, top=top, bottom=top + size, x0=50, size=size, mono=False, page=page, page_height=792, x1=500)


@pytest.mark.parametrize("a, b, same", [
    ("Page 3 of 9", "Page 4 of 9", True),
    ("12/1/26, 9:23 AM gittutorial(7)", "12/1/26, 9:24 AM gittutorial(7)", True),
    ("file:///usr/share/doc/git-doc/gittutorial.html 2/11", "file:///usr/share/doc/git-doc/gittutorial.html 3/11", True),
    ("Chapter one", "Chapter two", False),
])
def test_furniture_key_folds_digits(a, b, same):
    assert (furniture_key(a) == furniture_key(b)) == same


def test_running_headers_and_page_numbers_are_furniture():
    words = ["alpha", "beta", "gamma", "delta"]
    pages = [[_line("ACME manual, edition 2", 20, p), _line(f"Body text about {words[p - 1]}.", 300, p), _line(f"More on {words[p - 1]} here.", 400, p),
              _line(f"{p}", 760, p)] for p in range(1, 5)]
    running = running_lines(pages)
    assert furniture_key("ACME manual, edition 2") in running
    first = pages[0]
    flags = [is_furniture(line, i, len(first), running, 12.0) for i, line in enumerate(first)]
    assert flags == [True, False, False, True]
    # one page alone: small type in the margin is a browser's print header; body-size text there is kept
    assert is_furniture(_line("12/1/26, 9:23 AM Title", 10, size=8), 0, 3, set(), 12.0)
    assert not is_furniture(_line("A real first line", 10), 0, 3, set(), 12.0)


@pytest.mark.parametrize("pages, text", [([3, 4, 5, 7], "pages 3-5, 7"), ([2], "page 2"), ([1, 2], "pages 1-2")])
def test_page_ranges(pages, text):
    assert _page_ranges(pages) == text


def test_page_at():
    starts = [(0, 1), (500, 2), (900, 3)]
    assert [page_at(starts, o) for o in (0, 499, 500, 950)] == [1, 1, 2, 3]
    assert page_at([], 10, default=4) == 4


def test_table_row_carries_its_header():
    assert table_row_text(["Team", "Parking permits"], ["Engineering", "9"]) == "Team: Engineering | Parking permits: 9"


# --- plain text and Markdown --------------------------------------------------------------------------------
def test_wrapped_plain_text_is_joined_but_one_paragraph_per_line_is_kept():
    wrapped = ("The committee met on Monday to review the budget for the coming year and agreed\n"
               "that the library should receive more money for new books and for longer opening\n"
               "hours on weekends.\n\nA second paragraph starts here and also runs on over more than\n"
               "one line of the file before it ends.\n\n- first item of a list\n- second item\n")
    blocks = read_text(wrapped.encode(), "w.txt").blocks
    assert wrap_width(wrapped.splitlines()) is not None
    assert [b.kind for b in blocks] == ["paragraph", "paragraph", "list_item", "list_item"]
    assert blocks[0].text.endswith("for longer opening hours on weekends.") and "\n" not in blocks[0].text
    assert blocks[2].text == "first item of a list"
    per_line = "Headline\nFirst paragraph, long enough. " + "x " * 80 + "\nSecond paragraph.\n"
    assert len(read_text(per_line.encode(), "p.txt").blocks) == 3


def test_markdown_structure():
    md = ("# Handbook\n\nIntro text that wraps\nover two lines.\n\n## Parking\n\n| Team | Parking permits |\n|---|---|\n"
          "| Engineering | 9 |\n| Sales | 4 |\n\n```\n$ permit-tool request\n\n$ permit-tool status\n```\n\n- one\n- two\n  continued\n")
    found = read_markdown(md.encode(), "h.md")
    kinds = [(b.kind, b.text) for b in found.blocks]
    assert found.title == "Handbook"
    assert ("paragraph", "Intro text that wraps over two lines.") in kinds
    assert ("table_row", "Team: Engineering | Parking permits: 9") in kinds
    assert ("code", "$ permit-tool request\n\n$ permit-tool status") in kinds
    assert ("list_item", "two continued") in kinds
    assert found.blocks[-1].heading_path == ["Handbook", "Parking"]


def test_markdown_html_comments_are_not_text():
    found = read_markdown((DATA / "debian" / "node-path-join.md").read_bytes(), "path.md")
    assert not any("<!--" in b.text or "YAML" in b.text or "added: v0.1.16" in b.text for b in found.blocks)
    texts = [(b.kind, b.text) for b in found.blocks]
    at = texts.index(("heading", "`path.join([...paths])`"))
    assert texts[at + 1] == ("list_item", "`...paths` {string} A sequence of path segments")
    assert any(t.startswith("The `path.join()` method joins all given `path` segments") for _, t in texts)
    assert found.title == "Path"


@pytest.mark.parametrize("lines, expected", [
    (["a <!-- note --> b"], ["a  b"]),
    (["one", "<!-- YAML", "added: v0.1.16", "-->", "two"], ["one", "", "", "two"]),  # stays a paragraph break
    (["```html", "<!-- shown -->", "```"], ["```html", "<!-- shown -->", "```"]),  # in code it is the example
    (["no comment"], ["no comment"]),
])
def test_without_comments(lines, expected):
    assert without_comments(lines) == expected


# --- HTML ---------------------------------------------------------------------------------------------------
def test_git_doc_page_keeps_its_structure():
    found = read_html((DATA / "debian" / "git-count-objects.html").read_bytes(), "git-count-objects.html")
    assert found.title == "git-count-objects(1) Manual Page"
    kinds = {b.kind for b in found.blocks}
    assert {"heading", "paragraph", "list_item"} <= kinds
    description = next(b for b in found.blocks if b.text.startswith("This counts the number of unpacked object files"))
    assert description.heading_path == ["git-count-objects(1) Manual Page", "DESCRIPTION"]
    assert description.text.endswith("when it is a good time to repack.")  # a whole paragraph, lines joined
    assert not any("Last updated" in b.text and b.kind == "heading" for b in found.blocks)


def test_a_labelled_list_laid_out_as_a_table_reads_as_terms_and_descriptions():
    found = read_html((DATA / "debian" / "ninja-extra-tools.html").read_bytes(), "ninja-extra-tools.html")
    texts = [(b.kind, b.text) for b in found.blocks]
    terms = [t for k, t in texts if k == "list_item"]
    assert terms[:4] == ["query", "browse", "graph", "targets"] and "clean" in terms and "msvc" in terms
    at = texts.index(("list_item", "query"))
    assert texts[at + 1] == ("paragraph", "dump the inputs and outputs of a given target.")
    browse = texts.index(("list_item", "browse"))
    assert texts[browse + 1][0] == "paragraph" and texts[browse + 2] == ("code", "ninja -t browse --port=8000 --no-browser mytarget")
    assert all(b.heading_path[-1] == "Extra tools" for b in found.blocks if b.kind == "list_item")


@pytest.mark.parametrize("rows, labelled", [
    ([["query", "<p>dump the inputs.</p>"], ["browse", "<p>browse the graph.</p>"]], True),
    ([["query", "<p>dump the inputs.</p>"]], False),  # one row: an admonition ('Note' | text)
    ([["This sentence is far too long to be a label.", "<p>x</p>"], ["b", "<p>y</p>"]], False),
    ([["a", "<p>x</p>", "<p>z</p>"], ["b", "<p>y</p>", "<p>w</p>"]], False),  # three columns
])
def test_which_layout_tables_are_labelled_lists(rows, labelled):
    table = "<table>" + "".join(f"<tr><td><p>{a}</p></td>" + "".join(f"<td>{c}</td>" for c in rest) + "</tr>" for a, *rest in rows) + "</table>"
    found = read_html(f"<html><body>{table}</body></html>".encode(), "t.html")
    assert (found.blocks[0].kind == "list_item") is labelled


def test_a_list_item_of_several_paragraphs_keeps_them_apart_around_its_code():
    found = read_html((DATA / "corpora" / "git" / "git-bisect.html").read_bytes(), "git-bisect.html")
    texts = [(b.kind, b.text) for b in found.blocks]
    at = texts.index(("list_item", "Locate a good region of the object graph in a damaged repository"))  # was joined to 'In this case, ...'
    assert texts[at + 1][0] == "code" and texts[at + 1][1].startswith("$ git bisect start HEAD <known-good-commit>")
    assert texts[at + 2] == ("paragraph", "In this case, when git bisect run finishes, bisect/bad will refer to a commit that has at least "
                                          "one parent whose reachable graph is fully traversable in the sense required by git pack objects.")
    assert ("list_item", "Automatically bisect a test failure between origin and HEAD:") in texts  # one paragraph: as before


def test_sphinx_like_page_loses_furniture_and_marks():
    page = b"""<html><head><title>Venv - Docs</title></head><body>
    <div class="related" role="navigation"><a href="#">previous</a> | <a href="#">next</a></div>
    <div class="document"><div class="body" role="main"><section><h1>12. Virtual Environments<a class="headerlink" href="#">\xc2\xb6</a></h1>
    <section><h2>12.2. Creating Virtual Environments\xc2\xb6</h2><p>To create a virtual environment, decide upon a directory
    where you want to place it, and run the module as a script.</p>
    <pre>python -m venv tutorial-env\n\nsource tutorial-env/bin/activate</pre>
    <table><tr><th>Team</th><th>Parking permits</th></tr><tr><td>Engineering</td><td>9</td></tr><tr><td>Sales</td><td>4</td></tr></table>
    <ul><li>First <b>item</b>,<ul><li>nested item</li></ul></li><li>Second item</li></ul></section></section></div></div>
    <div class="sphinxsidebar"><h3>Table of Contents</h3><p>sidebar text</p></div><div class="footer">Copyright 2024</div>
    <script>var x = 1;</script></body></html>"""
    found = read_html(page, "venv.html")
    texts = [(b.kind, b.text) for b in found.blocks]
    assert found.title == "12. Virtual Environments"
    assert ("heading", "12.2. Creating Virtual Environments") in texts
    assert ("paragraph", "To create a virtual environment, decide upon a directory where you want to place it, and run the module as a script.") in texts
    assert ("code", "python -m venv tutorial-env\n\nsource tutorial-env/bin/activate") in texts
    assert ("table_row", "Team: Engineering | Parking permits: 9") in texts
    assert [t for k, t in texts if k == "list_item"] == ["First item,", "nested item", "Second item"]
    joined = " ".join(t for _, t in texts)
    for furniture in ("previous", "sidebar text", "Copyright", "var x", "¶"):
        assert furniture not in joined
    assert found.blocks[-1].heading_path == ["12. Virtual Environments", "12.2. Creating Virtual Environments"]


# --- PDF ----------------------------------------------------------------------------------------------------
def test_printed_pdf_blocks(handbook_pdf):
    found = read_pdf(handbook_pdf.read_bytes(), handbook_pdf.name)
    blocks = found.blocks
    assert found.title == "Facilities handbook" and not found.warnings
    assert max(b.page for b in blocks) >= 3 and all(b.page >= 1 for b in blocks)
    texts = [(b.kind, b.text) for b in blocks]
    assert ("paragraph", WRAPPED) in texts  # wrapped lines joined into the whole paragraph
    assert ("code", CODE) in texts
    assert ("table_row", "Team: Engineering | Parking permits: 9") in texts
    heading = next(b for b in blocks if b.text == "Rules for the car park")
    assert heading.kind == "heading" and heading.heading_path == ["Facilities handbook", "Parking", "Rules for the car park"]
    joined = "\n".join(b.text for b in blocks)
    assert "file://" not in joined and "handbook.html" not in joined  # chromium's footer (URL, page x/y) is gone
    assert not any(b.text.count("Facilities handbook") and b.kind != "heading" for b in blocks)  # and its header (date, title)
    rule = next(b for b in blocks if b.text.startswith("Rule 3.4:"))
    assert rule.page == max(b.page for b in blocks if b.text.startswith("Rule")) and rule.text.endswith("end of the visit.")


def test_pdf_text_bomb_fails_fast_naming_the_setting(monkeypatch):
    from qa.settings import get_settings

    page = b"BT /F1 1 Tf 10 780 Td " + (b"(" + b"A" * 200 + b") Tj 0 -1.5 Td ") * 500 + b"ET"
    bomb = raw_pdf([page] * 40, compress=True)  # ~30 KB of PDF, 4 million characters of text
    assert len(bomb) < 100_000
    monkeypatch.setattr(get_settings(), "max_document_chars", 1_000_000)
    started = time.perf_counter()
    with pytest.raises(DocumentTooLarge, match="QA_MAX_DOCUMENT_CHARS") as info:
        read_pdf(bomb, "bomb.pdf")
    assert "1,000,000" in str(info.value) and "bomb.pdf" in str(info.value)
    print(f"refused in {time.perf_counter() - started:.2f}s")


def test_pages_without_text_are_named():
    pdf = raw_pdf([text_stream("Opening page text."), b"", b"", text_stream("Closing page text.")])
    found = read_pdf(pdf, "mixed.pdf")
    assert found.warnings == ["mixed.pdf: no text on pages 2-3: scanned?"]
    assert [b.page for b in found.blocks] == [1, 4]
    with pytest.raises(ReadError, match="scanned"):
        read_pdf(raw_pdf([b"", b""]), "scan.pdf")


def test_broken_and_encrypted_pdfs_are_read_errors(tmp_path):
    with pytest.raises(ReadError, match="cannot parse .pdf"):
        read_pdf(b"%PDF-1.4 nonsense", "bad.pdf")


def test_underlined_headings_in_plain_text():
    import textwrap

    paragraph = ("The community is a widely distributed group of people who review each other's patches on a mailing list, and this "
                 "text explains how they do it in practice today, when they have the time for it, which is not always the case for "
                 "everyone in a group that size, spread over many time zones as it is and with so many other things to do in a "
                 "working day as they have.")
    text = ("Reviewing Patches\n=================\n\nIntroduction\n------------\n\n" + textwrap.fill(paragraph, 72)
            + "\n\nPrinciples\n----------\n\nBe kind.\n")
    found = read_text(text.encode(), "r.txt")
    assert found.title == "Reviewing Patches"
    assert [(b.kind, b.heading_path[-1]) for b in found.blocks if b.kind == "heading"] == [
        ("heading", "Reviewing Patches"), ("heading", "Introduction"), ("heading", "Principles")]
    assert found.blocks[-1].heading_path == ["Reviewing Patches", "Principles"]
    assert found.blocks[2].text.endswith("working day as they have.") and found.blocks[2].text.startswith("The community")
