"""Multi-step, comparison and opinion answers (qa.question_parts, qa.compose_reasoning): the parts and sides found
in a question, one cited sentence per part or side, the arithmetic, and the answers through the verifier."""

import pytest

from qa.compose_reasoning import compose_opinion, compose_parts, compose_sides
from qa.question_parts import compared_things, question_parts, source_names
from qa.extractive import ExtractiveGenerator, ScoredSentence
from qa.types import Passage
from qa.verification import Verifier, split_lines
from tests.conftest import FakeEmbedder


def P(doc, text, title=None):
    return Passage(doc_id=doc, title=title or doc, chunk_id=f"{doc}::0", text=text, score=1.0, start=0, end=len(text))


def S(n, text, score=0.8, start=0):
    return ScoredSentence(n, start, start + len(text), text, score)


@pytest.mark.parametrize("question, labels", [
    ("What is the difference between git stash pop and git stash apply?", ["git stash pop", "git stash apply"]),
    ("What is the difference between a fetch and a pull?", ["fetch", "pull"]),
    ("How do git revert and git reset differ?", ["git revert", "git reset"]),
    ("Compare annotated and lightweight tags.", ["annotated tags", "lightweight tags"]),
    ("Compare aliases and shell functions.", ["aliases", "shell functions"]),
    ("How do the while and until loops differ?", ["while loops", "until loops"]),
    ("Compare Trump's and Biden's approaches to China on fentanyl.", ["Trump", "Biden"]),
    ("How does bash's job control compare with zsh's?", ["bash's job control", "zsh's job control"]),
    ("How does git fetch compare with git pull?", ["git fetch", "git pull"]),
    ("How do the sources differ on the number of deaths in 2022?", []),  # sources, not things: each source is heard instead
])
def test_compared_things(question, labels):
    assert [s.label for s in compared_things(question)] == labels


def test_a_side_shares_the_head_noun_and_keeps_the_aspect_compared():
    trump, biden = compared_things("Compare Trump's and Biden's approaches to China on fentanyl.")
    assert trump.query == "Trump's approaches to China on fentanyl" and biden.words == {"biden"}
    assert compared_things("How do git revert and git reset differ?")[0].query == "What is git revert and what does it do?"


@pytest.mark.parametrize("question, parts", [
    ("How many chemicals did China restrict in August and in November, and how many is that in all?",
     ["How many chemicals did China restrict in August?", "How many chemicals did China restrict in November?"]),
    ("By how many did fentanyl-linked deaths fall from 2022 to 2024?", ["how many fentanyl-linked deaths in 2022?", "how many fentanyl-linked deaths in 2024?"]),
    ("How many more deaths were there in 2022 than in 2023?", ["how many deaths were there in 2022?", "how many deaths were there in 2023?"]),
    ("Which builtin adds a directory to the stack, and which one shows the stack?",
     ["Which builtin adds a directory to the stack?", "which one shows the stack (builtin adds a directory to the stack)?"]),
    ("Which strategy does git merge use by default for one branch and which for several branches?",
     ["Which strategy does git merge use by default for one branch?", "Which strategy does git merge use by default for several branches?"]),
    ("How do I make git blame ignore a formatting commit once, and how for every run?",
     ["How do I make git blame ignore a formatting commit once?", "How do I make git blame ignore a formatting commit for every run?"]),
    ("What is a detached HEAD, and how do I leave it?", ["What is a detached HEAD?", "how do I leave it (a detached HEAD)?"]),
    ("What tariff did Trump impose, and to what did Washington agree to cut it?",
     ["What tariff did Trump impose?", "to what did Washington agree to cut it (tariff did Trump impose)?"]),
    ("How many deaths were estimated in 2024?", []),
])
def test_question_parts(question, parts):
    assert question_parts(question) == parts


def test_each_part_gets_its_own_sentence_and_the_sum_cites_both():
    parts = ["How many chemicals did China restrict in August?", "How many chemicals did China restrict in November?"]
    nov, aug = S(1, "On Nov. 10 China restricted 13 fentanyl precursor chemicals."), S(2, "In August, China restricted four fentanyl precursor chemicals.", 0.7)
    text = compose_parts("How many chemicals did China restrict in August and in November, and how many is that in all?", parts,
                         [[nov, aug], [nov, aug]], floor=0.4)  # both parts rank the November sentence first; the month decides
    first, second = text.splitlines()
    assert first.index("August") < first.index("Nov. 10") and "[1]" in first and "[2]" in first
    assert second == "In all: 4 + 13 = 17 [2][1]."


def test_a_difference_between_two_years():
    a, b = S(1, "The crisis was linked to 76,226 deaths in 2022."), S(2, "In 2024 fentanyl-linked deaths fell to 48,422 deaths.", 0.7)
    text = compose_parts("By how many did deaths fall from 2022 to 2024?", ["deaths in 2022?", "deaths in 2024?"], [[a, b], [b, a]], floor=0.4)
    assert text.splitlines()[-1] == "The difference: 76,226 - 48,422 = 27,804 [1][2]."


def test_figures_of_different_units_are_not_added():
    a, b = S(1, "Fentanyl is 50 times more potent than heroin."), S(2, "It killed 76,226 people.")
    text = compose_parts("How many in all?", ["a?", "b?"], [[a, b], [b, a]], floor=0.4)
    assert "In all" not in text and text.count("[") == 2


