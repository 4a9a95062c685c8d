import json

import pytest

from qa.loaders import InputFile, RawDocument, discover, file_problem, load
from qa.types import FileProblem


def load_one(path, doc_id=None):
    return list(load(InputFile(path, doc_id or path.name, None)))


def make_pdf(path, text):
    """A real one-page PDF with text, written by hand (no extra library)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(out)


def test_text_and_markdown(tmp_path):
    (tmp_path / "a.txt").write_text("Hello there.", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Title\n\nBody.", encoding="utf-8")
    [a] = load_one(tmp_path / "a.txt")
    [b] = load_one(tmp_path / "b.md")
    assert isinstance(a, RawDocument) and a.text == "Hello there." and a.kind == "text" and len(a.checksum) == 64
    assert b.kind == "markdown"


def test_non_utf8_text_is_decoded(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Café crème, déjà vu, naïve façade et garçon très élégant.".encode("latin-1"))
    [doc] = load_one(tmp_path / "latin.txt")
    assert "Café crème" in doc.text


def test_binary_and_empty_files_are_problems(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (tmp_path / "empty.txt").write_bytes(b"")
    [p1] = load_one(tmp_path / "bin.txt")
    [p2] = load_one(tmp_path / "empty.txt")
    assert isinstance(p1, FileProblem) and "binary" in p1.reason
    assert isinstance(p2, FileProblem) and "no text" in p2.reason


def test_html_main_text_and_title(tmp_path):
    html = """<html><head><title>Site | Page</title></head><body><nav>Home About Contact</nav>
    <article><h1>Ports reopen after the storm</h1><p>The harbour authority said on Monday that all three ports reopened after the storm,
    and shipping resumed at full capacity by the evening.</p><p>Officials expect delays to clear within a week as crews repair cranes.</p></article>
    <footer>Copyright 2024</footer></body></html>"""
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    [doc] = load_one(tmp_path / "p.html")
    assert doc.kind == "html" and "all three ports reopened" in doc.text
    assert "Home About Contact" not in doc.text
    assert doc.title == "Ports reopen after the storm"


def test_pdf_text_and_textless_pdf(tmp_path):
    make_pdf(tmp_path / "ok.pdf", "Quarterly revenue rose to 12 million dollars.")
    make_pdf(tmp_path / "blank.pdf", "")
    [doc] = load_one(tmp_path / "ok.pdf")
    assert doc.kind == "pdf" and "Quarterly revenue rose to 12 million dollars." in doc.text
    [problem] = load_one(tmp_path / "blank.pdf")
    assert isinstance(problem, FileProblem) and "no text" in problem.reason


def test_corrupt_pdf_is_a_problem(tmp_path):
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    [problem] = load_one(tmp_path / "bad.pdf")
    assert isinstance(problem, FileProblem)


def test_jsonl_records(tmp_path):
    lines = [
        json.dumps({"pid": "p-1", "title": "One", "text": "First record."}),
        "{not json",
        json.dumps({"id": 7, "text": "Second record."}),
        json.dumps({"id": "x"}),
        json.dumps(["a", "list"]),
        "",
    ]
    (tmp_path / "d.jsonl").write_text("\n".join(lines), encoding="utf-8")
    items = load_one(tmp_path / "d.jsonl")
    docs = [i for i in items if isinstance(i, RawDocument)]
    problems = [i for i in items if isinstance(i, FileProblem)]
    assert [(d.doc_id, d.title, d.text) for d in docs] == [("p-1", "One", "First record."), ("7", None, "Second record.")]
    assert [p.path.rsplit(":", 1)[1] for p in problems] == ["2", "4", "5"]
    assert "malformed JSON" in problems[0].reason and "no 'text'" in problems[1].reason


def test_discover_folders_files_and_missing(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("c")
    files, problems = discover([tmp_path, tmp_path / "a.txt", tmp_path / "nope"])
    assert [f.doc_id for f in files] == ["a.txt", "sub/b.txt", "a.txt"]
    assert files[0].root == tmp_path.resolve() and files[2].root is None
    assert len(problems) == 1 and "no such file" in problems[0].reason


@pytest.mark.parametrize("name, ok", [("a.txt", True), ("a.MD", True), ("a.htm", True), ("a.pdf", True), ("a.jsonl", True), ("a.docx", True), ("a.xyz", False), ("noext", False)])
def test_supported_types(tmp_path, name, ok):
    assert (file_problem(tmp_path / name) is None) == ok
