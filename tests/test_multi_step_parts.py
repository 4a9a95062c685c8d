"""Session 9: multi-step parts put whole, totals of a count given in parts, examples asked about, follow-ups read
in context, and 'X, compared with Y' (qa.question_parts, qa.formulas, qa.compose_parts, qa.conversation), with the
verifier's check of the lines they write."""

import pytest

from qa.compose_parts import compose_parts, gives_figure, shown_example
from qa.conversation import standalone_question
from qa.formulas import amounts, asks_total, counted_noun, parts_of_one_count, parts_total_line
from qa.question_parts import compared_things, question_parts, with_first_subject, without_total_clause
from qa.types import Passage
from qa.verification import Verifier
from tests.conftest import FakeEmbedder
from tests.test_compose_reasoning import P, S

SENATORS = ("The letter was co-signed by five Republicans – Senators Mike Rounds of South Dakota and Dan Sullivan of Alaska – "
            "as well as two Democrats – Senators Joe Manchin of West Virginia and Jon Tester of Montana.")


@pytest.mark.parametrize("piece, first, expected", [
    ("which one then deletes one of them", "Which command lists my worktrees", "which command deletes one of my worktrees"),
    ("which one skips it", "In git bisect run, which exit codes mark a commit as bad", "In git bisect run, which exit codes skips a commit"),
    ("which one removes it", "Which git remote subcommand renames a remote", "which git remote subcommand removes a remote"),
    ("which one shows the stack", "Which builtin adds a directory to the stack", "which builtin shows the stack"),
    ("which one when it already exists", "Which exit status does git remote give when the remote is not found", ""),  # no object after a verb
    ("how do I leave it", "What is a detached HEAD", ""),  # not 'which one'
])
def test_a_which_one_part_takes_the_first_part_s_head_and_object(piece, first, expected):
    assert with_first_subject(piece, first) == expected


@pytest.mark.parametrize("question, parts", [
    ("Which command lists my worktrees, and which one then deletes one of them?",
     ["Which command lists my worktrees?", "which command deletes one of my worktrees?"]),
    ("Which strategy does git merge use by default for one branch and which for several branches?",
     ["Which strategy does git merge use by default for one branch?", "Which strategy does git merge use by default for more than one branches?"]),
    ("What does echo a{d,c,b}e print, and is the output sorted?", ["What does echo a{d,c,b}e print?", "is the output sorted (echo a{d,c,b}e print)?"]),
    ("How many senators co-signed the letter, counting both parties?", []),  # one count asked: a total, not two parts
])
def test_question_parts_of_session_9(question, parts):
    assert question_parts(question) == parts


@pytest.mark.parametrize("question, total, noun, core", [
    ("How many senators co-signed Angus King's letter, counting both parties?", True, "senators", "How many senators co-signed Angus King's letter?"),
    ("How many fentanyl precursor chemicals did China restrict in August and in November, and how many is that in all?", True,
     "fentanyl precursor chemicals", "How many fentanyl precursor chemicals did China restrict in August and in November, and how many is that?"),
    ("How many deaths do the documents report for 2023 and 2024 together?", True, "deaths", "How many deaths do the documents report for 2023 and 2024?"),
    ("How many linked worktrees can a repository have?", False, "linked worktrees", "How many linked worktrees can a repository have?"),
    ("What does the total field of the report show?", True, "", "What does the total field of the report show?"),  # 'total' asked about: kept
])
def test_a_total_asked_and_what_it_counts(question, total, noun, core):
    assert asks_total(question) == total and counted_noun(question) == noun and without_total_clause(question) == core


@pytest.mark.parametrize("sentence, expected", [
    (SENATORS, [5.0, 2.0]),
    ("The senators told the president in a Nov. 15 letter that 2023 was the worst year.", []),  # a day after a month, a year
    ("At its peak, 76,226 deaths in 2022, 23 times the figure of 2016.", [76226.0, 23.0]),
])
def test_amounts(sentence, expected):
    assert [v for _, v, _, _ in amounts(sentence)] == expected


@pytest.mark.parametrize("sentence, a, b, noun, expected", [
    (SENATORS, 5, 2, "senators", True),  # 'Senators' follows each count
    (SENATORS, 5, 2, "governors", False),
    ("China restricted 13 precursor chemicals in November and four precursor chemicals in August.", 13, 4, "", True),  # same word after each
    ("Deaths rose 23 times to 76,226 deaths.", 23, 76226, "deaths", False),  # 'times' is no count of deaths
])
def test_parts_of_one_count(sentence, a, b, noun, expected):
    assert parts_of_one_count(sentence, a, b, noun) == expected


