"""The same sentence-transformers model, run on ONNX Runtime instead of PyTorch.

The model's PyTorch weights are exported once (mean pooling and normalisation included) into the model cache, and
the export is checked against sentence-transformers on probe texts before it is used: the vectors agree to a cosine
of 0.9999 or better, so a store built by either backend answers the same.  Measured on this 2-core machine
(README, Speed): a question is embedded 1.8x (all-mpnet-base-v2) faster, a batch of passages 2.5x (mpnet) and
1.3x (MiniLM) faster, and a process that finds the export cached never imports torch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.embedding import Embedder
from qa.errors import ModelNotInstalled
from qa.model_parts import cache_folder

log = logging.getLogger(__name__)

# Texts per ONNX Runtime call.  Small runs are faster here than big ones (less padding, the activations stay in cache)
# and keep the memory arena small: on 2 cores, 8 against 64 gave 12.9 against 7.0 SQuAD passages/s with mpnet, 75
# against 48 with MiniLM, and 1.0 against 2.6 GB resident (mpnet).
RUN_SIZE = 8
RUN_TOKENS_EACH = 256  # a run holds up to RUN_SIZE x this many (padded) tokens: more rows when the texts are short
EXPORT_FORMAT = 1  # bump when the exported graph changes, so old exports are not reused
MIN_COSINE = 0.9999  # an export whose vectors differ more than this from sentence-transformers' is not used
# Probe texts for the check: short and long (past the model's token limit), batched together so padding is exercised.
PROBES = (
    "Who won the prize?",
    "Fentanyl overdose deaths in the United States reached 73,600 in 2022, according to the CDC.",
    " ".join(["The committee met again on Tuesday to discuss the new trade rules and the tariffs on chemicals."] * 40),
    "naïve café — “quoted” text, 1,204 passages; ü ß 中文",
)


class ExportFailed(ModelNotInstalled):
    """The model could not be exported to ONNX, or its export does not match the PyTorch model."""


def model_limits(model_dir: Path) -> int:
    """The model's token limit (sentence-transformers' max_seq_length); checks that it mean-pools, as exported."""
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    if not pooling.get("pooling_mode_mean_tokens"):
        raise ExportFailed(f"{model_dir} does not use mean pooling; only mean-pooling models are exported to ONNX.")
    return int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])


def export_key(model_dir: Path) -> str:
    """Names an export after what it was made from: the weights (path, size, time) and the exporter's versions."""
    from importlib.metadata import version

    weights = model_dir / "model.safetensors"
    st = weights.stat()
    parts = [str(weights.resolve()), str(st.st_size), str(st.st_mtime_ns), version("torch"), version("transformers"), str(EXPORT_FORMAT)]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def onnx_file(name: str, model_dir: Path) -> Path:
    """The checked ONNX export of a model, made on first use (a few seconds) and kept in the model cache."""
    folder = cache_folder() / "onnx" / f"{name}-{export_key(model_dir)}"
    if (folder / "check.json").exists():
        return folder / "model.onnx"
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{name}-"))
    tmp.chmod(0o755)  # readable like the rest of the cache (mkdtemp makes it private)
    try:
        log.info("Exporting %s to ONNX (once; kept in %s)", name, folder)
        _export(model_dir, tmp / "model.onnx")
        cosine = _agreement(model_dir, tmp / "model.onnx")
        if cosine < MIN_COSINE:
            raise ExportFailed(f"The ONNX export of {name} disagrees with the PyTorch model (cosine {cosine:.6f} < {MIN_COSINE}).")
        (tmp / "check.json").write_text(json.dumps({"model": name, "min_cosine": cosine}))
        try:
            os.replace(tmp, folder)  # the folder appears whole, with its check
        except OSError:
            if not (folder / "check.json").exists():  # else another process exported it at the same time
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder / "model.onnx"


