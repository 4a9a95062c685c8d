"""The benchmark's helpers (no timing assertions): statistics, the synthetic corpus and embedding, cached synthetic
collections, the report, and one tiny end-to-end run with the real model."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from qa.benchmarks.report import format_report
from qa.benchmarks.stats import percentile, summarize, table, verdict
from qa.benchmarks.synthetic import DIMS, VECTORS_NOTE, HashEmbedder, SyntheticCorpus, synthetic_index

MODEL = "all-MiniLM-L6-v2"


# --- statistics ------------------------------------------------------------------------------------------------
def test_percentile_matches_numpy_linear_interpolation():
    rng = random.Random(1)
    for n in (1, 2, 3, 10, 101):
        data = [rng.random() for _ in range(n)]
        for q in (0, 5, 50, 95, 99, 100):
            assert percentile(data, q) == pytest.approx(float(np.percentile(data, q)))


def test_percentile_edge_cases():
    assert math.isnan(percentile([], 50))
    assert percentile([3.0], 95) == 3.0
    assert percentile([4, 1, 3, 2], 50) == 2.5  # order of input does not matter
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summarize_reports_milliseconds():
    s = summarize([0.010, 0.020, 0.030, 0.040])
    assert s["n"] == 4
    assert s["p50_ms"] == pytest.approx(25.0)
    assert s["mean_ms"] == pytest.approx(25.0)
    assert s["max_ms"] == pytest.approx(40.0)
    assert s["p95_ms"] == pytest.approx(38.5)
    empty = summarize([])
    assert empty["n"] == 0 and math.isnan(empty["p50_ms"])


def test_table_aligns_columns():
    text = table(["name", "value"], [("a", 1), ("longer name", 12345), ("none", None)])
    lines = text.splitlines()
    assert lines[0].startswith("name") and set(lines[1]) <= {"-", " "}
    assert len({len(line) for line in lines}) == 1  # every line padded to the same width
    assert lines[2].endswith("    1") and lines[4].endswith("-")


def test_verdict():
    assert verdict(40.0, 50.0) == "met"
    assert verdict(60.0, 50.0) == "NOT met"
    assert verdict(0.95, 0.9, higher_is_better=True) == "met"
    assert verdict(0.5, 0.9, higher_is_better=True) == "NOT met"
    assert verdict(float("nan"), 1.0) == verdict(None, 1.0) == "not measured"


# --- synthetic text and vectors --------------------------------------------------------------------------------
def test_synthetic_corpus_is_deterministic_and_gives_exactly_the_chunks_asked_for():
    first = [(c, f) for c, f in SyntheticCorpus(seed=3).chunks(450)]
    again = [(c, f) for c, f in SyntheticCorpus(seed=3).chunks(450)]
    chunks = [c for cs, _ in first for c in cs]
    assert len(chunks) == 450
    assert [c.model_dump() for cs, _ in first for c in cs] == [c.model_dump() for cs, _ in again for c in cs]
    other = [c.text for cs, _ in SyntheticCorpus(seed=4).chunks(50) for c in cs]
    assert other != [c.text for c in chunks[:50]]
    assert len({c.chunk_id for c in chunks}) == 450
    lengths = [len(c.text) for c in chunks]
    assert 400 < sum(lengths) / len(lengths) <= 700  # like the real chunks (~700 characters, whole sentences)
    assert all(c.text.endswith(".") and c.end - c.start == len(c.text) for c in chunks)


def test_synthetic_facts_are_in_their_chunks_and_questions_ask_for_them():
    by_id, facts = {}, []
    for cs, fs in SyntheticCorpus(seed=0).chunks(200):
        by_id.update({c.chunk_id: c for c in cs})
        facts += fs
    assert len(facts) > 50
    for f in facts:
        text = by_id[f.chunk_id].text
        assert f.answer in text and f.question.startswith("How many ") and f.question.endswith("?")
        thing = f.question.split()[2]
        assert thing in text  # the question names what was counted


def test_chunks_overlap_by_one_sentence_within_a_document():
    cs, _ = next(iter(SyntheticCorpus(seed=0).chunks(14, per_document=(5, 5))))
    assert len(cs) == 5
    for a, b in zip(cs, cs[1:]):
        assert b.start < a.end  # the next chunk opens with the last sentence of this one
        assert a.text[b.start - a.start:] == b.text[: a.end - b.start]


def test_hash_embedder_is_deterministic_normalised_and_word_sensitive():
    e = HashEmbedder()
    texts = ["the harbour cranes were repaired", "cranes in the harbour were repaired quickly", "tax rates on imported grain"]
    m = e.embed_matrix(texts)
    assert m.shape == (3, DIMS)
    assert np.allclose(np.linalg.norm(m, axis=1), 1.0, atol=1e-5)
    assert np.allclose(m, HashEmbedder().embed_matrix(texts))
    assert m[0] @ m[1] > m[0] @ m[2]
    assert e.embed(texts[0]) == pytest.approx(m[0].tolist(), abs=1e-6)
    assert e.embed_matrix([]).shape == (0, DIMS)
    e.fit_center([c.text for cs, _ in SyntheticCorpus(seed=0).chunks(100) for c in cs])
    assert np.allclose(np.linalg.norm(e.embed_matrix(texts), axis=1), 1.0, atol=1e-5)


def test_synthetic_index_is_built_once_then_reused(tmp_path):
    from qa.retrieval import RetrievalConfig, Retriever
    from qa.store import ChromaStore

    built = synthetic_index(tmp_path, 300, MODEL, questions=20)
    assert not built.reused and built.chunks == 300 and len(built.questions) == 20
    store = ChromaStore(built.collection, MODEL, path=built.path, create=False)
    assert store.count() == 300
    assert store.chunks.metadata["bench_vectors"] == VECTORS_NOTE
    assert sum(d["chunks"] for d in store.documents().values()) == 300
    assert len(store.lexical().ids) == 300
    # the questions are answerable from the collection: lexical search finds the fact's chunk
    retriever = Retriever(store, HashEmbedder(), RetrievalConfig(mode="lexical"))
    hits = [q["chunk_id"] in {p.chunk_id for p in retriever.search(q["question"], 5)} for q in built.questions]
    assert sum(hits) >= 0.8 * len(hits)

    again = synthetic_index(tmp_path, 300, MODEL, questions=20)
    assert again.reused and again.questions == built.questions and again.path == built.path


# --- the ingestion corpus in parts ---------------------------------------------------------------------------------
def test_corpus_is_cut_into_parts_that_together_hold_every_text(tmp_path):
    import json

    from qa.benchmarks.ingest import slices

    folder = tmp_path / "docs"
    folder.mkdir()
    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps({"pid": f"p{i}", "text": f"Record {i}."}) + "\n" for i in range(10)), encoding="utf-8")
    texts = {f"p{i}": [f"t{i}a", f"t{i}b"] for i in range(10)} | {"a.txt": ["folder text"]}
    parts = slices([folder, records], texts, tmp_path / "work", 3)
    assert len(parts) == 3
    assert parts[0][0][0] == folder and all(folder not in paths for paths, _ in parts[1:])
    assert parts[0][1][0] == "folder text"  # the folder's documents go with the first part
    assert sorted(t for _, ts in parts for t in ts) == sorted(t for ts in texts.values() for t in ts)
    pids = [json.loads(line)["pid"] for paths, _ in parts for p in paths if p.suffix == ".jsonl" for line in p.read_text().splitlines()]
    assert pids == [f"p{i}" for i in range(10)]  # consecutive, each record once
    assert len(slices([folder], {"a.txt": ["x"]}, tmp_path / "w2", 6)) == 1  # nothing to cut


# --- report --------------------------------------------------------------------------------------------------------
def _latency_row(label, chunks, vectors, p50):
    s = {"n": 5, "p50_ms": p50, "p95_ms": p50 * 2, "mean_ms": p50, "max_ms": p50 * 3}
    return {"label": label, "chunks": chunks, "vectors": vectors, "default_mode": "hybrid", "cold_first_search_ms": 400.0,
            "summaries": {k: s for k in ("dense", "search", "rerank", "generate", "answer", "ask")},
            "found": {k: (4, 5) for k in ("dense", "search", "rerank", "answer")}, "load": (1.0, 1.2), "build_seconds": 12.0, "reused": False}


FAKE_RESULTS = {
    "started": "2026-01-01T00:00:00+00:00", "load_start": (0.5, 0.4, 0.3), "load_end": (0.6, 0.5, 0.4), "cpus": 2, "python": "3.11",
    "model": MODEL, "seconds": 300.0, "corpus": "demo corpus + SQuAD", "omp_wait_policy": "unset", "omp_num_threads": "unset",
    "ingest_child": {"wall": 30.0, "chunks_embedded": 2000, "peak_rss_kib": 900 * 1024, "load": 0.5},
    "throughput": {"parts": [{"part": 1, "order": "raw, ingest", "texts": 2000, "ratio": 0.8,
                              "raw": {"texts": 2000, "seconds": 20.0, "rate": 100.0, "load": 0.5},
                              "ingest": {"texts": 2000, "seconds": 25.0, "rate": 80.0, "load": 0.5}}],
                   "batch_size": 64, "texts": 2000, "threads": 2, "raw_seconds": 20.0, "ingest_seconds": 25.0, "ratio": 0.8,
                   "ingest_rate": 80.0, "raw_rate": 100.0, "same_count": True},
    "reingest_corpus": {"seconds": 0.5, "chunks_embedded": 0, "skipped": 1209, "added": 0},
    "reingest_demo": {"seconds": 0.1, "chunks_embedded": 0, "skipped": 5, "added": 0},
    "latency": [_latency_row("real corpus", 2134, "model", 20.0), _latency_row("synthetic 10,000", 10000, "hashed", 30.0),
                _latency_row("synthetic 100,000", 100000, "hashed", 200.0),
                {**_latency_row("real text 10,000", 10123, "model", 140.0), "real_text": True, "asked_chunks": 10000}],
    "ui": {"startup_seconds": 5.0, "rss_at_start_kib": 300 * 1024, "peak_rss_kib": 800 * 1024, "rss_kib": 700 * 1024,
           "ask_seconds": [2.0, 0.3, 0.2], "answers": ["... 48,422 [1]."], "load": 0.5},
    "startup": {"help": {"median": 0.4, "seconds": [0.4, 0.5, 0.4], "returncode": 0, "load": 0.5},
                "ask": {"median": 6.0, "seconds": [6.0], "returncode": 0, "load": 0.5, "correct": True},
                "ingest": {"median": 5.0, "seconds": [5.0], "returncode": 0, "load": 0.5, "chunks_embedded": 0}},
}


def test_report_lists_every_section_and_judges_the_targets():
    text = format_report(FAKE_RESULTS)
    for heading in ("1. Ingestion throughput", "2. Re-ingestion", "3. Query latency", "4. Peak memory", "5. Start-up", "Targets"):
        assert heading in text
    targets = text[text.index("Targets"):]
    line = {key: next(ln for ln in targets.splitlines() if key in ln) for key in
            ("0.9 x raw", "demo corpus < 2 s", "50 ms at 10,000 chunks: dense", "150 ms at 100,000 chunks: dense", "300 ms", "--help")}
    assert line["0.9 x raw"].endswith("NOT met") and "0.80 x" in line["0.9 x raw"]
    assert line["demo corpus < 2 s"].endswith("met") and not line["demo corpus < 2 s"].endswith("NOT met")
    assert next(ln for ln in targets.splitlines() if "`qa ingest` (start-up included)" in ln).endswith("NOT met")  # 5 s
    assert line["50 ms at 10,000 chunks: dense"].endswith(" met")
    assert line["150 ms at 100,000 chunks: dense"].endswith("NOT met")
    assert line["300 ms"].endswith(" met") and line["--help"].endswith(" met")
    assert "hashed-word random-projection vectors" in text  # the synthetic rows say what they are
    assert "Real-text rows" in text and "real text 10,000" in text
    real = next(ln for ln in targets.splitlines() if "real text (10,123 chunks)" in ln)
    assert real.endswith(" met") and "140" in real
    assert "900 MiB" in text and "800 MiB" in text
    assert "NOTE: other processes" not in text  # load was low


def test_report_of_a_partial_run_says_what_was_not_measured():
    res = {k: v for k, v in FAKE_RESULTS.items() if k not in ("throughput", "ingest_child", "ui", "startup", "reingest_corpus")}
    res["latency"] = [_latency_row("real corpus", 60, "model", 20.0)]
    res["load_start"] = (5.0, 5.0, 5.0)
    text = format_report(res)
    assert "1. Ingestion throughput" not in text and "5. Start-up" not in text
    assert "NOTE: other processes were loading the CPU" in text
    assert "not measured (size not run)" in text


def test_sizes_and_sections_from_the_command_line():
    from qa.bench import SECTIONS, parse_sections, parse_sizes

    assert parse_sizes("1000,10k, 100K") == [1000, 10000, 100000]
    assert parse_sizes("0.1m,200") == [100000, 200]
    assert parse_sizes("") == []
    for bad in ("ten", "5", "1.5"):
        with pytest.raises(ValueError):
            parse_sizes(bad)
    assert parse_sections(None) == parse_sections("") == SECTIONS
    assert parse_sections("startup, ui,ui") == ("startup", "ui")
    with pytest.raises(ValueError, match="choose from ingest, latency, ui, startup"):
        parse_sections("ingest,warp")


def test_unknown_section_is_refused(tmp_path):
    from qa.bench import run

    with pytest.raises(ValueError, match="unknown bench section"):
        run([10], sections=("ingest", "warp"), workdir=tmp_path)


# --- a tiny run, end to end -----------------------------------------------------------------------------------------
@pytest.mark.integration
def test_tiny_bench_runs_end_to_end(tmp_path, monkeypatch):
    from qa.bench import main

    monkeypatch.setenv("QA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("QA_EMBEDDING_MODEL", "all-MiniLM-L6-v2")  # the bench's plumbing is under test: the small model is quicker
    text = main([200], real_sizes=[], queries=3, answers=2, squad_limit=5, parts=2, repeats=1, workdir=tmp_path / "work", progress=False)
    for heading in ("1. Ingestion throughput", "2. Re-ingestion", "3. Query latency", "4. Peak memory", "5. Start-up", "Targets"):
        assert heading in text, text
    assert "synthetic 200" in text and "real corpus" in text
    assert "qa ask answered with 48,422: yes" in text
    assert "first answer contains 48,422: yes" in text or "UI: not measured" in text
    assert (tmp_path / "cache" / "bench" / "last-run.json").exists()
    assert "ingestion / the ONNX backend alone" in text  # the default backend is timed on its own too
    assert any(p.name.startswith("synthetic-v") for p in (tmp_path / "cache" / "bench").iterdir())


# --- the real-text collection ---------------------------------------------------------------------------------------
def test_real_text_reads_installed_documentation_but_not_the_pages_kept_for_checks():
    from qa.benchmarks.real_text import documentation_files

    files = documentation_files()
    assert files == sorted(set(files), key=files.index)  # each page once, in a fixed order
    assert not any(p.name == "all.html" for p in files)  # Node's page that repeats every other one
    assert not any(part in str(p) for p in files for part in ("python3-doc", "libtasn1", "shared-mime-info"))


def test_real_text_without_the_squad_passages_names_the_fix(tmp_path):
    from qa.benchmarks.real_text import real_text_index
    from qa.errors import QAError

    with pytest.raises(QAError, match="QA_EVAL_DIR"):
        real_text_index(tmp_path / "cache", 100, MODEL, passages=tmp_path / "missing.jsonl")


@pytest.mark.integration
def test_real_text_collection_fills_up_with_documentation_and_is_reused(tmp_path, monkeypatch):
    from qa import api
    from qa.benchmarks.ingest import squad_passages
    from qa.benchmarks.real_text import real_text_index

    monkeypatch.setenv("QA_EMBEDDING_MODEL", MODEL)  # the collection's plumbing is under test: the small model is quicker
    if not squad_passages().exists():
        pytest.skip("the SQuAD dev passages are not installed")
    passages = tmp_path / "passages.jsonl"
    passages.write_text("".join(squad_passages().read_text(encoding="utf-8").splitlines(keepends=True)[:4]), encoding="utf-8")
    pages = sorted(Path("/usr/share/doc/git-doc").glob("git-*.html"), key=lambda p: (p.stat().st_size, p.name))[:12]  # the shortest
    if len(pages) < 5:
        pytest.skip("git-doc's HTML pages are not installed")
    started = api.ingest([passages], store=tmp_path / "probe", collection="probe").chunks_added
    idx = real_text_index(tmp_path / "cache", started + 20, MODEL, passages=passages, documentation=pages)
    assert idx.chunks >= started + 20  # filled to at least the size asked
    assert api._store(idx.path, idx.collection).count() == idx.chunks
    assert idx.sources[0] == str(passages) and 1 < len(idx.sources) <= 1 + len(pages)  # stopped once full
    assert idx.questions and all(q["answers"] for q in idx.questions)  # real SQuAD questions about those passages
    again = real_text_index(tmp_path / "cache", started + 20, MODEL, passages=passages, documentation=pages)
    assert again.reused and again.chunks == idx.chunks and again.questions == idx.questions