@pytest.mark.parametrize("question, sentence, expected", [
    ("How many senators co-signed the letter, counting both parties?", SENATORS, "In all: 5 + 2 = 7 senators [1]."),
    ("How many senators co-signed the letter?", SENATORS, ""),  # no total asked: the sentence answers as it is
    ("How many deaths were there in all?", "Deaths rose 23 times to 76,226 deaths.", ""),
    ("How many senators signed in all?", "Five senators signed.", ""),  # one count: nothing to add
])
def test_parts_total_line(question, sentence, expected):
    assert parts_total_line(question, sentence, "[1]") == expected


def test_the_verifier_keeps_a_total_of_parts_and_its_noun_and_drops_a_wrong_one():
    passage = P("letter.txt", SENATORS)
    question = "How many senators co-signed the letter, counting both parties?"
    verifier = Verifier(FakeEmbedder())
    checked = verifier.check(f"{SENATORS} [1]\nIn all: 5 + 2 = 7 senators [1].", [passage], question)
    assert checked.text.splitlines()[-1] == "In all: 5 + 2 = 7 senators [1]."
    assert "In all" not in verifier.check(f"{SENATORS} [1]\nIn all: 5 + 2 = 8 senators [1].", [passage], question).text  # wrong sum
    wrong_noun = verifier.check(f"{SENATORS} [1]\nIn all: 5 + 2 = 7 governors [1].", [passage], "How many governors co-signed it, counting both parties?")
    assert "In all" not in wrong_noun.text  # the counts are of senators, not of what the question counts


@pytest.mark.parametrize("part, sentence, expected", [
    ("which exit codes mark a commit as bad?", "exit with a code between 1 and 127 (inclusive), except 125", True),
    ("which exit codes mark a commit as bad?", "the commits between v2.5 and v2.6 (inclusive) should be skipped", False),  # versions
    ("which exit codes mark a commit as bad?", "a commit that has at least one parent", False),  # a word, not a code
    ("how many deaths in 2024?", "deaths in 2024 were estimated to be 48,422", True),
    ("how many deaths in 2024?", "deaths in 2024 fell", False),  # the part's own year
])
def test_gives_figure(part, sentence, expected):
    assert gives_figure(part, sentence) == expected


def test_a_part_asking_codes_is_answered_by_a_sentence_giving_them():
    parts = ["In git bisect run, which exit codes mark a commit as bad?", "In git bisect run, which exit codes skips a commit?"]
    vague = S(1, "When git bisect run finishes, bisect/bad will refer to a commit that has at least one parent.", 0.62)
    codes = S(1, "The script should exit with a code between 1 and 127 (inclusive), except 125, if the current source code is bad.", 0.58, start=200)
    skip = S(1, "The special exit code 125 should be used when the current source code cannot be tested.", 0.55, start=400)
    text = compose_parts("In git bisect run, which exit codes mark a commit as bad, and which one skips it?", parts,
                         [[vague, codes, skip], [skip, vague, codes]], floor=0.4)
    assert "between 1 and 127" in text and "exit code 125" in text and "bisect/bad" not in text


BRACES = ("Brace expansions may be nested. The results of each expanded string are not sorted; left to right order is preserved. "
          "For example,\n\nbash$ echo a{d,c,b}e\nade ace abe\n\nA sequence expression takes the form {x..y[..incr]}.")


def _brace_passage() -> Passage:
    at = BRACES.index("bash$")
    return Passage(doc_id="brace-expansion.pdf", title="Brace Expansion", chunk_id="b::0", text=BRACES, score=1.0, start=0, end=len(BRACES),
                   code_spans=[(at, at + len("bash$ echo a{d,c,b}e\nade ace abe"))])


@pytest.mark.parametrize("part, expected", [
    ("What does echo a{d,c,b}e print?", (1, "bash$ echo a{d,c,b}e\nade ace abe")),
    ("What does echo a{x,y}z print?", None),  # not shown: no example runs it
    ("What does brace expansion print?", None),  # a thing's name, not a command as written
    ("Is the output sorted?", None),
])
def test_shown_example(part, expected):
    assert shown_example(part, [_brace_passage()]) == expected


