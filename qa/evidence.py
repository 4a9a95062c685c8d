"""How much to read, and how, for each kind of question: the evidence plan.

A look-up reads the top few passages.  A summary of one document reads that whole document, in order; a topic
summary or a list reads more passages across documents; a comparison takes the best evidence from each source;
a document named in the question ("the opinion piece", "the article about Biden's meeting with Xi", "in the FAQ")
restricts retrieval to it when its title (or, failing that, its text) matches clearly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from qa.question_parts import compared_things, question_parts, source_person, without_document_names
from qa.lexical import stems
from qa.option_evidence import option_descriptions
from qa.question_kinds import QuestionKind, summary_topic
from qa.types import DocumentInfo, Passage

#: Passages read per kind (a look-up uses the caller's k).
READ_K = {"summary": 14, "list": 12, "comparison": 12, "multi_step": 8, "howto": 6, "explanation": 6, "opinion": 8}
TITLE_MATCH = 0.6  # share of a description's words a title must hold ('the State Department report' is not 'the United States ...')
MAX_WHOLE_DOCUMENT_CHUNKS = 40
TOPIC_SUMMARY_K = 24  # a summary of a topic across documents searches this many passages, ...
TOPIC_SUMMARY_PER_SOURCE = 4  # ... keeps at most this many of each document (one source does not fill the summary) ...
TOPIC_SUMMARY_SOURCES = 8  # ... from at most this many documents
CONTINUED_PASSAGES = 3  # a list or a how-to reads the chunk after each of its 3 best passages
MAX_LEAD_DOCUMENTS = 12  # an overview of everything reads the opening of this many documents  # a summary of a very long document reads its first 40 chunks
_GENERIC = set(stems("the this that a an article piece op-ed oped editorial essay post blog report document page manual man guide "
                     "tutorial chapter section letter paper story interview book handbook file text about on titled called named from "
                     "by which describing discussing covering regarding in according to"))
_SYNONYMS = {"opinion": "opinion perspective view commentary editorial op-ed column", "faq": "faq frequently asked questions",
             "blog": "blog post", "interview": "interview q&a"}

Search = Callable[..., list[Passage]]  # (question, k, documents=None) -> passages


@dataclass
class EvidencePlan:
    """What to read for one question."""

    kind: str  # the question's kind (qa.question_kinds.KINDS)
    query: str  # what retrieval searches for (a summary's topic rather than 'summarize ...')
    k: int  # passages to read
    documents: list[str] | None = None  # doc_ids retrieval is restricted to; None: the whole collection
    whole_document: str | None = None  # doc_id read whole and in order (a summary of one document)
    leads: bool = False  # an overview of everything: the opening passages of every document
    sub_queries: list[str] = field(default_factory=list)  # a multi-step question's parts, a comparison's sides: each searched on its own too
    sub_documents: list[list[str] | None] = field(default_factory=list)  # per sub-query, the doc_ids it is restricted to (default: ``documents``)
    sub_k: int = 3  # passages read per sub-query
    per_source: int = 0  # comparison: best passages kept from each document
    max_sources: int = 4  # comparison, topic summary: documents kept (best first) when ``per_source`` is set
    continuations: int = 0  # list, howto: the chunk after each of this many best passages is read too (a list or code block goes on there)
    notes: list[str] = field(default_factory=list)  # why the plan is what it is (for debugging and the docs)


def hint_words(hint: str) -> list[str]:
    """The stems of a document's description that can match a title ('the article about Biden's meeting' -> biden, meet)."""
    hint = re.sub(r"(?<=\w)-(?=\w)", " ", hint)
    words = [s for s in stems(hint) if s not in _GENERIC]
    for key, more in _SYNONYMS.items():
        if key in hint.lower():
            words += [s for s in stems(more) if s not in words]
    return words


def title_matches(hint: str, documents: Sequence[DocumentInfo]) -> list[tuple[float, str]]:
    """(share of the hint's words found in the document's title and file name, doc_id), best first; a word also
    counts as found when one of its synonyms is ('opinion' / 'perspective')."""
    base = list(dict.fromkeys(s for s in stems(re.sub(r"(?<=\w)-(?=\w)", " ", hint)) if s not in _GENERIC))
    if not base:
        return []
    alternatives = {w: {w} for w in base}
    for key, more in _SYNONYMS.items():
        for w in base:
            if stems(key) and w == stems(key)[0]:
                alternatives[w] |= set(stems(more))
    scored = []
    for d in documents:
        have = set(stems(f"{d.title} {d.doc_id} {re.sub(r'[_./-]', ' ', d.source.rsplit('/', 1)[-1])}"))
        names = file_words(d.doc_id)  # 'the FAQ' is gitfaq.html: a word of the hint inside a word of the file name
        found = sum(1 for w in base if alternatives[w] & have or (len(w) >= 3 and any(w in n and n != w for n in names)))
        if found:
            scored.append((found / len(base), d.doc_id))
    return sorted(scored, reverse=True)


def file_words(doc_id: str) -> list[str]:
    """The stems of a document's file name without its extension ('git-bisect.html' -> git, bisect)."""
    name = doc_id.rsplit("/", 1)[-1]
    name = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)
    return stems(re.sub(r"[_.-]", " ", name))


