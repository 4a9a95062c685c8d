"""Bad input all at once: one folder holding every bad kind of file next to good ones.  Each bad file gets its
own clear message; every good file (and every good line of a half-broken .jsonl) is ingested and searchable."""

from __future__ import annotations

import json
import os
import re

import pytest

from qa.ingestion import Ingestion
from qa.retrieval import Retriever
from tests.test_loaders import make_pdf


@pytest.fixture
def messy(tmp_path):
    folder = tmp_path / "messy"
    folder.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("A secret outside the folder: the vault code is 4242.")
    # good files
    (folder / "good.txt").write_text("The harbour of Oldport opened in 1901 and handled 4,210 ships in 2023.")
    (folder / "latin1.txt").write_bytes("Le café de la gare a ouvert en 1887 à Genève, près du lac.".encode("latin-1"))
    (folder / "we ird $name; (1) ü.md").write_text("# Odd names\n\nThe lighthouse keeper counted 312 storms in 1950.")
    make_pdf(folder / "report.pdf", "The smelter produced 8,800 tonnes of copper in 1962.")
    (folder / "records.jsonl").write_text("\n".join([
        json.dumps({"id": "rec-1", "title": "Record one", "text": "The glacier retreated 41 metres in 2019."}),
        "{not json at all",
        json.dumps(["a", "list"]),
        json.dumps({"text": "no id here"}),
        json.dumps({"id": "rec-2"}),
        json.dumps({"id": "rec-3", "text": "The orchard yielded 97 tonnes of apples in 2021."}),
    ]) + "\n")
    sub = folder / "sub"
    sub.mkdir()
    (sub / "nested.html").write_text("<html><head><title>Nested page</title></head><body><article><p>The tramway carried "
                                     "2.5 million riders in 1930, its busiest year on record.</p></article></body></html>")
    # bad files
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 1000)
    (folder / "empty.md").write_bytes(b"")
    (folder / "blank.txt").write_text("   \n\t\n")
    (folder / "huge.txt").write_text("big " * 300_000)  # 1.2 MB, over the limit set below
    (folder / "tool.exe").write_bytes(b"MZ\x90\x00")
    (folder / "noext").write_text("no extension")
    make_pdf(folder / "scan.pdf", "")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    os.symlink(outside, folder / "link_out.txt")
    os.symlink(tmp_path, folder / "link_dir_out")
    return folder


def test_everything_bad_at_once_is_reported_and_everything_good_is_ingested(messy, store, fake_embedder):
    report = Ingestion(store, fake_embedder, max_file_bytes=1_000_000).run([messy])
    reasons = {os.path.basename(p.path): p.reason for p in report.failed}  # a .jsonl line is reported as file:line
    expected = {
        "binary.txt": "binary data",
        "empty.md": "no text found",
        "blank.txt": "no text",
        "huge.txt": "over the 1 MiB limit (QA_MAX_FILE_MB)",
        "tool.exe": "unknown file type '.exe'",
        "noext": "unknown file type",
        "scan.pdf": "a scanned PDF?",
        "broken.pdf": "cannot parse .pdf",
        "link_out.txt": "outside the folder: not followed",
        "records.jsonl:2": "malformed JSON line",
        "records.jsonl:3": "not a JSON object",
        "records.jsonl:4": "no 'id' or 'pid'",
        "records.jsonl:5": "no 'text'",
    }
    for name, words in expected.items():
        assert name in reasons, f"{name} not reported; reported: {sorted(reasons)}"
        assert words in reasons[name], (name, reasons[name])
    assert "link_dir_out" in " ".join(p.path for p in report.failed) or not any("outside" in p.path for p in report.failed)
    good = {"good.txt", "latin1.txt", "we ird $name; (1) ü.md", "report.pdf", "rec-1", "rec-3", "sub/nested.html"}
    assert set(report.added) == good, (sorted(report.added), sorted(reasons))
    assert store.count() == report.chunks_added and sorted(store.lexical().ids) == sorted(store.all_chunk_ids())
    # the secret behind the symlink never entered the index
    texts = store.chunks.get(include=["documents"])["documents"]
    assert not any("4242" in t for t in texts)
    assert any("café" in t and "Genève" in t for t in texts)  # decoded, not mangled
    retriever = Retriever(store, fake_embedder)
    for question, figure in [("ships harbour Oldport 2023", "4,210"), ("copper smelter tonnes 1962", "8,800"),
                             ("orchard apples 2021", "97"), ("lighthouse storms 1950", "312"), ("tramway riders 1930", "2.5")]:
        assert any(figure in p.text for p in retriever.search(question, 3)), question


def test_a_second_run_keeps_the_good_and_reports_the_bad_again(messy, store, fake_embedder):
    first = Ingestion(store, fake_embedder, max_file_bytes=1_000_000).run([messy])
    second = Ingestion(store, fake_embedder, max_file_bytes=1_000_000).run([messy])
    assert second.added == [] and second.chunks_embedded == 0 and set(second.skipped) == set(first.added)
    # bad files are reported again; the good .jsonl file is unchanged, so it is not read again (nor its bad lines)
    assert {p.path for p in second.failed} == {p.path for p in first.failed if ".jsonl:" not in p.path}


@pytest.mark.integration
def test_bad_questions_lose_nothing(real_index):
    """After empty, blank and 100,000-character questions the same session still answers correctly."""
    from qa import api
    from qa.errors import InvalidQuestion

    store, _ = real_index
    for bad in ["", "   \n\t", "x" * 100_000, "?" * 2001]:
        with pytest.raises(InvalidQuestion, match=re.compile("empty|limit", re.I)):
            api.ask(bad, store=store)
    answer = api.ask("How many fentanyl-linked deaths were estimated in 2024?", store=store)
    assert answer.grounded and "48,422" in answer.text
