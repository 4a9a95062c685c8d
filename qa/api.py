"""The Python API: ingest, search, ask.  The flow reads top to bottom in ``ask``:
question -> passages (retrieval) -> draft (generator) -> answer with numbered, checked citations."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from qa.citations import build_citations
from qa.errors import InvalidQuestion
from qa.generation import Draft, get_generator
from qa.settings import get_settings
from qa.types import NOT_FOUND, Answer, DocumentInfo, FileProblem, IngestReport, Passage

StorePath = str | Path | None
_stores: dict[tuple[str, str], object] = {}
_lock = threading.Lock()


def _store(store: StorePath, collection: str | None, create: bool = False, refresh: bool = True):
    """The process's open store for (store, collection); ``refresh``: first catch up with changes another process made
    (one metadata read; the Chroma client and the BM25 index are reopened only when the revision moved)."""
    from qa.store import open_store

    key = (str(store), collection or get_settings().collection)
    with _lock:
        if key not in _stores:
            _stores[key] = open_store(store, collection, create=create)
            return _stores[key]
        st = _stores[key]
    if refresh:
        st.refresh()
    return st


def _embedder(model: str):
    """The process's model, scheduled: a question's embedding goes ahead of bulk batches (qa.scheduling)."""
    from qa.embedding import get_embedder
    from qa.scheduling import ScheduledEmbedder

    s = get_settings()
    return ScheduledEmbedder(get_embedder(model, s.embedding_batch_size, s.embedding_backend))


class _LazyEmbedder:
    """The collection's model, loaded on the first text to embed: re-ingesting an unchanged corpus never loads it."""

    def __init__(self, model: str):
        self.name = model
        self._embedder = None

    def _get(self):
        if self._embedder is None:
            self._embedder = _embedder(self.name)
        return self._embedder

    def embed_batch(self, texts):
        return self._get().embed_batch(texts) if texts else []

    def embed(self, text):
        return self._get().embed(text)


def check_question(question: str) -> str:
    """The question, stripped; a clear error when it is empty or too long."""
    if not isinstance(question, str) or not question.strip():
        raise InvalidQuestion("The question is empty: type a question about your documents.")
    limit = get_settings().max_question_chars
    if len(question) > limit:
        raise InvalidQuestion(f"The question is {len(question):,} characters long; the limit is {limit:,} (QA_MAX_QUESTION_CHARS). Shorten it to the question itself.")
    return question.strip()


def ingest(paths: list[str | Path] | str | Path, *, store: StorePath = None, collection: str | None = None, prune: bool = False,
           progress: Callable[[int, int, str], None] | None = None, show_progress: bool = False) -> IngestReport:
    """Add files and folders to a collection; unchanged documents are skipped, changed ones replaced.
    With ``prune``, documents whose files are gone from the given folders are removed."""
    from qa.disk_space import writing
    from qa.ingestion import Ingestion

    s = get_settings()
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    st = _store(store, collection, create=True, refresh=False)
    with st.writing(), writing(getattr(st, "folder", None)):  # writers take turns; a full disk: one message naming the fix
        run = Ingestion(st, _LazyEmbedder(st.embedding_model), chunk_chars=s.chunk_chars, overlap=s.chunk_overlap_sentences,
                        progress=progress, max_file_bytes=int(s.max_file_mb * 2**20))
        report = run.run(paths, prune=prune, show_bar=show_progress)
    from qa.duplicates import duplicate_warnings

    report.warnings += [FileProblem(path=run.records.get(doc_id, {}).get("source", doc_id), reason=warning)
                        for doc_id, warning in duplicate_warnings(run.records, report.added + report.replaced)]
    return report


def search(question: str, k: int = 5, *, documents: list[str] | None = None, store: StorePath = None, collection: str | None = None) -> list[Passage]:
    """The k passages that best match the question, best first; only from ``documents`` (doc_ids) when given."""
    st = _store(store, collection)
    return _retrieve(st, check_question(question), k, check_documents(st, documents))


def _retrieve(st, question: str, k: int, documents: list[str] | None) -> list[Passage]:
    """Retrieval on an open store, for a checked question and checked doc_ids."""
    from qa.retrieval import Retriever

    return Retriever(st, _embedder(st.embedding_model)).search(question, k, documents)


def check_documents(st, documents: list[str] | None) -> list[str] | None:
    """The doc_ids of a filter (None or empty: every document); a clear error naming any the collection lacks."""
    if not documents:
        return None
    if isinstance(documents, str):
        documents = [documents]
    unknown = sorted(set(documents) - set(st.documents()))
    if unknown:
        from qa.errors import UnknownDocument

        raise UnknownDocument(f"No document {', '.join(map(repr, unknown))} in collection {st.name!r}: `qa documents` "
                              f"(or list_documents(), GET /v1/documents) lists the ids.")
    return list(dict.fromkeys(documents))


