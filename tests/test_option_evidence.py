"""A question naming an option reads that option's own description (qa.option_evidence), and a later sentence of
the description can answer it (qa.term_match.description_terms); on text shaped as the readers shape manual pages
(blocks joined by blank lines), chunked as the store keeps them."""

from qa.evidence import EvidencePlan, gather
from qa.option_evidence import describing_chunks, named_options, option_descriptions
from qa.term_match import NAMED_LATER, description_terms, names_term, term_fit
from tests.test_compose_structured import P, S

RM = [  # git-rm(1), three chunks in document order
    "git rm [-f | --force] [-n] [-r] [--cached] [--ignore-unmatch] <pathspec>...\n\nRemove files matching pathspec from the index.",
    "-n\n\n--dry-run\n\nDon't actually remove any file(s). Instead, just show if they exist in the index.\n\n--cached",
    "Use this option to unstage and remove paths only from the index. Working tree files will be left alone.\n\n"
    "--ignore-unmatch\n\nExit with a zero status even if no files matched.",
    "Other ways\n\nIf you really want to, run git diff --name-only --diff-filter=D -z | xargs -0 git rm --cached.",
]


def rm_chunks(doc="git-rm.html"):
    out, start = [], 0
    for i, text in enumerate(RM):
        out.append(P(text, doc=doc, start=start, i=i, heading="git-rm(1) › OPTIONS"))
        start += len(text) + 2
    return out


def test_named_options():
    assert named_options("What does git rm --cached do?") == ["--cached"]
    assert named_options("What is the default value of gc.auto?") == ["gc.auto"]
    assert named_options("How do I remove a file?") == []


def test_the_chunk_whose_term_names_the_option_and_the_description_after_it():
    chunks = rm_chunks()
    found = describing_chunks(["--cached"], chunks)
    assert [c.chunk_id for c in found] == ["git-rm.html::1", "git-rm.html::2"]  # the term closes chunk 1: chunk 2 describes it
    assert [c.chunk_id for c in describing_chunks(["--ignore-unmatch"], chunks)] == ["git-rm.html::2"]
    assert describing_chunks(["--force"], chunks) == []  # only in the synopsis, no term of its own


def test_option_descriptions_are_read_besides_what_search_found():
    chunks = rm_chunks()
    searched = [chunks[3], chunks[0]]  # the passing mention and the synopsis, as search ranks them
    added = option_descriptions("What does git rm --cached do?", searched, "git-rm.html", lambda doc: chunks)
    assert [c.chunk_id for c in added] == ["git-rm.html::1", "git-rm.html::2"]
    assert option_descriptions("How do I remove a file?", searched, "git-rm.html", lambda doc: chunks) == []
    assert option_descriptions("What does git rm --cached do?", chunks, "git-rm.html", lambda doc: chunks) == []  # all read already


def test_gather_reads_the_description_of_a_named_option():
    chunks = rm_chunks()
    plan = EvidencePlan(kind="lookup", query="What does git rm --cached do?", k=2)
    read = gather(plan, lambda q, k, documents=None: [chunks[3]], lambda doc: chunks if doc == "git-rm.html" else [])
    assert [p.chunk_id for p in read] == ["git-rm.html::3", "git-rm.html::1", "git-rm.html::2"]


GC = ("gc.auto\n\nWhen there are approximately more than this many loose objects, git gc --auto will pack them. "
      "The default value is 6700.\n\nSetting this to 0 disables automatic packing.\n\ngc.autoPackLimit\n\nThe default value is 50.")


def test_a_later_sentence_of_the_named_description_fits():
    passages = [P(GC, doc="git-gc.html", heading="git-gc(1) › CONFIGURATION")]
    assert term_fit("What is the default value of gc.auto?", S(passages, 1, "The default value is 6700."), passages) == NAMED_LATER
    later = S(passages, 1, "Setting this to 0 disables automatic packing.")  # a paragraph further down the same description
    assert description_terms(passages, 1, later.start) == ["gc.auto"]
    assert term_fit("What is the default value of gc.auto?", later, passages) == NAMED_LATER
    assert term_fit("What is the default value of gc.auto?", S(passages, 1, "The default value is 50."), passages) == 0.0  # another setting's
    assert term_fit("What is the default value of gc.autoPackLimit?", S(passages, 1, "The default value is 6700."), passages) == 0.0


def test_names_term():
    assert names_term("What does git clean -n do?", "-n")
    assert names_term("What does git rm --cached do?", "--cached")
    assert not names_term("What does git rm --cached do?", "--quiet")
    assert not names_term("What does git rm --cached do?", "")
