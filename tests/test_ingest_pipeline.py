"""Files read ahead in a worker, in order; a dead worker process costs nothing but speed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from qa import ingest_pipeline
from qa.loaders import discover
from tests.conftest import CORPUS


def _files():
    files, problems = discover([CORPUS])
    assert files and not problems
    return files


def test_files_come_back_in_order_whatever_reads_them():
    files = _files()
    direct = [ingest_pipeline._read_file(f) for f in files]
    for executor in (ThreadPoolExecutor(1), ingest_pipeline.reader(len(files))):
        with executor:
            got = list(ingest_pipeline.read_ahead(executor, files))
        assert [[d.doc_id for d in c] for c in got] == [[d.doc_id for d in c] for c in direct]
        assert [[d.text for d in c] for c in got] == [[d.text for d in c] for c in direct]


def test_a_broken_worker_process_means_reading_here():
    class Broken:
        def submit(self, *args):
            raise BrokenProcessPool("the worker was killed")

    files = _files()
    got = list(ingest_pipeline.read_ahead(Broken(), files))
    assert [c[0].doc_id for c in got] == [f.doc_id for f in files]


def test_a_program_run_as_a_module_may_start_workers():
    assert ingest_pipeline._main_is_importable()
