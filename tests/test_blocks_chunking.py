"""Blocks -> document text -> chunks: whole blocks, one section per chunk, heading and page, the page of a quote."""

import pytest

from qa.blocks import assemble, page_starts
from qa.chunking import chunk_document, sentence_spans
from qa.citations import build_citations
from qa.ingestion import Ingestion, embedding_text, to_document
from qa.loaders import InputFile, load
from qa.types import Block, Chunk, Document
from tests.documents import handbook_html, print_pdf


@pytest.fixture(scope="session")
def handbook_pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("printed")
    html = folder / "handbook.html"
    html.write_text(handbook_html(), encoding="utf-8")
    return print_pdf(html, folder / "handbook.pdf")


def doc_of(blocks):
    text, placed = assemble(blocks)
    return Document(doc_id="d", title="T", source="d", text=text, checksum="x", blocks=placed)


def test_assemble_sets_offsets_into_the_text():
    text, placed = assemble([Block(kind="heading", text="Intro", heading_path=["Intro"]), Block(kind="paragraph", text="One. Two.")])
    assert text == "Intro\n\nOne. Two."
    assert [text[b.start:b.end] for b in placed] == ["Intro", "One. Two."]


def test_code_tables_and_sections():
    code = "\n".join(f"line {i}: echo {'x' * 40}" for i in range(30))  # far longer than a chunk
    blocks = [
        Block(kind="heading", text="Setup", heading_path=["Setup"]),
        Block(kind="paragraph", text="Install the tool first. Then configure it.", heading_path=["Setup"]),
        Block(kind="code", text=code, heading_path=["Setup"]),
        Block(kind="heading", text="Parking", heading_path=["Parking"]),
        *[Block(kind="table_row", text=f"Team: T{i} | Parking permits: {i}", heading_path=["Parking"]) for i in range(5)],
        Block(kind="heading", text="Empty", heading_path=["Parking", "Empty"]),
        Block(kind="heading", text="Rules", heading_path=["Rules"]),
        Block(kind="list_item", text="Park in your bay. Never block the exit.", heading_path=["Rules"]),
    ]
    doc = doc_of(blocks)
    chunks = chunk_document(doc, max_chars=200, overlap_sentences=1)
    by_text = {c.text: c for c in chunks}
    assert code in by_text and by_text[code].heading == "Setup"  # the long code block stands alone, uncut
    for c in chunks:
        assert c.text == doc.text[c.start:c.end]
        inside = [b for b in doc.blocks if c.start <= b.start < c.end]
        assert len({tuple(b.heading_path) for b in inside}) == 1  # never two sections
        for b in doc.blocks:  # a non-paragraph block is wholly in or wholly out
            if b.kind != "paragraph" and b.start < c.end and c.start < b.end:
                assert c.start <= b.start and b.end <= c.end
    rows = [c for c in chunks if "Parking permits" in c.text]
    assert rows and all(c.heading == "Parking" for c in rows) and any(c.text.count("Team:") > 1 for c in rows)  # rows packed together
    assert not any(c.text == "Empty" for c in chunks)  # a heading alone makes no chunk
    assert any(c.text.endswith("Park in your bay. Never block the exit.") and c.heading == "Rules" for c in chunks)


def test_a_document_without_blocks_is_chunked_as_before():
    text = "First sentence here. Second one.\n\nA new paragraph."
    doc = Document(doc_id="d", title="T", source="d", text=text, checksum="x")
    chunks = chunk_document(doc, max_chars=700)
    assert len(chunks) == 1 and chunks[0].text == text and chunks[0].page is None and chunks[0].heading == ""
    assert [text[s.start:s.end] for s in sentence_spans(text)] == ["First sentence here.", "Second one.", "A new paragraph."]


def test_heading_goes_into_the_embedded_text():
    chunk = Chunk(chunk_id="d::1", doc_id="d.pdf", title="Handbook", source="d", index=1, text="Nine permits.", start=0, end=13, heading="Handbook › Parking")
    assert embedding_text(chunk) == "Handbook\nParking\nNine permits."


def _document(path):
    [raw] = list(load(InputFile(path, path.name, None)))
    return to_document(raw)


def test_printed_pdf_chunks_carry_pages_and_headings(handbook_pdf):
    doc = _document(handbook_pdf)
    chunks = chunk_document(doc, 700, 1)
    assert all(c.page is not None and c.heading.startswith("Facilities handbook") for c in chunks if c.text != "Home Search the intranet")
    assert max(c.page for c in chunks) >= 3
    table = next(c for c in chunks if "Team: Engineering | Parking permits: 9" in c.text)
    assert table.heading == "Facilities handbook › Parking" and table.page == 1


def test_the_page_of_a_quote_is_the_page_it_is_on(handbook_pdf, store, fake_embedder):
    """A chunk that crosses a page break: each sentence quoted from it is cited with the page it is printed on."""
    import pdfplumber

    with pdfplumber.open(handbook_pdf) as pdf:
        printed = [" ".join((page.extract_text() or "").split()) for page in pdf.pages]
    Ingestion(store, fake_embedder).run([handbook_pdf])
    ids = store.all_chunk_ids()
    passages = store.get_passages(ids, fake_embedder.embed("x"))
    crossing = [p for p in passages if p.page_starts]
    assert crossing, "the handbook has a paragraph running over a page break"
    checked = after_break = 0
    for p in crossing:
        for span in sentence_spans(p.text, p.start):
            sentence = p.text[span.start - p.start : span.end - p.start]
            _, [citation] = build_citations("Claim [1].", [p], {1: (sentence, span.start, span.end)})
            pages = [n for n, text in enumerate(printed, start=1) if sentence[:60] in text]
            if len(pages) == 1:  # (the handbook repeats some sentences; judge those that are printed once)
                assert citation.page == pages[0], (sentence, citation.page, pages)
                checked += 1
                after_break += pages[0] != p.page
    assert checked >= 4 and after_break >= 1


