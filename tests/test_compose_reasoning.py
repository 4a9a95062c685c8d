"""Multi-step, comparison and opinion answers (qa.question_parts, qa.compose_reasoning): the parts and sides found
in a question, one cited sentence per part or side, the arithmetic, and the answers through the verifier."""

import pytest

from qa.compose_parts import compose_parts
from qa.compose_reasoning import compose_opinion, compose_sides
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
    ("What is the difference between path.resolve and path.join?", ["path.resolve", "path.join"]),  # a dot inside a name
    ("Compare os.path and pathlib.", ["os.path", "pathlib"]),
    ("What is os.path vs. pathlib.Path?", ["os.path", "pathlib.Path"]),
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
     ["Which builtin adds a directory to the stack?", "which builtin shows the stack?"]),  # the first part's head, not its verb
    ("Which strategy does git merge use by default for one branch and which for several branches?",
     ["Which strategy does git merge use by default for one branch?", "Which strategy does git merge use by default for more than one branches?"]),
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


# --- session 7: definitions, the judge, negated sides, scenario figures -------------------------------------------

from qa.sentence_roles import contradicts, defines, negates_side, opens_paragraph, term_names  # noqa: E402
from qa.question_parts import without_hypothesis_figures  # noqa: E402


def _side(question, i):
    return compared_things(question)[i]


@pytest.mark.parametrize("question, i, term, expected", [
    ("What is the difference between git stash pop and git stash apply?", 1, "apply [--index] [-q|--quiet] [<stash>]", True),
    ("What is the difference between git stash pop and git stash apply?", 0, "apply [--index] [-q|--quiet] [<stash>]", False),
    ("How do git revert and git reset differ?", 1, "git reset [<mode>] [<commit>]", True),
    ("How do git revert and git reset differ?", 0, "revert.reference", False),  # a setting, not the command
    ("How do git revert and git reset differ?", 0, "git revert HEAD~3", False),  # an example's arguments
    ("How do a merge and a rebase treat a change that was reverted on one branch?", 0, "merge backend", False),  # more of a name
    ("How do the while and until loops differ?", 0, "while test-commands; do consequent-commands; done", True),
    ("How do the while and until loops differ?", 1, "while test-commands; do consequent-commands; done", False),
])
def test_term_names(question, i, term, expected):
    assert term_names(term, _side(question, i)) is expected


@pytest.mark.parametrize("text, login, non_login", [
    ("As noted above, if a non-interactive shell is invoked with the --login option, Bash reads the login files.", True, True),
    ("When an interactive shell that is not a login shell is started, Bash reads ~/.bashrc.", True, False),
    ("When Bash is invoked as an interactive login shell, or as a non-interactive shell with --login, it reads /etc/profile.", False, False),
])
def test_negates_side(text, login, non_login):
    sides = compared_things("How do login and non-login interactive shells differ in the startup files they read?")
    assert (negates_side(text, sides[0]), negates_side(text, sides[1])) == (login, non_login)


@pytest.mark.parametrize("part, text, expected", [
    ("which option makes it read a different file (file does an interactive non-login shell read)?",
     "Invoked as an interactive login shell: When Bash is invoked as an interactive login shell, it reads /etc/profile.", True),
    ("which option makes it read a different file (file does an interactive non-login shell read)?",
     "Invoked as an interactive non-login shell: The --rcfile file option will force Bash to read file instead of ~/.bashrc.", False),
    ("Which file does an interactive shell read?", "If a non-interactive shell is invoked with --login, Bash reads the login files.", True),
    ("Which file does an interactive shell read?", "Bash reads ~/.bashrc in an interactive shell, not in a non-interactive one.", False),
])
def test_contradicts(part, text, expected):
    assert contradicts(part, text) is expected


@pytest.mark.parametrize("question, expected", [
    ("If a command is killed by signal 9, what exit status does bash report?", "If a command is killed by signal, what exit status does bash report?"),
    ("How many deaths were estimated in 2024?", "How many deaths were estimated in 2024?"),
])
def test_without_hypothesis_figures(question, expected):
    assert without_hypothesis_figures(question) == expected