def ask(question: str, *, history: list[tuple[str, str]] | None = None, k: int | None = None, generator: str | None = None,
        documents: list[str] | None = None, store: StorePath = None, collection: str | None = None) -> Answer:
    """Answer a question from the collection, citing the passages each claim rests on.

    ``history``: the conversation so far as (user message, assistant message) pairs, oldest first; a follow-up
    question is rewritten into one that stands alone before retrieval (reported as ``standalone_question``).
    ``documents``: doc_ids to answer from (None: the whole collection); an unknown id is an UnknownDocument error."""
    answer = None
    for item in ask_stream(question, history=history, k=k, generator=generator, documents=documents, store=store, collection=collection):
        if isinstance(item, Answer):
            answer = item
    assert answer is not None
    return answer


def ask_stream(question: str, *, history: list[tuple[str, str]] | None = None, k: int | None = None, generator: str | None = None,
               documents: list[str] | None = None, store: StorePath = None, collection: str | None = None) -> Iterator[str | Answer]:
    """Like ``ask``, but yields the answer's text as it is written, then the final Answer (whose text may
    differ from the streamed draft once its citations are checked).

    With a language model (``local``, ``openai``) a checked extractive Answer comes first, at once (its ``notice``
    says it is preliminary); the model's text pieces follow, then its checked Answer, which replaces it.  The last
    Answer yielded is the answer."""
    from qa.scheduling import GATE

    with GATE.foreground():  # a question in flight: bulk embedding (an upload) waits between its small batches
        yield from _ask_stream(question, history=history, k=k, generator=generator, documents=documents, store=store, collection=collection)


def _ask_stream(question: str, *, history: list[tuple[str, str]] | None, k: int | None, generator: str | None,
                documents: list[str] | None, store: StorePath, collection: str | None) -> Iterator[str | Answer]:
    from qa.conversation import needs_context, standalone_question
    from qa.errors import GeneratorError
    from qa.question_kinds import classify

    s = get_settings()
    question = check_question(question)
    st = _store(store, collection)
    allowed = check_documents(st, documents)
    gen = get_generator(generator or s.generator, st)
    rewriter = getattr(gen, "complete", None)
    if not getattr(gen, "writes", lambda kind: True)("followup"):  # its model does not rewrite follow-ups: the rule does
        rewriter = None
    # The rule rewrites a follow-up at once.  Where the model rewrites it too (5-40 s with the packaged model), the
    # extractive answer to the rule's rewrite is on screen meanwhile, and the model's rewrite is answered after.
    model_rewrites = rewriter is not None and bool(history) and needs_context(question, history)
    standalone = standalone_question(question, history)
    kind = classify(standalone)
    passages = read_evidence(standalone, kind, k or s.top_k, st, allowed)
    kind_name = kind.kind
    preliminary = None
    if gen.name != "extractive":  # a cited answer at once, from the extractive generator; the model's replaces it
        preliminary = _quick_answer(gen, st, standalone, passages)
        if model_rewrites:
            _finish(preliminary, question, standalone, kind_name, PRELIMINARY_NOTICE.format(generator=gen.name))
            yield preliminary
            rewritten = standalone_question(question, history, rewriter)
            if rewritten != standalone:
                standalone, kind = rewritten, classify(rewritten)
                passages, kind_name = read_evidence(standalone, kind, k or s.top_k, st, allowed), kind.kind
                preliminary = _quick_answer(gen, st, standalone, passages)
        if not getattr(gen, "writes", lambda kind: True)(kind_name):  # the model does not write this kind (qa.llm_kinds)
            notice = KIND_NOT_WRITTEN_NOTICE.format(generator=gen.name, kind=kind_name, setting=gen.name.upper())
            _finish(preliminary, question, standalone, kind_name, notice)
            yield preliminary
            return
        _finish(preliminary, question, standalone, kind_name, PRELIMINARY_NOTICE.format(generator=gen.name))
        yield preliminary
    draft, notice, used = Draft(text="", declined=True), None, gen.name
    try:
        for piece in gen.stream(standalone, passages):
            if isinstance(piece, Draft):
                draft = piece
            else:
                yield piece
    except GeneratorError as exc:  # the model failed: the extractive generator still answers, and says so
        notice = f"{exc} This answer comes from the extractive generator instead."
        fallback = get_generator("extractive", st)
        draft, used = fallback.generate(standalone, passages), fallback.name
    answer = compose_answer(standalone, passages, draft, used)
    if preliminary is not None and preliminary.grounded and not answer.grounded and notice is None:
        answer = preliminary  # nothing the model wrote could be verified: the checked extractive answer stands
        notice = f"Nothing in the {gen.name} generator's answer could be verified against the passages; this is the extractive answer."
    _finish(answer, question, standalone, kind_name, notice)
    yield answer


