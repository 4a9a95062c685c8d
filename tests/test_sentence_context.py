"""qa.sentence_context: what a look-up's sentence needs around it (its term, the sentence it refers back to), term
lines, and negation; on text shaped as the readers shape manual pages (blocks joined by blank lines)."""

from dataclasses import dataclass

import pytest

from qa.sentence_context import (is_term_line, lookup_quote, names_a_thing, negated_words, negation_fit, opposite_action,
                                 own_page_first, refers_back, sentence_before, sibling_pages)
from qa.lexical import stems
from tests.conftest import passage

MANUAL = ("OPTIONS\n\n--depth <depth>\n\nCreate a shallow clone with a history truncated to the specified number of commits. "
          "Implies --single-branch.\n\ngit reset [<mode>] [<commit>]\n\nThis form resets the current branch head to <commit>. "
          "If <mode> is omitted, defaults to --mixed. The <mode> must be one of the following:\n\n--mixed\n\n"
          "Resets the index but not the working tree. This is the default action.\n\n$ git clone --depth 1 url\n\nThis clones one commit.")
BISECT = ("The special exit code 125 should be used when the current source code cannot be tested. If the script exits with "
          "this code, the current revision will be skipped.")


@dataclass
class Sentence:  # the fields of qa.extractive.ScoredSentence that lookup_quote reads
    passage: int
    start: int
    end: int
    text: str
    leans_on: tuple[int, int, str] | None = None


def sentence_at(p, text: str, n: int = 1) -> Sentence:
    at = p.start + p.text.index(text)
    s = Sentence(n, at, at + len(text), text)
    if refers_back(text):
        s.leans_on = sentence_before(p, at)
    return s


@pytest.mark.parametrize("text, expected", [
    ("If the script exits with this code, the current revision will be skipped.", True),
    ("This may be inhibited by using the --norc option.", True),
    ("It is not removed from the stash list.", True),
    ("To cope with such a situation, the script can apply the patch.", True),
    ("This command is experimental.", False),  # a manual's own command, not the sentence before
    ("Create a shallow clone with a history truncated to the specified number of commits.", False),
    ("Thistle grows here.", False),
])
def test_refers_back(text, expected):
    assert refers_back(text) is expected


@pytest.mark.parametrize("line, expected", [
    ("--depth <depth>", True),
    ("git reset [<mode>] [<commit>]", True),  # its paragraph ends with a colon: still prose
    ("OPTIONS", False),  # followed by a term, not by a description
    ("Implies --single-branch.", False),  # a sentence
    ("Create a shallow clone with a history truncated to the specified number of commits.", False),
    ("$ git clone --depth 1 url", False),  # an example's command line
])
def test_is_term_line(line, expected):
    p = passage(1, MANUAL, 100)
    at = p.start + p.text.index(line)
    assert is_term_line(p, at, at + len(line)) is expected


def test_a_table_row_is_no_term_line():
    """A PDF's table read with its headers: each row states its cells; the row after it looked like its description."""
    text = ("Parking\n\nThe parking office hands out permits once a year.\n\nTeam: Engineering | Parking permits: 9\n\n"
            "Team: Sales | Parking permits: 4\n\nTo request permits, run:")
    p = passage(1, text, 0)
    row = "Team: Engineering | Parking permits: 9"
    assert not is_term_line(p, text.index(row), text.index(row) + len(row))


def test_sentence_before_stays_in_its_paragraph():
    p = passage(1, MANUAL, 100)
    s = sentence_at(p, "This is the default action.")
    assert s.leans_on[2] == "Resets the index but not the working tree."
    opening = p.start + p.text.index("Resets the index")
    assert sentence_before(p, opening) is None  # the first of its paragraph: '--mixed' is a term, no sentence


@pytest.mark.parametrize("text, quoted", [
    ("Create a shallow clone with a history truncated to the specified number of commits.",
     ["`--depth <depth>`: Create a shallow clone with a history truncated to the specified number of commits."]),
    ("This is the default action.", ["`--mixed`: Resets the index but not the working tree.", "This is the default action."]),
    # a later sentence of a description, quoted alone, still says what it describes
    ("If <mode> is omitted, defaults to --mixed.", ["`git reset [<mode>] [<commit>]`: If <mode> is omitted, defaults to --mixed."]),
    ("Implies --single-branch.", ["`--depth <depth>`: Implies --single-branch."]),
])
def test_lookup_quote_carries_the_term_and_what_is_referred_to(text, quoted):
    p = passage(1, MANUAL, 100)
    s = sentence_at(p, text)
    pieces, start = lookup_quote(s, [p], {s.start})
    assert pieces == quoted
    assert p.text[start - p.start :].startswith(quoted[0].split(": ", 1)[-1])


def test_lookup_quote_adds_the_sentence_named_by_this_code():
    p = passage(1, BISECT, 0)
    s = sentence_at(p, "If the script exits with this code, the current revision will be skipped.")
    pieces, start = lookup_quote(s, [p], {s.start})
    assert pieces[0].startswith("The special exit code 125") and start == 0
    pieces, _ = lookup_quote(s, [p], {s.start, 0})  # the sentence before is quoted already
    assert len(pieces) == 1


