"""The parts of ingestion's pipeline that are not about documents: files read ahead in a worker (a process when there
are several, so parsing runs beside the model), and a progress bar by chunks with rate and time left."""

from __future__ import annotations

import re
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

from qa.loaders import InputFile, load

READ_AHEAD = 4  # files read (and parsed) ahead of the one being chunked
PROCESS_FROM = 4  # files to read from which a worker process reads them (fewer: a thread, no start-up cost)


def _read_file(file: InputFile) -> list:
    """A file's raw documents and problems (run in the reading worker)."""
    return list(load(file))


def reader(files: int) -> Executor:
    """Where files are read: a worker process when there are several (parsing runs beside the model), else a thread."""
    if files >= PROCESS_FROM and _main_is_importable():
        return ProcessPoolExecutor(1, mp_context=get_context("spawn"))  # spawn: never fork a process running model threads
    return ThreadPoolExecutor(1, thread_name_prefix="read")


def _main_is_importable() -> bool:
    """True when a spawned worker may import this program's main module: run with -m, interactive, or a script
    that guards its work with ``if __name__ == "__main__"`` (one that does not would run again in the worker)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or getattr(main, "__spec__", None) is not None:
        return True
    try:
        source = Path(path).read_text(encoding="utf-8", errors="ignore")
    except OSError:
        return False
    return re.search(r"__name__\s*==\s*['\"]__main__['\"]", source) is not None


def read_ahead(reader: Executor, files: list[InputFile]) -> Iterator[list]:
    """Each file's contents, in order, with up to READ_AHEAD files being read ahead.  Should the worker process die
    (killed, out of memory), the files left are read here instead."""
    queue: deque[tuple[InputFile, Future | None]] = deque()
    pending = iter(files)
    broken = False

    def submit(file: InputFile) -> None:
        nonlocal broken
        future = None
        if not broken:
            try:
                future = reader.submit(_read_file, file)
            except BrokenProcessPool:
                broken = True
        queue.append((file, future))

    for file in pending:
        submit(file)
        if len(queue) >= READ_AHEAD:
            break
    while queue:
        file, future = queue.popleft()
        try:
            contents = future.result() if future is not None else _read_file(file)
        except BrokenProcessPool:
            broken, contents = True, _read_file(file)
        nxt = next(pending, None)
        if nxt is not None:
            submit(nxt)
        yield contents


class ChunkBar:
    """A progress bar by chunks stored, with rate and time left.  Chunks of files not read yet are estimated from
    their size (one chunk per ``chunk_chars`` bytes at first, then at the ratio seen so far)."""

    def __init__(self, files: list[InputFile], chunk_chars: int, show: bool):
        from tqdm import tqdm

        self.unread = {str(f.path): _size(f.path) for f in files}
        self.bytes_read, self.chunks_read = 0, 0
        self.chunk_chars = chunk_chars
        self.bar = tqdm(total=self._estimate(), unit="chunk", desc="ingesting", disable=None if show and files else True,  # None: only on a terminal
                        dynamic_ncols=True, smoothing=0.1)

    def _estimate(self) -> int:
        per_byte = self.chunks_read / self.bytes_read if self.bytes_read and self.chunks_read else 1 / self.chunk_chars
        return self.chunks_read + round(sum(self.unread.values()) * per_byte)

    def read(self, file: InputFile, chunks_so_far: int) -> None:
        """A file was read and chunked: ``chunks_so_far`` chunks from all files read until now."""
        self.bytes_read += self.unread.pop(str(file.path), 0)
        self.chunks_read = chunks_so_far
        self.bar.total = max(self._estimate(), self.bar.n)
        self.bar.refresh()

    def stored(self, chunks: int) -> None:
        self.bar.update(chunks)

    def close(self) -> None:
        self.bar.close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
