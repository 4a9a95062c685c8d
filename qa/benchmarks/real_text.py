"""A collection of real English text with real questions, for query latency at scale beside the synthetic ones.

The synthetic collections' pseudo-words give feature scores so close together that the cross-encoder stage reads
10 candidates for most questions, which real text rarely does.  This collection is what a user would have: the
SQuAD 2.0 dev passages (whose answerable questions are asked) and, around them, installed Debian documentation
(Node.js API pages, Git's manual pages as HTML, Bash's reference, ...) ingested by the project's own pipeline and
embedded by the configured model, file after file in a fixed order until it holds at least ``n_chunks`` chunks.

Built once (about 10k chunks: several minutes), cached under ``<cache>/bench/realtext-v1-<n>-<model>`` and reused.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

VERSION = 1  # bump when the sources or their order change: cached collections are rebuilt
COLLECTION = "realtext"
# Installed documentation, read in this order (HTML only; python3-doc, libtasn1-doc and shared-mime-info are kept
# for independent checks and never used).  ``all.html`` repeats Node's other pages, so it is left out.
DOC_GLOBS = (("/usr/share/doc/nodejs/api", "*.html"), ("/usr/share/doc/git-doc", "*.html"), ("/usr/share/doc/bash", "*.html"),
             ("/usr/share/doc/git-doc/howto", "*.html"), ("/usr/share/doc/git-doc/technical", "*.html"))
EXCLUDED_NAMES = {"all.html"}
BATCH_FILES = 12  # files per ingestion call: the count is checked between calls


@dataclass
class RealTextIndex:
    """A cached real-text collection: where it is, what it holds, the questions asked of it."""

    path: Path  # the store folder
    collection: str
    chunks: int  # chunks in the collection (at least the size asked for, unless the sources ran out)
    questions: list[dict] = field(default_factory=list)  # {"question", "answers"}: answerable SQuAD dev questions
    sources: list[str] = field(default_factory=list)  # the files ingested, in order
    build_seconds: float = 0.0
    reused: bool = False


def documentation_files() -> list[Path]:
    """The installed documentation pages this collection may read, in a fixed order."""
    files: list[Path] = []
    for folder, pattern in DOC_GLOBS:
        files += sorted(p for p in Path(folder).glob(pattern) if p.name not in EXCLUDED_NAMES and p.is_file())
    return files


def real_text_index(root: Path, n_chunks: int, model_name: str, *, questions: int = 200, passages: Path | None = None,
                    documentation: list[Path] | None = None, progress: Callable[[str], None] | None = None) -> RealTextIndex:
    """The real-text collection of at least ``n_chunks`` chunks under ``root``, built unless a complete one is cached.

    ``passages``: the SQuAD passages file (default the eval folder's dev passages); ``documentation``: the pages that
    fill the collection (default ``documentation_files()``)."""
    from qa import api
    from qa.benchmarks.ingest import real_questions, squad_passages, squad_pids
    from qa.errors import QAError

    folder = Path(root) / f"realtext-v{VERSION}-{n_chunks}-{model_name}"
    marker = folder / "complete.json"
    if marker.exists():
        try:
            info = json.loads(marker.read_text())
            if info.get("model") == model_name and info.get("asked") == n_chunks:
                return RealTextIndex(folder, COLLECTION, info["chunks"], info["questions"], info["sources"], info["build_seconds"], reused=True)
        except (ValueError, KeyError):  # a damaged marker: rebuild
            pass
    squad = Path(passages) if passages else squad_passages()
    if not squad.exists():
        raise QAError(f"The real-text collection needs the SQuAD 2.0 dev passages at {squad} (set QA_EVAL_DIR to the eval folder).")
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    sources: list[Path] = [squad]
    api.ingest([squad], store=folder, collection=COLLECTION)
    count = api._store(folder, COLLECTION).count()
    pending = list(documentation) if documentation is not None else documentation_files()
    while count < n_chunks and pending:
        batch, pending = pending[:BATCH_FILES], pending[BATCH_FILES:]
        api.ingest(batch, store=folder, collection=COLLECTION)
        sources += batch
        count = api._store(folder, COLLECTION).count()
        if progress:
            progress(f"real text {n_chunks:,}: {count:,} chunks ({time.perf_counter() - started:.0f}s)")
    asked = real_questions(questions + 1, squad_pids([squad]))[1:]  # the first is the demo corpus's question: not here
    seconds = round(time.perf_counter() - started, 1)
    names = [str(p) for p in sources]
    marker.write_text(json.dumps({"asked": n_chunks, "chunks": count, "model": model_name, "version": VERSION, "build_seconds": seconds,
                                  "questions": asked, "sources": names}, indent=1))
    return RealTextIndex(folder, COLLECTION, count, asked, names, seconds, reused=False)
