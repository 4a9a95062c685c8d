"""Sentence choice on manual pages (session 9): what is asked before a case clause, a long option's one word, the
option a quoted description is of (yes/no and list answers), '... without -r?', a term above a short description,
and a page's hyphenated name counting for coverage; on text shaped as the readers shape manual pages."""

import pytest

from qa.compose_yes_no import compose_yes_no, without_the_option
from qa.composers import compose_list
from qa.lexical import stems
from qa.reversal import reverses
from qa.sentence_context import is_term_line, term_label
from qa.sentence_scoring import FOCUS, asked_focus, focus_fit, term_overlap
from qa.term_match import WORDED_ONE, term_fit
from tests.conftest import passage
from tests.test_compose_structured import P, S

APPLY = ("--check\n\nInstead of applying the patch, see if the patch is applicable.\n\n-R\n\n--reverse\n\nApply the patch in reverse.\n\n"
         "--cached\n\nApply the patch to just the index, without touching the working tree.")
RM = "-r\n\nAllow recursive removal when a leading directory name is given.\n\n--cached\n\nUse this option to unstage and remove paths only from the index."
STATUS = "-s\n\n--short\n\nGive the output in the short-format.\n\n--long\n\nGive the output in the long-format. This is the default."


@pytest.mark.parametrize("question, focus", [
    ("What is the default history file when bash is in POSIX mode?", ["default", "histori", "file"]),
    ("What exit status does bash return when a command is not found?", ["exit", "status", "bash", "return"]),
    ("What is the default value of gc.auto?", []),  # no case clause: the whole question is what is asked
    ("When does bash enter POSIX mode?", []),
])
def test_asked_focus(question, focus):
    assert asked_focus(question) == focus


def test_focus_fit_prefers_what_is_asked_over_the_case():
    focus = asked_focus("What is the default history file when bash is in POSIX mode?")
    assert focus_fit(focus, "The default history file is '~/.sh_history'.") == pytest.approx(FOCUS)
    assert focus_fit(focus, "POSIX mode changes those few areas where the Bash default differs.") < FOCUS / 2
    assert focus_fit([], "The default history file is '~/.sh_history'.") == 0.0


def test_a_long_options_one_word_fits_a_question_asking_for_an_option():
    passages = [P(STATUS, doc="git-status.html")]
    short = S(passages, 1, "Give the output in the short-format.")
    assert term_fit("Which option of git status gives the output in short format?", short, passages) == WORDED_ONE
    assert term_fit("How do I get short output from git status?", short, passages) == WORDED_ONE
    assert term_fit("Which short formats does git status have?", short, passages) == 0.0  # a list of formats: no option asked for
    assert term_fit("Which option gives the output in long format?", short, passages) == 0.0


def test_term_label_names_options_only():
    passages = [P(APPLY, doc="git-apply.html")]
    assert term_label(S(passages, 1, "Apply the patch in reverse."), passages) == "`-R`, `--reverse`"
    assert term_label(S(passages, 1, "Instead of applying the patch, see if the patch is applicable."), passages) == "`--check`"
    example = [P("git grep --all-match -e NODE -e Unexpected\n\nLooks for a line that has NODE in files.")]
    assert term_label(S(example, 1, "Looks for a line that has NODE in files."), example) == ""  # an example's command, no option


def test_yes_no_says_which_option_does_it():
    passages = [P(APPLY, doc="git-apply.html")]
    text = compose_yes_no("Can git apply apply a patch in reverse?", [S(passages, 1, "Apply the patch in reverse.", 0.9)], reverses, None, passages)
    assert text == "Yes. `-R`, `--reverse`: Apply the patch in reverse [1]."


def test_without_the_option_that_does_it_is_a_no():
    passages = [P(RM, doc="git-rm.html")]
    best = S(passages, 1, "Allow recursive removal when a leading directory name is given.", 0.9)
    text = compose_yes_no("Does git rm allow recursive removal when a leading directory name is given without the -r option?", [best], reverses, None, passages)
    assert text.startswith("No. `-r`: Allow recursive removal")
    text = compose_yes_no("Does git rm allow recursive removal when a leading directory name is given with -r?", [best], reverses, None, passages)
    assert text.startswith("Yes. `-r`: ")