def test_page_starts_of_blocks():
    from qa.readers.pdf import PagedBlock

    text, placed = assemble([Block(kind="paragraph", text="a b", page=1), PagedBlock(kind="paragraph", text="c d e", page=1, page_breaks=[(2, 2)]),
                             Block(kind="paragraph", text="f", page=3)])
    assert page_starts(placed) == [(0, 1), (7, 2), (12, 3)]


def test_scanned_pages_are_an_ingest_warning_and_too_many_chunks_a_failure(tmp_path, store, fake_embedder, monkeypatch):
    from qa.settings import get_settings
    from tests.documents import raw_pdf, text_stream

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "mixed.pdf").write_bytes(raw_pdf([text_stream("Opening page text."), b"", text_stream("Closing page text.")]))
    (folder / "long.md").write_text("\n".join(f"- item number {i}" for i in range(50)), encoding="utf-8")
    monkeypatch.setattr(get_settings(), "max_document_chunks", 20)
    report = Ingestion(store, fake_embedder).run([folder])
    assert [w.reason for w in report.warnings] == ["mixed.pdf: no text on page 2: scanned?"]
    assert report.added == ["mixed.pdf"]
    [failed] = report.failed
    assert failed.path.endswith("long.md") and "QA_MAX_DOCUMENT_CHUNKS" in failed.reason and "20" in failed.reason


def test_too_many_chunks_is_refused_by_the_chunker():
    from qa.blocks import DocumentTooLarge

    doc = doc_of([Block(kind="code", text=f"x{i}") for i in range(30)])
    with pytest.raises(DocumentTooLarge, match="QA_MAX_DOCUMENT_CHUNKS"):
        chunk_document(doc, max_chars=2, max_chunks=10)


def test_code_blocks_are_one_unit_from_chunk_to_stored_passage(fake_embedder):
    from qa.extractive import ExtractiveGenerator
    from qa.store_records import chunk_meta, passage_of

    code = "==1== Conditional jump or move depends on uninitialised value(s)\n==1==    at 0x80484EA: main (a.c:6)\n\n==1== by 0x1: main"
    doc = doc_of([Block(kind="paragraph", text="Memcheck prints this when a value is used before it is set. Run it:"),
                  Block(kind="code", text=code), Block(kind="paragraph", text="Fix the first error first.")])
    [chunk] = chunk_document(doc, max_chars=2000)
    code_at = doc.text.index(code)
    assert chunk.code_spans == [(code_at, code_at + len(code))]
    units = [doc.text[s.start:s.end] for s in sentence_spans(chunk.text, chunk.start, whole=chunk.code_spans)]
    assert code in units and not any(u != code and u in code for u in units)  # never a line or half of it
    stored = passage_of(chunk.chunk_id, chunk.text, chunk_meta(chunk), 0.5)
    assert stored.code_spans == chunk.code_spans
    older = {k: v for k, v in chunk_meta(chunk).items() if k != "code_spans"}  # a chunk stored before spans were kept
    assert passage_of(chunk.chunk_id, chunk.text, older, 0.5).code_spans is None
    candidates = [s.text for s in ExtractiveGenerator(fake_embedder).score_sentences("What does Conditional jump mean?", [stored])]
    assert candidates and not any(c in code for c in candidates)  # no line of the code block is quoted as a sentence
    no_code = [c for c in chunk_document(doc_of([Block(kind="paragraph", text="Only prose. Two sentences.")]))]
    assert no_code[0].code_spans == [] and chunk_meta(no_code[0])["code_spans"] == ""


def test_printed_code_with_wide_leading_and_a_blank_line_is_one_block(tmp_path):
    """As valgrind's manual prints its examples: small code type with generous leading, a blank line inside; the
    definition term at the margin after an indented example is a block of its own, and so is an indented synopsis
    after its term (bash's manual: 'dirs', then 'dirs [-clpv] [+N | -N]')."""
    from qa.readers.pdf import read_pdf

    html = tmp_path / "code.html"
    html.write_text("""<html><head><style>pre { font-size: 11px; line-height: 1.6; } pre.ex { margin-left: 3em; }</style></head><body>
<h1>Example</h1><p>Here is an example C program with a memory error and a memory leak.</p>
<pre>#include &lt;stdlib.h&gt;

void f(void)
{
   int* x = malloc(10 * sizeof(int));
}

int main(void) { f(); }</pre>
<p>Run it under the checker and read its report, which names the line of each error.</p>
<pre class="ex">$ v=123
$ echo ${v-unset}
123</pre>
<pre>${parameter:=word}</pre>
<p>If parameter is unset or null, the expansion of word is assigned to parameter.</p>
<pre>dirs</pre><pre class="ex">dirs [-clpv] [+N | -N]</pre><p>Display the list of currently remembered directories.</p></body></html>""", encoding="utf-8")
    blocks = read_pdf(print_pdf(html, tmp_path / "code.pdf").read_bytes(), "code.pdf").blocks
    code = [b.text for b in blocks if b.kind == "code"]
    assert len(code) == 5, code
    assert code[0].startswith("#include <stdlib.h>") and "int main(void)" in code[0] and "malloc" in code[0]
    assert code[1].split() == ["$", "v=123", "$", "echo", "${v-unset}", "123"] and code[2] == "${parameter:=word}"
    assert code[3:] == ["dirs", "dirs [-clpv] [+N | -N]"]  # a term, then its indented synopsis: two blocks