def test_an_example_answers_its_part_and_passes_the_verifier():
    passage = _brace_passage()
    question = "What does echo a{d,c,b}e print, and is the output sorted?"
    parts = question_parts(question)
    sorted_ = S(1, "The results of each expanded string are not sorted; left to right order is preserved.", 0.33, start=32)
    text = compose_parts(question, parts, [[sorted_], [sorted_]], floor=0.4, passages=[passage])
    assert text.startswith("```\nbash$ echo a{d,c,b}e\nade ace abe\n```\n[1]") and "are not sorted" in text
    checked = Verifier(FakeEmbedder()).check(text, [passage], question)
    assert "ade ace abe" in checked.text and "not sorted" in checked.text


@pytest.mark.parametrize("previous, answer, question, expected", [
    ("How do I delete a branch with git branch?", "Use git branch -d <branchname> [1].", "And what if it is not fully merged?",
     "How do I delete a branch with git branch if it is not fully merged?"),
    ("How do I list the notes attached to objects?", "Run git notes list [1].", "And how do I remove one?",
     "How do I remove one of the notes attached to objects?"),
    ("How do I start a bisect session?", "Run git bisect start [1].", "And how do I stop one?", "How do I stop a bisect session?"),
    ("What does the gc.auto setting control?", "When there are more loose objects than this, git gc --auto packs them [1].",
     "What is its default value?", "What is the default value of gc.auto?"),
])
def test_follow_ups_read_in_context(previous, answer, question, expected):
    assert standalone_question(question, [(previous, answer)]) == expected


@pytest.mark.parametrize("question, labels, second_query", [
    ("What are lightweight tags meant for, compared with annotated tags?", ["lightweight tags", "annotated tags"], "What are annotated tags meant for"),
    ("What does a login shell read, as opposed to a non-login shell?", ["login shell", "non-login shell"], "What does a non-login shell read"),
    ("How fast is git gc compared with running nothing?", [], None),  # the other thing's head noun is not in the question
])
def test_a_thing_compared_with_another(question, labels, second_query):
    sides = compared_things(question)
    assert [s.label for s in sides] == labels
    if sides:
        assert sides[1].query == second_query


@pytest.mark.parametrize("sentence, speaker", [
    ("American policymakers argue that unless China takes solid steps, the crisis will escalate.", "American policymakers"),
    ("The fentanyl crisis is the 'US's problem,' Chinese officials have repeatedly said.", "' Chinese officials have repeatedly"),
    ("In Beijing's view, it has gone above and beyond international norms.", "Beijing"),
    ("The US is finally making headway against fentanyl.", ""),  # reports no one
])
def test_speaker_of(sentence, speaker):
    from qa.speakers import speaker_of
    assert speaker_of(sentence) == speaker


def test_a_view_is_its_speaker_s_not_the_side_it_names():
    from qa.speakers import speaks_for
    china, us = compared_things("How do China's and the US's views of the fentanyl crisis differ?")
    assert speaks_for(us, "American policymakers") and not speaks_for(china, "American policymakers")
    assert speaks_for(china, "Beijing") and speaks_for(china, "Chinese officials") and not speaks_for(us, "Chinese officials")


@pytest.mark.parametrize("quoted, missing", [
    ("said Ryan Hass, director ... according to Vanda Felbab-Brown, a senior fellow", []),  # 'Brown' held by 'Felbab-Brown'
    ("said Ryan Hass, director of a center", ["Vanda", "Felbab", "Brown"]),
])
def test_a_hyphenated_name_holds_its_parts(quoted, missing):
    from qa.declining import names_unquoted
    assert [n for n in names_unquoted("Compare what Ryan Hass and Vanda Felbab-Brown say about China's steps.", quoted) if n != "China"] == missing


@pytest.mark.parametrize("person, sentence, expected", [
    ("Ryan Hass", "'Cooperation likely will falter going forward,' said Ryan Hass, director of the China Center.", True),
    ("Ryan Hass", "Ryan Hass directs the John L. Thornton China Center.", False),  # named, not speaking
    ("Vanda Felbab-Brown", "'Cooperation likely will falter,' said Ryan Hass.", False),
    ("", "'Cooperation likely will falter,' said Ryan Hass.", False),
])
def test_quotes_person(person, sentence, expected):
    from qa.speakers import quotes_person
    assert quotes_person(person, [sentence]) == expected


def test_one_of_a_named_command_is_not_the_command():
    """'And how do I remove one?' after 'What does pushd do?': 'one' is a directory, not pushd; the rule leaves it."""
    assert "remove pushd" not in standalone_question("And how do I remove one?", [("What does pushd do?", "It adds a directory to the stack [1].")])
