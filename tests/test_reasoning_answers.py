"""Multi-step, comparison and opinion questions answered end to end: real embedded Chroma, the real embedding model,
real documents (the demo corpus and pages of git's manual from Debian's git-doc), the extractive generator."""

import shutil
from pathlib import Path

import pytest

from qa import api

GIT_PAGES = Path(__file__).parent / "data" / "corpora" / "git"


@pytest.fixture(scope="module")
def git_index(tmp_path_factory):
    """Three pages of git's manual (HTML as Debian's git-doc installs it) ingested with the real model."""
    folder = tmp_path_factory.mktemp("git-pages")
    for page in ("git-stash.html", "git-worktree.html", "git-revert.html", "git-reset.html"):
        shutil.copy(GIT_PAGES / page, folder / page)
    store = tmp_path_factory.mktemp("git-store")
    api.ingest([folder], store=store, collection="default")
    return store


def cited_docs(answer):
    return {c.doc_id for c in answer.citations}


def test_two_things_compared_on_one_page_are_set_under_their_names(git_index):
    answer = api.ask("What is the difference between git stash pop and git stash apply?", store=git_index)
    assert answer.kind == "comparison" and answer.grounded
    pop = next(line for line in answer.text.splitlines() if line.startswith("- “git stash pop”:"))
    apply = next(line for line in answer.text.splitlines() if line.startswith("- “git stash apply”:"))
    assert "Remove a single stashed state" in pop and "apply" in apply
    assert cited_docs(answer) == {"git-stash.html"}  # nothing pulled in from the other pages


def test_two_commands_compared_each_from_its_own_page(git_index):
    answer = api.ask("How do git revert and git reset differ?", store=git_index)
    revert = next(line for line in answer.text.splitlines() if line.startswith("- “git revert”:"))
    reset = next(line for line in answer.text.splitlines() if line.startswith("- “git reset”:"))
    assert "new commit" in revert and not answer.text.startswith("See")  # not the pointer 'See ... for the differences'
    assert "reset" in reset.lower() and cited_docs(answer) <= {"git-revert.html", "git-reset.html"}


def test_a_comparison_with_something_the_pages_never_mention_is_declined(git_index):
    answer = api.ask("How does git stash compare with Mercurial's shelve?", store=git_index)
    assert not answer.grounded


def test_two_questions_joined_get_both_answers(git_index):
    answer = api.ask("Which command lists my worktrees, and which one then deletes one of them?", store=git_index)
    assert answer.kind == "multi_step" and answer.grounded
    assert len(answer.citations) >= 2 and "list" in answer.text and cited_docs(answer) == {"git-worktree.html"}  # one sentence per part


def test_a_total_from_two_sentences_is_worked_out_and_both_cited(real_index):
    folder, _ = real_index
    answer = api.ask("How many fentanyl precursor chemicals did China restrict in August and in November, and how many is that in all?", store=folder)
    assert answer.kind == "multi_step" and "four fentanyl precursor chemicals" in answer.text and "13 fentanyl precursor chemicals" in answer.text
    assert answer.text.splitlines()[-1].startswith("In all: 4 + 13 = 17 [")


def test_a_named_pieces_advice(real_index):
    folder, _ = real_index
    answer = api.ask("What does the blame-game opinion piece recommend Washington do?", store=folder)
    assert answer.kind == "opinion" and answer.grounded
    assert "partner" in answer.text and cited_docs(answer) == {"002_ca82e986c9dc0bde.txt"}
