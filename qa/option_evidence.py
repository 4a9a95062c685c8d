"""A question that names an option or a setting reads that option's own description.

'Does git add -p let me stage parts of a file?' names '-p'; git-add's OPTIONS list it as the terms '-p' / '--patch'
above 'Interactively choose hunks of patch between the index and the work tree ...'.  That description shares few
words with the question, so search (by meaning and by words) often brings other passages of the page instead: ones
that mention '-p' in passing, the synopsis.  The term line is what says where the answer is: the chunk that holds a
term line naming the literal the question names is read too (the chunk after it as well when the term closes its
chunk, so that the description is read whole).

Which documents: the page the question names ('git add' -> git-add.html) when one of those read is it, else the
documents of the best passages read.  Pure functions over passages; the caller gives a document's chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qa.compose_structured import looks_like_term
from qa.term_match import literals, term_literals
from qa.types import Passage

MAX_OPTION_CHUNKS = 2  # chunks added for the options a question names (a question naming 5 options is a list's, read as searched)
SEARCHED_DOCUMENTS = 2  # without a page the question names, the documents of this many best passages are searched


def named_options(question: str) -> list[str]:
    """The options and settings a question names ('-p', '--cached', 'gc.auto'), in a stable order."""
    return sorted(literals(question))


def describing_chunks(options: Sequence[str], chunks: Sequence[Passage]) -> list[Passage]:
    """The chunks of one document (in order) whose text holds a definition-list term naming one of ``options``
    ('-p' / '--patch' above its description), each followed by the next chunk when the term is its last block."""
    wanted = set(options)
    found: list[Passage] = []
    for i, chunk in enumerate(chunks):
        blocks = [b.strip() for b in chunk.text.split("\n\n")]
        hits = [j for j, b in enumerate(blocks) if looks_like_term(b) and wanted & term_literals([b])]
        if not hits:
            continue
        found.append(chunk)
        if hits[-1] == len(blocks) - 1 and i + 1 < len(chunks):  # the term closes the chunk: its description is in the next
            found.append(chunks[i + 1])
    return found


def option_documents(question: str, passages: Sequence[Passage], own: str | None) -> list[str]:
    """Where to look for the descriptions: the question's own page when it was read, else the documents of the best
    passages."""
    if own:
        return [own]
    return list(dict.fromkeys(p.doc_id for p in passages))[:SEARCHED_DOCUMENTS]


def option_descriptions(question: str, passages: Sequence[Passage], own: str | None,
                        document_passages: Callable[[str], list[Passage]]) -> list[Passage]:
    """The chunks describing the options the question names, not read yet, at most MAX_OPTION_CHUNKS; [] when the
    question names none (or names so many that it asks about them all)."""
    options = named_options(question)
    if not options or len(options) > 2:
        return []
    have = {p.chunk_id for p in passages}
    spans = [(p.doc_id, p.start, p.end) for p in passages]
    added: list[Passage] = []
    for doc in option_documents(question, passages, own):
        for chunk in describing_chunks(options, document_passages(doc)):
            inside = any(d == chunk.doc_id and s <= chunk.start and chunk.end <= e for d, s, e in spans)
            if chunk.chunk_id in have or inside or len(added) >= MAX_OPTION_CHUNKS:
                continue
            added.append(chunk)
            have.add(chunk.chunk_id)
    return added