STASH = ("COMMANDS\n\npop [--index] [-q|--quiet] [<stash>]\n\nRemove a single stashed state from the stash list and apply it on top "
         "of the current working tree state.\n\napply [--index] [-q|--quiet] [<stash>]\n\nLike pop, but do not remove the state from "
         "the stash list. Unlike pop, <stash> may be any commit that looks like a commit created by stash push.\n\nThis is useful if "
         "the branch on which you ran git stash apply has changed enough that git stash apply fails due to conflicts.")


def _sentence(passage_text, text, score, n=1):
    at = passage_text.index(text)
    return S(n, text, score, start=at)


def test_a_definition_under_its_term_is_the_side_s_sentence():
    """'Like pop, but ...' names pop and not apply, and scores low against 'what is git stash apply': it is still
    apply's sentence, the first under the term 'apply [...]'; the sentence after it in the paragraph is not a definition."""
    passages = [P("git-stash.html", STASH, "git-stash(1) Manual Page")]
    sides = compared_things("What is the difference between git stash pop and git stash apply?")
    pop = _sentence(STASH, "Remove a single stashed state from the stash list and apply it on top of the current working tree state.", 0.8)
    like = _sentence(STASH, "Like pop, but do not remove the state from the stash list.", 0.2)
    unlike = _sentence(STASH, "Unlike pop, <stash> may be any commit that looks like a commit created by stash push.", 0.5)
    useful = _sentence(STASH, "This is useful if the branch on which you ran git stash apply has changed enough that git stash apply fails due to conflicts.", 0.9)
    assert opens_paragraph(like, passages) and not opens_paragraph(unlike, passages)
    assert defines(like, sides[1], passages) and not defines(like, sides[0], passages) and not defines(unlike, sides[1], passages)
    text = compose_sides(sides, [[pop, useful, like, unlike], [useful, pop, unlike, like]], passages, floor=0.4)
    assert text.splitlines() == ["- “git stash pop”: Remove a single stashed state from the stash list and apply it on top of the current working tree state [1].",
                                 "- “git stash apply”: Like pop, but do not remove the state from the stash list [1]."]


def test_the_judge_finds_the_sentence_naming_both_that_answers():
    """A sentence naming both things leads when the judge says it answers the question, though its words score lower
    than each thing's own; without a judge (or when the judge says no) the things stand alone."""
    sides = compared_things("Compare aliases and shell functions.")
    passages = [P("aliases.pdf", "x", "Aliases"), P("functions.pdf", "y", "Shell Functions")]
    both = S(1, "For almost every purpose, shell functions are preferred over aliases.", 0.55, start=300)
    alias = S(1, "Aliases allow a string to be substituted for a word when it is used as the first word of a simple command.", 0.9)
    func = S(2, "Shell functions are a way to group commands for later execution using a single name for the group.", 0.9)
    scored = [[alias, both, func], [func, both, alias]]
    def judge(question, texts):
        return [7.5 if "preferred" in t else 1.0 for t in texts]
    with_judge = compose_sides(sides, scored, passages, floor=0.4, question="Compare aliases and shell functions.", judge=judge)
    assert with_judge.splitlines()[0] == "For almost every purpose, shell functions are preferred over aliases [1]."
    without = compose_sides(sides, scored, passages, floor=0.4)
    assert not without.startswith("For almost") and without.count("\n- ") == 1
    refused = compose_sides(sides, scored, passages, floor=0.4, question="Compare aliases and shell functions.", judge=lambda q, t: [0.0] * len(t))
    assert refused == without


def test_the_judge_picks_each_part_s_sentence_and_a_sentence_is_said_once():
    parts = ["Which builtin adds a directory to the stack?", "which one shows the stack (builtin adds a directory to the stack)?"]
    pushd = S(1, "The pushd builtin adds directories to the stack as it changes the current directory.", 0.84)
    dirs = S(1, "The dirs builtin displays the contents of the directory stack.", 0.62, start=100)
    pushd_again = S(2, "The pushd builtin adds directories to the stack as it changes the current directory.", 0.70)  # the same sentence in an overlapping chunk
    def judge(part, texts):
        return [7.0 if ("dirs" in t) == ("shows" in part) else 2.0 for t in texts]
    text = compose_parts("Which builtin adds a directory to the stack, and which one shows the stack?", parts,
                         [[pushd, dirs, pushd_again], [pushd_again, pushd, dirs]], floor=0.4, judge=judge)
    assert text == ("The pushd builtin adds directories to the stack as it changes the current directory [1]. "
                    "The dirs builtin displays the contents of the directory stack [1].")