@pytest.mark.parametrize("claim, term, expected", [
    ("git rm remove a directory recursively without the -r option", "`-r`", True),
    ("git clean remove ignored files without -x", "`-x`", True),
    ("git rm remove a directory recursively with -r", "`-r`", False),
    ("git rm remove a directory recursively without the -r option", "`--cached`", False),
])
def test_without_the_option(claim, term, expected):
    assert without_the_option(claim, term) is expected


def test_a_list_item_names_its_option():
    passages = [P(APPLY, doc="git-apply.html")]
    ranked = [S(passages, 1, "Apply the patch in reverse.", 0.9)]
    assert compose_list("Which option applies a patch in reverse?", ranked, passages, 0.3) == "- `-R`, `--reverse`: Apply the patch in reverse [1]."


def test_a_term_above_a_short_description_is_a_term_line():
    p = passage(1, "-u[<mode>]\n\n--untracked-files[=<mode>]\n\nShow untracked files.\n\nThe mode parameter is optional.", 0)
    line = "--untracked-files[=<mode>]"
    at = p.text.index(line)
    assert is_term_line(p, at, at + len(line))


def test_hyphenated_parts_count_only_when_asked():
    question = stems("What does git rm --cached do?")
    title = "git-rm(1) Manual Page Use this option to unstage and remove paths only from the index (--cached)."
    assert term_overlap(question, title, parts=True) > term_overlap(question, title)


def test_an_amount_in_words_answers_how_large():
    from qa.sentence_scoring import answer_type_fit

    assert answer_type_fit("How large is the header of the zlib format?", "The zlib format has a header of only two bytes.") > 0
    assert answer_type_fit("How large is the header of the zlib format?", "The header identifies the stream.") < 0
    assert answer_type_fit("How many heads can it resolve?", "It can resolve only one of them.") < 0  # 'one' is as often a pronoun


def test_a_later_sentence_is_quoted_after_all_the_terms_of_its_entry():
    from qa.sentence_context import lookup_quote

    p = passage(1, "--dirty[=<mark>]\n\n--broken[=<mark>]\n\nDescribe the state of the working tree. If it has local changes -dirty is appended.", 0)
    at = p.text.index("If it has")
    s = type("S", (), dict(passage=1, start=at, end=len(p.text), text=p.text[at:], term="--broken[=<mark>]", leans_on=None))()
    assert lookup_quote(s, [p], {at})[0] == ["`--dirty[=<mark>]`, `--broken[=<mark>]`: If it has local changes -dirty is appended."]


def test_which_option_asks_for_a_flag_not_a_setting():
    text = ("-b <branch-name>\n\n--initial-branch=<branch-name>\n\nUse the specified name for the initial branch.\n\n"
            "init.defaultBranch\n\nAllows overriding the default branch name when initializing a new repository.")
    passages = [P(text, doc="git-init.html")]
    setting = S(passages, 1, "Allows overriding the default branch name when initializing a new repository.")
    assert term_fit("Which option of git init sets the name of the initial branch?", setting, passages) < 0
    assert term_fit("Which configuration option sets the name of the initial branch?", setting, passages) == 0.0
    assert term_fit("Which option of git init sets the name of the initial branch?", S(passages, 1, "Use the specified name for the initial branch."), passages) > 0


def test_a_sentence_naming_its_own_subject_as_code_is_quoted_without_the_lines_above_it():
    """Node.js's path.md: an argument list ('`...paths` {string} ...', 'Returns: {string}') comes before 'The
    `path.join()` method joins ...', which says itself what it describes."""
    from qa.sentence_context import lookup_quote
    from tests.test_term_match import NODE

    p = passage(1, NODE, 0)
    at = p.text.index("The `path.join()`")
    end = p.text.index("resulting path.") + len("resulting path.")
    s = type("S", (), dict(passage=1, start=at, end=end, text=p.text[at:end], term="", leans_on=None))()
    assert lookup_quote(s, [p], {at})[0] == [p.text[at:end]]
    other = p.text.replace("The `path.join()` method joins", "It joins")  # no subject of its own: the terms say what
    at2, end2 = other.index("It joins"), other.index("resulting path.") + len("resulting path.")
    s2 = type("S", (), dict(passage=1, start=at2, end=end2, text=other[at2:end2], term="", leans_on=None))()
    assert lookup_quote(s2, [passage(1, other, 0)], {at2})[0][0].startswith("`")