PRELIMINARY_NOTICE = "Preliminary answer from the extractive generator; the {generator} generator's answer follows."
KIND_NOT_WRITTEN_NOTICE = ("The {generator} generator's model is not asked to write answers to {kind} questions "
                           "(setting QA_{setting}_LLM_KINDS); this is the extractive answer.")


def _quick_answer(gen, st, question: str, passages: list[Passage]) -> Answer:
    """The extractive answer shown while a model writes (a chat generator makes its draft once, and its prompt from it)."""
    made_by = getattr(gen, "extractive_draft", None)
    draft = made_by(question, passages) if made_by else get_generator("extractive", st).generate(question, passages)
    return compose_answer(question, passages, draft, "extractive")


def _finish(answer: Answer, question: str, standalone: str, kind: str, notice: str | None) -> None:
    answer.question, answer.notice, answer.kind = question, notice, kind
    answer.standalone_question = standalone if standalone != question else None


def read_evidence(question: str, kind, k: int, st, allowed: list[str] | None = None) -> list[Passage]:
    """The passages the question's kind calls for (qa.evidence): more for a summary or a list, a whole document
    for a summary of one, the best of each source for a comparison, only the document the question names.
    ``allowed``: the caller's document filter (doc_ids); nothing outside it is ever read."""
    from qa.evidence import gather, plan_evidence

    def find(query: str, n: int, documents: list[str] | None = None) -> list[Passage]:
        scope = documents or allowed
        if documents and allowed:  # the plan's choice, within the caller's filter
            scope = [d for d in documents if d in allowed] or allowed
        # ids from the manifest or already checked, on the store already open: no second manifest read per search
        return _retrieve(st, check_question(query), n, scope)

    documents = st.list_documents() if kind.document_hint or kind.kind in ("summary", "comparison", "yes_no") else []  # a comparison, a yes/no: things with pages of their own
    if allowed:
        documents = [d for d in documents if d.doc_id in allowed]
    plan = plan_evidence(question, kind, documents, k, find)
    return gather(plan, find, getattr(st, "document_passages", None), [d.doc_id for d in documents])


def compose_answer(question: str, passages: list[Passage], draft: Draft, generator: str) -> Answer:
    """Turn a generator's draft into an Answer: every sentence checked against the passages, citations numbered
    by first use, each with its supporting sentence; or the fixed NOT_FOUND reply when nothing is supported."""
    from qa.embedding import sentence_embedder
    from qa.verification import Verifier

    declined = Answer(question=question, text=NOT_FOUND, citations=[], grounded=False, passages=passages, generator=generator)
    if draft.declined or not draft.text.strip():
        return declined
    checked = Verifier(sentence_embedder()).check(draft.text, passages, question)
    targets = [passages[n - 1] for n, *_ in checked.targets]
    quotes = {i: (quote, start, end) for i, (_, quote, start, end) in enumerate(checked.targets, start=1)}
    text, citations = build_citations(checked.text, targets, quotes)
    if not citations:
        return declined
    missing = not_covered(question, [c.text for c in citations])
    if missing:
        text += f" The documents do not say anything about {', '.join(missing)}."
    return Answer(question=question, text=text, citations=citations, grounded=True, passages=passages, generator=generator,
                  verified_sentences=checked.verified, unverified_sentences=len(checked.unverified), unverified=checked.unverified,
                  not_covered=missing)


def not_covered(question: str, cited_texts: list[str]) -> list[str]:
    """Figures (years, amounts) the question names that no cited passage holds; not the values of its 'If ...,'
    clause ('If a command is killed by signal 9, ...'): they are the asker's, not facts to find."""
    from qa.lexical import numbers, words
    from qa.question_parts import without_hypothesis_figures

    question = without_hypothesis_figures(question)

    held = set().union(*(numbers(t) for t in cited_texts)) if cited_texts else set()
    return [w for w in dict.fromkeys(words(question)) if w[0].isdigit() and w.replace(",", "").rstrip("%") not in held]


def answer_structure(answer: Answer) -> list[dict]:
    """The answer's blocks: paragraphs, list items, code blocks, arithmetic lines, each with the sources it cites."""
    from qa.structure import answer_structure as structure

    return structure(answer)


def list_documents(*, store: StorePath = None, collection: str | None = None) -> list[DocumentInfo]:
    """The documents in a collection."""
    return _store(store, collection, create=True).list_documents()


def list_collections(*, store: StorePath = None) -> list[str]:
    """The collections of a store, by name."""
    return _store(store, None, create=True).collections()


def remove_documents(doc_ids: list[str], *, store: StorePath = None, collection: str | None = None) -> int:
    """Remove documents (all their chunks); returns the chunks removed."""
    from qa.disk_space import writing

    st = _store(store, collection, create=True, refresh=False)
    with st.writing(), writing(getattr(st, "folder", None)):
        return st.remove_documents(doc_ids)


def available_generators() -> list[str]:
    """Generators that can run here."""
    from qa.generation import available_generators as found

    return found()
