import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from qa.cli import app
from tests.conftest import CORPUS, ROOT

runner = CliRunner()


def test_help_lists_the_commands():
    result = subprocess.run([sys.executable, "-m", "qa", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0
    for command in ("ingest", "search", "ask", "documents", "remove"):
        assert command in result.stdout


def test_help_does_not_import_heavy_libraries():
    code = "import sys; sys.argv=['qa','--help']\nfrom qa.cli import app\ntry: app()\nexcept SystemExit: pass\nprint(sorted(m for m in ('torch','chromadb','sentence_transformers','gradio') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.integration
def test_ingest_ask_search_documents_remove(tmp_path):
    store = str(tmp_path / "s")
    r = runner.invoke(app, ["ingest", str(CORPUS), "--store", store])
    assert r.exit_code == 0, r.output
    assert "added 5" in r.output and "skipped 0" in r.output
    r = runner.invoke(app, ["ingest", str(CORPUS), "--store", store])
    assert "added 0" in r.output and "skipped 5 unchanged" in r.output and "0 embedded" in r.output

    r = runner.invoke(app, ["ask", "How many fentanyl-linked deaths were estimated in 2024?", "--store", store, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["grounded"] and "48,422" in data["text"]
    assert {"n", "doc_id", "title", "chunk_id", "text", "quote"} <= set(data["citations"][0])

    r = runner.invoke(app, ["ask", "How many fentanyl-linked deaths were estimated in 2024?", "--store", store])
    assert "48,422" in r.output and "Sources:" in r.output and "[1]" in r.output

    r = runner.invoke(app, ["search", "precursor chemicals", "-k", "2", "--store", store, "--json"])
    hits = json.loads(r.output)
    assert len(hits) == 2 and {"doc_id", "title", "chunk_id", "text", "score", "start", "end"} <= set(hits[0])

    r = runner.invoke(app, ["documents", "--store", store])
    assert "5 document(s)" in r.output
    r = runner.invoke(app, ["remove", "003_2dd44277a6e92a17.txt", "--store", store])
    assert r.exit_code == 0 and "removed 1 document(s)" in r.output
    r = runner.invoke(app, ["documents", "--store", store, "--json"])
    assert len(json.loads(r.output)) == 4


def test_errors_are_one_line_with_exit_code_2(tmp_path):
    r = runner.invoke(app, ["ask", "   ", "--store", str(tmp_path / "none")])
    assert r.exit_code == 2
    assert "Error: The question is empty" in r.output and "Traceback" not in r.output


def test_ingest_reports_skipped_files(tmp_path):
    (tmp_path / "x.xyz").write_bytes(b"PK")
    r = runner.invoke(app, ["ingest", str(tmp_path / "x.xyz"), "--store", str(tmp_path / "s")])
    assert r.exit_code == 0
    assert "unknown file type" in r.output


def test_bench_rejects_bad_sizes():
    r = runner.invoke(app, ["bench", "--sizes", "ten"])
    assert r.exit_code == 2 and "not a collection size" in r.output
