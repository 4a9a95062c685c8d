"""What makes a summary point worth making and the parts of a document a summary covers (qa.summary_points, used by
qa.compose_summary and qa.composers), and where a source advises (qa.advice, used by qa.compose_reasoning)."""

import pytest

from qa.advice import advice_strength, is_imperative, urges
from qa.compose_summary import compose_document_summary, short_term
from qa.extractive import ScoredSentence
from qa.lexical import stems
from qa.summary_points import document_blocks, in_words, is_subheading, new_words, point_worth, repeats, specifics, topic_words
from qa.types import Passage
from tests.conftest import FakeEmbedder


@pytest.mark.parametrize("sentence, found", [
    ("When Bash is invoked as a login shell, or with the --login option, it reads /etc/profile.", {"Bash", "--login", "/etc/profile"}),
    ("It looks for the variable BASH_ENV in the environment.", {"BASH_ENV"}),
    ("Any element of an array may be referenced using ${name[subscript]}.", {"${name[subscript]}"}),
    ("In 2023 alone, synthetic opioids were responsible for 74,702 overdose deaths.", {"2023", "74,702"}),
    ("The unset builtin is used to destroy arrays.", {"unset"}),
    ("Senator Angus King led a coalition of senators.", {"Angus King"}),
    ("A restricted shell is used to set up a controlled environment.", set()),
])
def test_specifics_are_the_facts_a_sentence_states(sentence, found):
    assert set(specifics(sentence)) == found


def test_specifics_leave_out_the_subject_asked_about():
    assert specifics("Bash reads ~/.bashrc when Bash starts.", set(stems("Bash startup files"))) == ["~/.bashrc"]


@pytest.mark.parametrize("better, worse", [
    ("When Bash is invoked as a login shell, it first reads and executes commands from the file /etc/profile.",
     "This section describes how Bash executes its startup files."),  # a fact against a sentence about the section
    ("According to the report, opioids cost the United States an estimated $1.02 trillion in damages.",
     "These numbers paint a grim picture of an emergency."),  # figures against a sentence leaning on them
    ("The --noprofile option may be used when the shell is started to inhibit this behavior.",
     "See the gc.auto option below for how this heuristic works."),  # a pointer elsewhere is no point
])
def test_a_point_with_substance_is_worth_more(better, worse):
    known = set(stems("Bash Reference Manual: Bash Startup Files"))
    assert point_worth(better, known) > point_worth(worse, known)


def test_new_words_do_not_count_the_subject_nor_words_about_the_document():
    assert new_words("This section describes how Bash executes its startup files.", set(stems("Bash startup files"))) == 1


@pytest.mark.parametrize("a, b, repeat", [
    ("In 2022, more than 73,600 people died from overdoses in the U.S. according to data from the CDC.",
     "In 2022, more than 73,600 people died from overdoses in the U.S.", True),
    ("When an interactive shell that is not a login shell is started, Bash reads commands from ~/.bashrc, if that file exists.",
     "When Bash is invoked as an interactive login shell, it reads commands from /etc/profile, if that file exists.", False),
    ("Bash performs the expansion by executing command in a subshell environment and replacing the command substitution "
     "with the standard output of the command, with any trailing newlines deleted.",
     "Command substitution allows the output of a command to replace the command itself.", False),
])
def test_a_repeat_says_nothing_new(a, b, repeat):
    assert repeats(a, b) is repeat


@pytest.mark.parametrize("line, words", [
    ("Invoked as an interactive login shell, or with --login", True), ("Invoked with unequal effective and real UID/GIDs", True),
    ("Bisect visualize/view", True), ("pop [--index] [-q|--quiet] [<stash>]", False), ("--login", False),
    ("pre-commit", False), ("credential.helper", False),
])
def test_a_short_line_in_words_is_no_term(line, words):
    assert in_words(line) is words


@pytest.mark.parametrize("block, following, heads", [
    ("Invoked non-interactively", "When Bash is started non-interactively, it looks for BASH_ENV.", True),
    ("So, typically, your ~/.bash_profile contains the line", "if [ -f ~/.bashrc ]; then . ~/.bashrc; fi", False),
    ("The syntax", "declare -a name[subscript]", False),
])
def test_a_subheading_heads_a_paragraph_not_code(block, following, heads):
    assert is_subheading(block, following) is heads


@pytest.mark.parametrize("term, short", [
    ("pop [--index] [-q|--quiet] [<stash>]", "pop"), ("branch <branchname> [<stash>]", "branch"), ("--login", "--login"),
    ("--pathspec-from-file=<file>", "--pathspec-from-file"), ("Invoked non-interactively", "Invoked non-interactively"),
    ("Pulling into a dirty tree", ""),
])
def test_a_term_loses_its_synopsis(term, short):
    assert short_term(term) == short


