"""A question naming a manual's term is answered by the description under it (qa.term_match)."""

import re

import pytest

from qa.term_match import NAMED, NAMED_LATER, WORDED, code_subject, literals, term_fit, term_literals
from tests.test_compose_structured import P, S


@pytest.mark.parametrize("text, expected", [
    ("What does git clean -n do?", {"-n"}),
    ("Which is safer, --force-with-lease or --force?", {"--force-with-lease", "--force"}),
    ("What does clean.requireForce do?", {"clean.requireforce"}),
    ("Is a non-login shell read ~/.bashrc?", set()),  # a word's hyphen names no option
    ("How do I commit?", set()),
    ("Version 2.5 of git-doc", set()),
])
def test_literals(text, expected):
    assert literals(text) == expected


@pytest.mark.parametrize("terms, expected", [
    (["-n", "--dry-run"], {"-n", "--dry-run"}),
    (["-u, --set-upstream"], {"-u", "--set-upstream"}),
    (["--depth <depth>"], {"--depth"}),
    (["--strategy=<strategy>"], {"--strategy"}),
    (["clean.requireForce"], {"clean.requireforce"}),
    (["pop [--index] [-q|--quiet] [<stash>]"], set()),  # a synopsis: its options are the arguments, not the term
])
def test_term_literals(terms, expected):
    assert term_literals(terms) == expected


CLEAN = ("-n\n\n--dry-run\n\nDon't actually remove anything, just show what would be done. It lists them.\n\n"
         "-u, --set-upstream\n\nFor every branch that is up to date or successfully pushed, add upstream (tracking) reference.")


@pytest.mark.parametrize("question, sentence, fit", [
    ("What does git clean -n do?", "Don't actually remove anything, just show what would be done.", NAMED),
    ("What does --dry-run do?", "Don't actually remove anything, just show what would be done.", NAMED),
    ("What does git clean -x do?", "Don't actually remove anything, just show what would be done.", 0.0),
    ("What does -n do?", "It lists them.", NAMED_LATER),  # a later sentence of the description: a little less
    ("What does -x do?", "It lists them.", 0.0),
    ("How do I set the upstream branch when pushing?", "For every branch that is up to date or successfully pushed, add upstream (tracking) reference.", WORDED),
    ("How do I push a branch?", "For every branch that is up to date or successfully pushed, add upstream (tracking) reference.", 0.0),
])
def test_term_fit(question, sentence, fit):
    passages = [P(CLEAN, doc="git-clean.html", heading="git-clean(1) › OPTIONS")]
    assert term_fit(question, S(passages, 1, sentence), passages) == fit


def test_a_code_block_before_a_description_is_no_term():
    """ninja's manual: 'browse' ... 'ninja -t browse --port=8000 mytarget' (an example, a code block), then the next
    entry's term 'graph' and its description. The example names -t; it is not the term the description is under."""
    text = ("browse\n\nbrowse the dependency graph in a web browser. This can be changed as follows:\n\n"
            "ninja -t browse --port=8000 --no-browser mytarget\n\noutput a file in the syntax used by graphviz.")
    code = text.index("ninja -t")
    as_code = [P(text, doc="ninja.html").model_copy(update={"code_spans": [(code, code + len("ninja -t browse --port=8000 --no-browser mytarget"))]})]
    as_text = [P(text, doc="ninja.html")]  # stored before code blocks were kept: told by its look only
    sentence = "output a file in the syntax used by graphviz."
    assert term_fit("List the tools ninja's -t flag offers.", S(as_code, 1, sentence), as_code) == 0.0
    assert term_fit("List the tools ninja's -t flag offers.", S(as_text, 1, sentence), as_text) == NAMED


@pytest.mark.parametrize("sentence, subject", [
    ("The `path.join()` method joins all given `path` segments together.", "path.join()"),
    ("`fs.readFile()` function reads the entire contents of a file.", "fs.readFile()"),
    ("The `node:path` module provides utilities for working with file and directory paths.", "node:path"),
    ("The default operation of the `node:path` module varies.", ""),  # the module is not the subject
    ("Use `path.join()` to build paths.", ""),
])
def test_code_subject(sentence, subject):
    assert code_subject(sentence) == subject


# Cut from Node.js's path.md (Debian's nodejs docs, tests/data/debian/node-path-join.md) as the reader gives it: the
# section's heading is the chunk's; its argument list comes before the description.
NODE = ("`path.join([...paths])`\n\n`...paths` {string} A sequence of path segments\n\nReturns: {string}\n\n"
        "The `path.join()` method joins all given `path` segments together using the platform-specific separator as a "
        "delimiter, then normalizes the resulting path.\n\nThe default operation of the `node:path` module varies based "
        "on the operating system on which a Node.js application is running.")


@pytest.mark.parametrize("question, sentence, fit", [
    ("What does path.join do in Node.js?", "The `path.join()` method joins all given `path` segments together", NAMED),
    ("What does path.resolve do?", "The `path.join()` method joins all given `path` segments together", 0.0),
    ("What does path.join do in Node.js?", "The default operation of the `node:path` module varies", 0.0),
])
def test_a_sentence_whose_subject_is_the_named_literal_answers_first(question, sentence, fit):
    passages = [P(NODE, doc="path.md", heading="Path › `path.join([...paths])`")]
    start = NODE.index(sentence)
    sentence = NODE[start:re.compile(r"\.(\s|$)").search(NODE, start + len(sentence)).start() + 1]  # to the sentence's end
    assert term_fit(question, S(passages, 1, sentence), passages) == fit