def _export(model_dir: Path, dest: Path) -> None:
    """Traces the model with pooling and normalisation into one graph: token ids and mask in, unit vectors out."""
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:  # pragma: no cover - torch and transformers are dependencies
        raise ExportFailed(f"Exporting to ONNX needs torch and transformers: {exc}") from exc

    class Pooled(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
    ids = torch.tensor([[0, 5, 6, 2]]), torch.ones(1, 4, dtype=torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the tracer's notes on constant shapes (checked below on real inputs)
        try:
            torch.onnx.export(Pooled(model), ids, str(dest), input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                              dynamic_axes=axes, opset_version=17, dynamo=False)
        except Exception as exc:
            raise ExportFailed(f"Exporting {model_dir.name} to ONNX failed: {exc}") from exc


def _agreement(model_dir: Path, path: Path) -> float:
    """The smallest cosine between the export's vectors and sentence-transformers' on the probe texts."""
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True).encode(list(PROBES), normalize_embeddings=True)
    ours = np.asarray(OnnxEmbedder("probe", model_dir, path, threads=1).embed_batch(PROBES))
    return float((reference * ours).sum(axis=1).min())


class OnnxEmbedder(Embedder):
    """A model on ONNX Runtime, tokenised with its own tokenizer.json; texts sorted by length and run in groups sized
    by tokens (many short texts or a few long ones per run: little padding, a small memory arena).

    ``pooling``: "graph" when the graph already outputs one vector per text (our exports), else "cls" or "mean" over
    its token vectors; ``query_prefix`` goes before questions only (``embed_query``)."""

    def __init__(self, name: str, model_dir: Path, path: Path, batch_size: int = 64, threads: int | None = None, *,
                 pooling: str = "graph", normalise: bool = True, query_prefix: str = "", max_tokens: int | None = None):
        from tokenizers import Tokenizer

        self.name = name
        self.batch_size = batch_size
        self.run_size = max(1, min(batch_size, RUN_SIZE))
        self.pooling, self.normalise, self.query_prefix = pooling, normalise, query_prefix
        self._max_tokens = max_tokens or model_limits(model_dir)
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(self._max_tokens)
        self._tokenizer.no_padding()  # padded per run, to that run's longest text
        self._pad_id = self._tokenizer.token_to_id(_pad_token(model_dir)) or 0
        self._session = onnx_session(path, threads)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()  # one run at a time: each already uses every core

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def embed_query(self, text: str) -> list[float]:
        return self.embed_batch([self.query_prefix + text])[0]

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))  # similar lengths together: less padding
        out: np.ndarray | None = None
        with self._lock:
            for idx in token_runs([len(encodings[i].ids) for i in order], self.run_size * RUN_TOKENS_EACH, self.batch_size):
                rows = [encodings[order[i]] for i in idx]
                vectors = self._run(rows)
                if out is None:
                    out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
                out[[order[i] for i in idx]] = vectors
        return out.tolist()

    def _run(self, rows) -> np.ndarray:
        width = max(len(e.ids) for e in rows)
        ids = np.full((len(rows), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, e in enumerate(rows):
            ids[r, : len(e.ids)] = e.ids
            mask[r, : len(e.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        if self.pooling == "cls":
            vectors = hidden[:, 0]
        elif self.pooling == "mean":
            m = mask[..., None].astype(hidden.dtype)
            vectors = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        else:
            vectors = hidden
        if self.normalise:
            vectors = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return vectors.astype(np.float32, copy=False)


def token_runs(lengths: Sequence[int], budget: int, most: int) -> list[list[int]]:
    """Positions 0..n-1 (lengths sorted longest first) cut into runs whose padded size (rows x longest) stays within
    ``budget`` tokens, and at most ``most`` rows; a text longer than the budget runs alone."""
    runs, start = [], 0
    while start < len(lengths):
        width, end = max(1, lengths[start]), start + 1
        while end < len(lengths) and end - start < most and (end - start + 1) * width <= budget:
            end += 1
        runs.append(list(range(start, end)))
        start = end
    return runs


def onnx_session(path: Path | bytes, threads: int | None = None, flush_denormals: bool = False):
    """An ONNX Runtime CPU session of a graph file (or a graph's bytes): ``threads`` (default every core this process
    may use), idle threads sleep.

    ``flush_denormals``: floats below 1.2e-38 are taken as zero (the CPU's flush-to-zero and denormals-are-zero modes),
    which spares the slow path x86 takes for them; the cross-encoder uses it (same logits, docs/benchmarks.md Session 9)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or len(os.sched_getaffinity(0))
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # idle threads sleep (see OMP_WAIT_POLICY)
    if flush_denormals:
        options.add_session_config_entry("session.set_denormal_as_zero", "1")
    options.log_severity_level = 3
    return ort.InferenceSession(path if isinstance(path, bytes) else str(path), options, providers=["CPUExecutionProvider"])


def _pad_token(model_dir: Path) -> str:
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        try:
            pad = json.loads((model_dir / name).read_text()).get("pad_token")
        except (OSError, ValueError):
            continue
        if isinstance(pad, dict):
            pad = pad.get("content")
        if pad:
            return pad
    raise ExportFailed(f"{model_dir} names no padding token.")