def test_topic_words_leave_out_the_asking():
    assert topic_words("What do the documents say about nitazenes") == set(stems("nitazenes"))


MANUAL = ("6.2 Bash Startup Files\n\nThis section describes how Bash executes its startup files.\n\n"
          "Invoked as an interactive login shell\n\nWhen Bash is invoked as an interactive login shell, it first reads /etc/profile, if that file exists.\n\n"
          "Invoked as an interactive non-login shell\n\nWhen an interactive shell that is not a login shell is started, Bash reads ~/.bashrc, if that file exists.\n\n"
          "Invoked non-interactively\n\nWhen Bash is started non-interactively, it looks for the variable BASH_ENV in the environment.\n\n"
          "pop [--index] [<stash>]\n\nRemove a single stashed state from the stash list.")


def test_blocks_of_a_printed_manual_tell_subheadings_and_terms_apart():
    p = Passage(doc_id="s.pdf", title="Bash Reference Manual: 6.2 Bash Startup Files", chunk_id="s.pdf::0", text=MANUAL, score=1.0,
                start=0, end=len(MANUAL), heading="6.2 Bash Startup Files")
    kinds = [(b.kind, b.text[:20]) for b in document_blocks([p])]
    assert kinds == [("heading", "6.2 Bash Startup Fil"), ("paragraph", "This section describ"), ("subheading", "Invoked as an intera"),
                     ("paragraph", "When Bash is invoked"), ("subheading", "Invoked as an intera"), ("paragraph", "When an interactive "),
                     ("subheading", "Invoked non-interact"), ("paragraph", "When Bash is started"), ("term", "pop [--index] [<stas"),
                     ("paragraph", "Remove a single stas")]


def test_a_summary_of_a_printed_manual_takes_each_part_s_fact_not_its_preamble():
    half = MANUAL.index("Invoked as an interactive non-login shell")
    passages = [Passage(doc_id="s.pdf", title="Bash Reference Manual: 6.2 Bash Startup Files", chunk_id=f"s.pdf::{i}", text=text.strip(),
                        score=1.0, start=start, end=start + len(text.strip()), heading="6.2 Bash Startup Files")
                for i, (start, text) in enumerate([(0, MANUAL[:half - 2]), (half, MANUAL[half:])])]
    emb = FakeEmbedder()
    ranked = []
    for n, p in enumerate(passages, start=1):
        for block in p.text.split("\n\n"):
            if block.endswith("."):
                at = p.start + p.text.index(block)
                ranked.append(ScoredSentence(n, at, at + len(block), block, 0.5, dense=0.5, vector=emb.embed(block)))
    out = compose_document_summary(ranked, passages, emb.embed("bash startup files login interactive"), points=4)
    lines = out.splitlines()
    assert "This section describes" not in out and len(lines) == 4
    assert "/etc/profile" in lines[0] and "~/.bashrc" in lines[1] and "BASH_ENV" in lines[2]
    assert lines[3].startswith("- `pop`: Remove a single stashed state")  # a definition entry's point under its term


@pytest.mark.parametrize("sentence, strength", [
    ("Just admit you screwed up, and use a different name.", 1.0),
    ("These don't work properly for this purpose and shouldn't be used this way.", 1.0),
    ("If your goal is to modify a configuration file, it can often be helpful to have a template checked in.", 1.0),
    ("The only safe place to make these changes is on the remote repository.", 1.0),
    ("If you don't want to fetch, use submodule update --remote --no-fetch.", 1.0),
    ("Replace an existing tag with the given name (instead of failing).", 0.5),  # a manual's description, in the imperative
    ("Washington could stop using it as a political weapon.", 0.5),
    ("These are the locations in which policy can be enforced effectively.", 0.0),
    ("The shell associates a job with each pipeline.", 0.0),
])
def test_advice_is_told_by_how_plainly_it_is_given(sentence, strength):
    assert advice_strength(sentence) == strength


@pytest.mark.parametrize("sentence, imperative, to_reader", [
    ("Never rebase a published branch.", True, True), ("Use git bisect to get a short usage description.", True, False),
    ("If you never pushed anything out, re-tag it.", False, False), ("Using hooks on a developer machine is not effective.", False, False),
])
def test_an_instruction_to_the_reader(sentence, imperative, to_reader):
    assert (is_imperative(sentence), urges(sentence)) == (imperative, to_reader)
