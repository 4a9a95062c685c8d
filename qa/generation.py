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


GENERATORS = ("extractive",)


def get_generator(name: str, store=None) -> Generator:
    """The generator called ``name``; a clear error when it is unknown or cannot run here.

    ``store`` (a qa.store.ChromaStore) lets generators weigh words by their rarity in the collection."""
    if name == "extractive":
        from qa.embedding import get_embedder
        from qa.extractive import ExtractiveGenerator
        from qa.settings import get_settings

        s = get_settings()
        return ExtractiveGenerator(
            get_embedder(s.embedding_model, s.embedding_batch_size), s.min_evidence_score, s.max_answer_sentences,
            term_weight=store.lexical().idf if store is not None else None, min_coverage=s.min_evidence_coverage,
        )
    raise GeneratorError(f"Unknown generator {name!r}; choose one of: {', '.join(GENERATORS)} (option --generator or QA_GENERATOR).")