def test_sides_are_set_under_their_names_and_a_sentence_naming_both_leads():
    sides = compared_things("Compare annotated and lightweight tags.")
    passages = [P("tag", "x", "git-tag(1) Manual Page")]
    both = S(1, "Annotated tags are meant for release while lightweight tags are meant for private or temporary object labels.", 0.9)
    ann = S(1, "Annotated tags contain a creation date, the tagger name and e-mail, and a tagging message.", 0.8, start=200)
    light = S(1, "A lightweight tag is simply a name for an object.", 0.7, start=400)
    text = compose_sides(sides, [[both, ann, light], [both, light, ann]], passages, floor=0.4)
    assert text.splitlines() == [
        "Annotated tags are meant for release while lightweight tags are meant for private or temporary object labels [1].",
        "- “annotated tags”: Annotated tags contain a creation date, the tagger name and e-mail, and a tagging message [1].",
        "- “lightweight tags”: A lightweight tag is simply a name for an object [1]."]


def test_a_pointer_elsewhere_is_not_an_answer():
    sides = compared_things("How do git revert and git reset differ?")
    passages = [P("reset", "x", "git-reset(1) Manual Page"), P("revert", "y", "git-revert(1) Manual Page")]
    pointer = S(1, 'See "Reset, restore and revert" in git(1) for the differences between the three commands.', 0.95)
    reset = S(1, "Reset current HEAD to the specified state.", 0.7, start=100)
    revert = S(2, "Given one or more existing commits, revert the changes that the related patches introduce, and record some new commits that record them.", 0.7)
    text = compose_sides(sides, [[pointer, revert, reset], [pointer, reset, revert]], passages, floor=0.4)
    assert "See" not in text and "“git revert”: Given one" in text and "“git reset”: Reset current HEAD" in text


def test_a_comparison_with_something_never_mentioned_is_declined():
    sides = compared_things("How does bash's job control compare with zsh's?")
    passages = [P("jobs", "Bash uses the job abstraction as the basis for job control.", "Job Control Basics")]
    s = S(1, "Bash uses the job abstraction as the basis for job control.")
    assert compose_sides(sides, [[s], [s]], passages, floor=0.4) is None


def test_opinion_prefers_the_named_source_and_advice():
    ranked = [S(1, "Fentanyl deaths fell in 2024.", 0.85),
              S(1, "'Washington should recognize China's steps,' said Ryan Hass, a Brookings scholar.", 0.75, start=100),
              S(2, "Other experts disagree about the figures.", 0.7)]
    text = compose_opinion("What does Ryan Hass recommend?", ranked, [P("a", "x"), P("b", "y")], floor=0.4, limit=1)
    assert text == "'Washington should recognize China's steps,' said Ryan Hass, a Brookings scholar [1]."


def test_source_names():
    assert source_names("What does Vanda Felbab-Brown think of the Trump administration's approach?") == {"vanda", "felbab-brown", "trump"}


def test_side_labels_and_sums_pass_the_verifier():
    """A real run of the generator's composing and the verifier on a comparison and a multi-step question."""
    embedder = FakeEmbedder()
    gen = ExtractiveGenerator(embedder, min_score=0.2)
    stash = P("git-stash.html", "pop [--index] [-q|--quiet] [<stash>]\n\nRemove a single stashed state from the stash list and apply it on top "
              "of the current working tree state.\n\napply [--index] [-q|--quiet] [<stash>]\n\nLike pop, but do not remove the state from the "
              "stash list.", "git-stash(1) Manual Page")
    draft = gen.generate("What is the difference between git stash pop and git stash apply?", [stash])
    checked = Verifier(embedder).check(draft.text, [stash])
    assert [kind for _, _, kind in split_lines(checked.text)] == ["text", "text"]
    assert checked.text.startswith("- “git stash pop”: Remove a single stashed state") and "“git stash apply”: Like pop" in checked.text
    chem = P("a.txt", "On Nov. 10 China restricted 13 fentanyl precursor chemicals. In August, China restricted four fentanyl precursor chemicals.")
    draft = gen.generate("How many fentanyl precursor chemicals did China restrict in August and in November, and how many is that in all?", [chem])
    checked = Verifier(embedder).check(draft.text, [chem])
    assert checked.text.splitlines()[-1].startswith("In all: 4 + 13 = 17 [")  # each figure's sentence quoted and cited


def test_the_figure_that_counts_what_is_asked():
    a = S(1, "In 2023 alone, synthetic opioids were responsible for 74,702 overdose deaths — a 1.6-fold increase compared to 2017.")
    b = S(2, "Fentanyl-linked deaths in 2024 were estimated to be 48,422.", 0.7)
    text = compose_parts("How many deaths do the documents report for 2023 and 2024 together?", ["deaths in 2023?", "deaths in 2024?"],
                         [[a, b], [b, a]], floor=0.4)
    assert text.splitlines()[-1] == "In all: 74,702 + 48,422 = 123,124 [1][2]."


def test_not_a_login_shell_speaks_of_the_non_login_side():
    login, non_login = compared_things("How do login and non-login interactive shells differ in the startup files they read?")
    sentence = "When an interactive shell that is not a login shell is started, Bash reads and executes commands from ~/.bashrc."
    assert non_login.named_in(sentence) and not login.named_in(sentence)
