import pytest

from qa.chunking import chunk_document, sentence_spans
from qa.cleaning import clean_text
from qa.types import Document
from tests.conftest import CORPUS


def make_doc(text, doc_id="d.txt"):
    return Document(doc_id=doc_id, title="T", source="/x/d.txt", text=text, checksum="0")


def test_sentence_spans_keep_abbreviations_and_offsets():
    text = "Dr. Smith met U.S. officials on Nov. 10. He left.\n\nNew paragraph here."
    spans = sentence_spans(text, offset=100)
    got = [text[s.start - 100 : s.end - 100] for s in spans]
    assert got == ["Dr. Smith met U.S. officials on Nov. 10.", "He left.", "New paragraph here."]


def demo_documents():
    for path in sorted(CORPUS.glob("*.txt")):
        cleaned = clean_text(path.read_text(encoding="utf-8"))
        yield make_doc(cleaned.text, path.name)


@pytest.mark.parametrize("doc", list(demo_documents()), ids=lambda d: d.doc_id)
@pytest.mark.parametrize("max_chars", [200, 700, 1500])
def test_chunks_hold_whole_sentences_with_exact_offsets(doc, max_chars):
    chunks = chunk_document(doc, max_chars=max_chars, overlap_sentences=1)
    boundaries = sentence_spans(doc.text)
    starts, ends = {s.start for s in boundaries}, {s.end for s in boundaries}
    assert chunks
    for i, c in enumerate(chunks):
        assert c.text == doc.text[c.start : c.end]
        assert c.start in starts and c.end in ends  # never cuts a sentence
        assert c.chunk_id == f"{doc.doc_id}::{i}" and c.index == i
        inner = [s for s in boundaries if c.start <= s.start and s.end <= c.end]
        assert len(c.text) <= max_chars or len(inner) == 1  # only a lone long sentence may exceed
    # every sentence is in some chunk
    covered = {(s.start, s.end) for c in chunks for s in boundaries if c.start <= s.start and s.end <= c.end}
    assert covered == {(s.start, s.end) for s in boundaries}


def test_overlap_repeats_the_last_sentence():
    text = " ".join(f"Sentence number {i} is here." for i in range(12))
    chunks = chunk_document(make_doc(text), max_chars=90, overlap_sentences=1)
    assert len(chunks) > 2
    for a, b in zip(chunks, chunks[1:]):
        last_of_a = sentence_spans(a.text)[-1]
        assert b.text.startswith(a.text[last_of_a.start : last_of_a.end])


def test_no_overlap():
    text = " ".join(f"Sentence number {i} is here." for i in range(12))
    chunks = chunk_document(make_doc(text), max_chars=90, overlap_sentences=0)
    assert all(a.end < b.start for a, b in zip(chunks, chunks[1:]))


def test_long_sentence_is_not_cut():
    text = "Short one. " + "word " * 400 + "end of a very long sentence. Another short one."
    chunks = chunk_document(make_doc(text), max_chars=100)
    assert any(c.text.startswith("word") and c.text.endswith("sentence.") for c in chunks)


@pytest.mark.parametrize("text, expected", [
    ("It can be set either in credential.* (for all credentials), or credential.<URL>.*, as above. Next one.",
     ["It can be set either in credential.* (for all credentials), or credential.<URL>.*, as above.", "Next one."]),
    ("Patterns go into .gitignore files. They are read in order.", ["Patterns go into .gitignore files.", "They are read in order."]),
    ("See section 3.2. It says so.", ["See section 3.2.", "It says so."]),
    ("Set core.excludesFile to a path. Then run git status.", ["Set core.excludesFile to a path.", "Then run git status."]),
])
def test_a_full_stop_inside_a_word_does_not_end_a_sentence(text, expected):
    assert [text[s.start:s.end] for s in sentence_spans(text)] == expected