def document_of_topic(topic: str, documents: Sequence[DocumentInfo]) -> str | None:
    """The one document whose file name the topic spells out ('how git bisect works' -> git-bisect.html, 'job
    control basics' -> job-control-basics.pdf), its words rare among the collection's file names; None otherwise."""
    if len(documents) < 2:
        return None
    words = {d.doc_id: file_words(d.doc_id) for d in documents}
    share = {}
    for ws in words.values():
        for w in set(ws):
            share[w] = share.get(w, 0) + 1
    mine = set(stems(topic))
    found = []
    for doc, ws in words.items():
        rare = [w for w in ws if share[w] <= max(1, len(documents) // 4) and not w.isdigit()]
        if rare and set(rare) <= mine and all(w in mine or share[w] > len(documents) // 4 or w.isdigit() for w in ws):
            found.append(doc)
    return found[0] if len(found) == 1 else None


def own_page(question: str, doc_ids: Sequence[str]) -> str | None:
    """Among the documents read, the one whose file name the question spells out ('Is git switch experimental?' ->
    git-switch.html), as document_of_topic finds it; None when none or several do."""
    return document_of_topic(question, [DocumentInfo(doc_id=d, title="", source="", chunks=0) for d in dict.fromkeys(doc_ids)])


def match_document(hint: str, documents: Sequence[DocumentInfo], search: Search | None = None) -> str | None:
    """The one document the phrase names, or None when no title (or text) matches it clearly."""
    if not hint or not documents:
        return None
    if len(documents) == 1:
        return documents[0].doc_id
    scored = title_matches(hint, documents)
    if scored and scored[0][0] >= TITLE_MATCH and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    if scored and scored[0][0] >= TITLE_MATCH:  # a tie: 'the gittutorial manual page' is gittutorial.html, not gittutorial-2.html
        tied = [d for share, d in scored if share == scored[0][0]]
        exact = [d for d in tied if set(file_words(d)) <= set(hint_words(hint))]
        if len(exact) == 1:
            return exact[0]
    words = [w for w in re.findall(r"[\w'’-]+", hint) if w.lower() not in _GENERIC and stems(w)]
    about = re.search(r"\b(about|on|regarding|covering|discussing|describing)\b", hint, re.I)
    if search is not None and about and len(words) >= 2:  # 'the article about Biden's meeting with Xi': whose text it is about
        hits = search(" ".join(words), 3)
        ids = [p.doc_id for p in hits]
        if ids and ids.count(ids[0]) >= 2 and (not scored or ids[0] in {d for _, d in scored[:2]} or scored[0][0] < TITLE_MATCH):
            return ids[0]
    return None


def plan_evidence(question: str, kind: QuestionKind, documents: Sequence[DocumentInfo], k: int, search: Search | None = None) -> EvidencePlan:
    """The plan for one question: its query, how many passages, and from which documents."""
    plan = EvidencePlan(kind=kind.kind, query=question, k=max(k, READ_K.get(kind.kind, k)))
    hints = kind.document_hints or ((kind.document_hint,) if kind.document_hint else ())
    named = [d for d in dict.fromkeys(match_document(h, documents, search) for h in hints) if d]
    if named:
        plan.documents = named
        plan.notes.append(f"restricted to {', '.join(named)} (named as {', '.join(hints)})")
    if kind.kind == "summary":
        topic_document = document_of_topic(summary_topic(question), documents) if kind.scope == "topic" and not named else None
        if topic_document:  # 'Summarize how git bisect works': the git-bisect page is what it is about
            named = [topic_document]
            plan.documents = named
            plan.notes.append(f"the topic names {topic_document}")
        if kind.scope in ("document", "topic") and len(named) == 1:
            plan.whole_document = named[0]
        elif kind.scope == "everything" and len(documents) == 1:
            plan.whole_document = documents[0].doc_id
        elif kind.scope == "everything":
            plan.leads = True
        if kind.scope == "topic" and not plan.whole_document:  # a topic across documents: read more, a few passages of each
            plan.k, plan.per_source, plan.max_sources = max(plan.k, TOPIC_SUMMARY_K), TOPIC_SUMMARY_PER_SOURCE, TOPIC_SUMMARY_SOURCES
        plan.query = summary_topic(question)
    if kind.kind == "multi_step":
        plan.sub_queries = question_parts(question)
    if kind.kind in ("opinion", "comparison") and named:  # the documents' names say where to read, not what to find
        plan.query = without_document_names(question, hints)
    if kind.kind == "opinion" and not named:  # a person named: the passages that quote them, too
        person = source_person(question)
        if person:
            plan.sub_queries = [person]
            plan.notes.append(f"opinion of {person}: the passages naming them searched too")
    if kind.kind == "comparison":
        plan_comparison(plan, plan.query, named, documents)
    if kind.kind == "yes_no" and not named:  # 'Does git revert remove ...?': the git-revert page is read too
        own = document_of_topic(question, documents)
        if own:
            plan.sub_queries, plan.sub_documents = [question], [[own]]
            plan.notes.append(f"the question is about {own}: it is searched too")
    if kind.kind in ("list", "howto"):
        plan.continuations = CONTINUED_PASSAGES
    return plan


def plan_comparison(plan: EvidencePlan, question: str, named: list[str], documents: Sequence[DocumentInfo] = ()) -> None:
    """Two documents named: each searched on its own for the question; two things named ('git reset and git
    revert'): each searched on its own, within the named documents if any; else the best passages of each source."""
    sides = compared_things(question)
    if len(named) >= 2:
        plan.sub_queries = [question] * len(named)
        plan.sub_documents = [[d] for d in named]
        plan.sub_k = 4
        plan.notes.append("comparison of the named documents: each searched on its own")
    elif sides:
        plan.sub_queries = [s.query for s in sides]
        plan.sub_documents = [plan.documents for _ in sides]
        plan.sub_k = 4
        for side in sides:  # a thing with a page of its own ('git revert' / git-revert(1)): that page searched too
            own = match_document(side.label, documents) if len(documents) > 1 else None
            if own and own not in (plan.documents or [own]):
                continue
            if own:
                plan.sub_queries.append(side.query)
                plan.sub_documents.append([own])
        plan.notes.append(f"comparison of {' / '.join(s.label for s in sides)}: each searched on its own")
    else:
        plan.per_source = 2


def gather(plan: EvidencePlan, search: Search, document_passages: Callable[[str], list[Passage]] | None = None,
           list_ids: Sequence[str] = ()) -> list[Passage]:
    """Carry out a plan: the passages to answer from (``list_ids``: every document's id, for an overview)."""
    if plan.whole_document and document_passages is not None:
        whole = document_passages(plan.whole_document)[:MAX_WHOLE_DOCUMENT_CHUNKS]
        if whole:
            return _merge_in_order(whole)
    if plan.leads and document_passages is not None and list_ids:
        return [p for doc in list_ids[:MAX_LEAD_DOCUMENTS] for p in _merge_in_order(document_passages(doc)[:2])]
    passages = search(plan.query, plan.k, documents=plan.documents)
    for i, sub in enumerate(plan.sub_queries):  # each fact of a multi-step question, each side of a comparison, found on its own
        within = plan.sub_documents[i] if i < len(plan.sub_documents) else plan.documents
        passages = with_unread(passages, search(sub, plan.sub_k, documents=within))
    if plan.documents and not passages:  # the named document holds nothing on it: read everything rather than nothing
        passages = search(plan.query, plan.k)
    if plan.kind != "summary" and document_passages is not None:  # an option the question names: its own description (qa.option_evidence)
        passages = with_unread(passages, option_descriptions(plan.query, passages, own_page(plan.query, [p.doc_id for p in passages]), document_passages))
    if plan.per_source:
        passages = best_per_source(passages, plan.per_source, plan.max_sources)
    if plan.continuations and document_passages is not None:
        passages = with_continuations(passages, plan.continuations, document_passages)
    return passages


def with_continuations(passages: list[Passage], best: int, document_passages: Callable[[str], list[Passage]]) -> list[Passage]:
    """The passages, each of the ``best`` first followed (at the end, after every passage retrieved) by the chunk
    that continues it in its document, past the following chunks that were read already: the items after 'the
    following are disallowed:' or the code after 'To ... :' often go on there."""
    have = {p.chunk_id for p in passages}
    added: list[Passage] = []
    chunks_of: dict[str, list[Passage]] = {}
    for p in passages[:best]:
        if p.doc_id not in chunks_of:
            chunks_of[p.doc_id] = document_passages(p.doc_id)
        chunks, at = chunks_of[p.doc_id], p
        while True:  # past the chunks after it that were read already, to the first that was not
            after = [c for c in chunks if c.start > at.start]
            if not after or after[0].start > at.end + 2:
                break
            if after[0].chunk_id not in have and not covered(after[0], passages):  # a merged passage may hold it already
                nxt = after[0].model_copy(update={"score": p.score * 0.9})
                have.add(nxt.chunk_id)
                added.append(nxt)
                break
            at = after[0]
    return passages + added


def with_unread(passages: list[Passage], found: Sequence[Passage]) -> list[Passage]:
    """The passages, then those of ``found`` that are not read already: the retriever merges neighbouring chunks,
    so one search may return 'doc::31' and another 'doc::31+32' (the wider one replaces the narrower, in its place)."""
    out = list(passages)
    for p in found:
        if any(q.chunk_id == p.chunk_id for q in out) or covered(p, out):
            continue
        inside = [i for i, q in enumerate(out) if q.doc_id == p.doc_id and p.start <= q.start and q.end <= p.end]
        if inside:
            out[inside[0]] = p
            out = [q for i, q in enumerate(out) if i not in inside[1:]]
        else:
            out.append(p)
    return out


def covered(chunk: Passage, passages: Sequence[Passage]) -> bool:
    """Does a passage read hold the whole chunk (the retriever may merge neighbouring chunks into one passage)?"""
    return any(p.doc_id == chunk.doc_id and p.start <= chunk.start and chunk.end <= p.end for p in passages)


def best_per_source(passages: Sequence[Passage], per_source: int, max_sources: int = 4) -> list[Passage]:
    """The best ``per_source`` passages of each document (best documents first), so every source is heard."""
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    chosen = [p for doc in list(by_doc)[:max_sources] for p in by_doc[doc][:per_source]]
    return sorted(chosen, key=lambda p: -p.score)


def _merge_in_order(chunks: list[Passage]) -> list[Passage]:
    """A document's chunks, overlapping sentences dropped: each passage starts where the previous one ended."""
    out: list[Passage] = []
    for p in chunks:
        if out and p.start < out[-1].end:
            cut = out[-1].end - p.start
            if cut >= len(p.text):
                continue
            p = p.model_copy(update={"text": p.text[cut:].lstrip(), "start": p.start + cut + (len(p.text[cut:]) - len(p.text[cut:].lstrip()))})
        out.append(p)
    return out
