"""Passages found by the searches of one plan (the question, each part, each side) are read once: the retriever
merges neighbouring chunks, so two searches may return the same text under different chunk ids."""

import pytest

from qa.evidence import with_unread
from tests.test_compose_structured import P

TEXT = "word. " * 100


def chunk(first, last=None, doc="d.html"):
    """Chunk ``first`` (100 characters each), merged with the ones up to ``last`` as the retriever does."""
    last = first if last is None else last
    ids = "+".join(str(i) for i in range(first, last + 1)) if last > first else str(first)
    p = P(TEXT[first * 100 : (last + 1) * 100], doc=doc, start=first * 100, i=first)
    return p.model_copy(update={"chunk_id": f"{doc}::{ids}"})


@pytest.mark.parametrize("read, found, expected", [
    ([chunk(1)], [chunk(1)], ["d.html::1"]),  # the same chunk again
    ([chunk(1, 2)], [chunk(2)], ["d.html::1+2"]),  # a chunk a merged passage holds already
    ([chunk(3)], [chunk(3, 4)], ["d.html::3+4"]),  # a wider passage replaces the narrower, in its place
    ([chunk(0), chunk(3), chunk(4)], [chunk(3, 4)], ["d.html::0", "d.html::3+4"]),  # ... and both it holds
    ([chunk(1)], [chunk(2), chunk(1, doc="e.html")], ["d.html::1", "d.html::2", "e.html::1"]),  # new text is added
    ([chunk(1, 2)], [chunk(2, 3)], ["d.html::1+2", "d.html::2+3"]),  # overlapping only: both kept
])
def test_a_passage_found_again_is_read_once(read, found, expected):
    assert [p.chunk_id for p in with_unread(read, found)] == expected