def test_a_bullet_is_no_term():
    p = passage(1, "Errors:\n\n•\n\nword expansion errors are considered non-fatal errors.", 0)
    s = sentence_at(p, "word expansion errors are considered non-fatal errors.")
    assert lookup_quote(s, [p], {s.start})[0] == ["word expansion errors are considered non-fatal errors."]


def test_a_term_named_in_the_sentence_is_not_repeated():
    p = passage(1, "--all\n\nFetch all remotes, as --all says.", 0)
    s = sentence_at(p, "Fetch all remotes, as --all says.")
    assert lookup_quote(s, [p], {s.start})[0] == ["Fetch all remotes, as --all says."]


@pytest.mark.parametrize("question, sentence, fit", [
    ("What exit status does bash return when a command is not found?", "If a command is not found, the child process returns a status of 127.", 1),
    ("What exit status does bash return when a command is not found?", "If a command is found but is not executable, the return status is 126.", -1),
    ("What exit status does bash return when a command isn't found?", "If a command is not found, it returns 127.", 1),
    ("What exit status does bash return when a command is not found?", "All builtins return zero on success.", 0),
    ("Which status means the command was found?", "If a command is found but is not executable, the return status is 126.", 0),  # nothing negated asked
])
def test_negation_fit(question, sentence, fit):
    assert negation_fit(question, sentence) == fit


def test_negated_words():
    said = negated_words("It is not removed and will never be shown; it isn't found.")
    assert len(said) == 3 and said >= set(stems("found removed"))
    assert not negated_words("A non-zero status is returned.")
    assert negated_words("a branch that is not fully merged") == set(stems("merged"))  # the adverb is not what is negated


@pytest.mark.parametrize("question, sentence, expected", [
    ("How do I finish a bisect session?", "You start a bisect session as follows:", True),
    ("How do I start a bisect session?", "You start a bisect session as follows:", False),
    ("How do I remove a worktree?", "Create a worktree at <path> and check out <commit-ish> into it.", False),  # no opposite named
    ("How do I remove a worktree?", "Add a worktree at <path>.", True),
    ("How do I start and stop a job?", "Start the job with bg.", False),  # the question asks both
    ("How do I disable the pager?", "To disable the pager, set core.pager; enable it again later.", False),  # its own word said too
])
def test_opposite_action(question, sentence, expected):
    assert opposite_action(question, sentence) is expected


@pytest.mark.parametrize("term, expected", [
    ("recursive", True), ("--mixed", True), ("pop [--index] [<stash>]", True), ("core.editor", True),
    ("Invoked as an interactive non-login shell", False), ("", False),
])
def test_names_a_thing(term, expected):
    assert names_a_thing(term) is expected


@pytest.mark.parametrize("own, other, expected", [
    ("git-revert.html", "git-reset.html", True), ("git-revert.html", "gitfaq.html", False),
    ("git-revert.html", "git-revert.html", False), ("git-revert.html", "git-cherry-pick.html", False),
])
def test_sibling_pages(own, other, expected):
    assert sibling_pages(own, other) is expected


@dataclass
class Scored:  # the fields of qa.extractive.ScoredSentence that own_page_first reads
    passage: int
    text: str
    score: float
    term: str = ""


def test_own_page_first_prefers_the_subjects_page_and_term():
    pages = [passage(1, "x"), passage(2, "y"), passage(3, "z")]
    pages = [p.model_copy(update={"doc_id": d}) for p, d in zip(pages, ["gittutorial.html", "git-switch.html", "git-reset.html"])]
    ranked = [Scored(1, "This command ensures the experimental branch is merged.", 0.6),
              Scored(3, "Reset the experimental branch.", 0.58), Scored(2, "THIS COMMAND IS EXPERIMENTAL.", 0.55)]
    out = own_page_first("Is git switch an experimental command?", ranked, pages)
    assert [s.passage for s in out] == [2, 1, 3]
    stash = [passage(1, "x").model_copy(update={"doc_id": "git-stash.html"})]
    ranked = [Scored(1, "Remove a single stashed state from the stash list.", 0.9, "pop [--index] [<stash>]"),
              Scored(1, "Like pop, but do not remove the state from the stash list.", 0.85, "apply [--index] [<stash>]")]
    out = own_page_first("Does git stash apply remove the state from the stash list?", ranked, stash)
    assert out[0].term.startswith("apply")
    assert own_page_first("Does it rain?", ranked, stash) == ranked  # no page of its own, no term named


@pytest.mark.parametrize("text, term, names", [
    ("The parking office hands out permits once a year.", "Parking", True),  # a heading the PDF reader did not mark: no label
    ("Create a shallow clone with --depth 1.", "--depth <depth>", True),
    ("Create a shallow clone with a history truncated.", "--depth <depth>", False),
    ("Pass -N to keep them.", "-n", False),  # an option is named as written
])
def test_names_term_itself(text, term, names):
    from qa.sentence_context import names_term_itself

    assert names_term_itself(text, term) is names
