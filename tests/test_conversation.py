import pytest

from qa.conversation import needs_context, rewrite_is_sound, rule_rewrite, standalone_question

HISTORY = [("How many fentanyl-linked deaths were estimated in 2022?", "At its peak the crisis was linked to 76,226 deaths in 2022 [1].")]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("and in 2024?", "How many fentanyl-linked deaths were estimated in 2024?"),
        ("What about 2024?", "How many fentanyl-linked deaths were estimated in 2024?"),
        ("Who is Vanda Felbab-Brown?", "Who is Vanda Felbab-Brown?"),  # stands alone
        ("Why did they rise?", "Why did they rise: How many fentanyl-linked deaths were estimated in 2022?"),
    ],
)
def test_rule_based_standalone_question(question, expected):
    assert standalone_question(question, HISTORY) == expected


def test_no_history_means_no_rewrite():
    assert standalone_question("and in 2024?", []) == "and in 2024?"
    assert not needs_context("and in 2024?", [])


def test_model_rewrite_is_used_when_sound():
    model = lambda prompt: "How many fentanyl-linked deaths were estimated in 2024?\n"
    assert standalone_question("and in 2024?", HISTORY, model) == "How many fentanyl-linked deaths were estimated in 2024?"


@pytest.mark.parametrize(
    "bad",
    [
        "How many heroin deaths were estimated in 2024?",  # 'heroin' is in neither the follow-up nor the conversation
        "How many fentanyl-linked deaths were estimated?",  # dropped the follow-up's year
        "",
    ],
)
def test_unsound_model_rewrite_falls_back_to_the_rule(bad):
    assert not rewrite_is_sound(bad, "and in 2024?", HISTORY)
    assert standalone_question("and in 2024?", HISTORY, lambda p: bad) == rule_rewrite("and in 2024?", HISTORY)


def test_failing_model_falls_back_to_the_rule():
    def broken(prompt):
        raise RuntimeError("down")

    assert standalone_question("and in 2024?", HISTORY, broken) == "How many fentanyl-linked deaths were estimated in 2024?"


@pytest.mark.parametrize(
    "previous, answer, question, expected",
    [
        ("Who is Vanda Felbab-Brown?", "A senior fellow at the Brookings Institution [1].", "What does she say about Chinese brokers?",
         "What does Vanda Felbab-Brown say about Chinese brokers?"),
        ("How do I start a bisect session?", "Run git bisect start [1].", "And how do I finish it and get back to where I was?",
         "How do I finish a bisect session and get back to where I was?"),
        ("What does git stash pop do?", "It applies a stash [1].", "What happens if applying it causes conflicts?",
         "What happens if applying git stash pop causes conflicts?"),
        ("What is a lightweight tag?", "A tag reference [1].", "What are they meant for, compared with annotated ones?",
         "What are lightweight tags meant for, compared with annotated tags?"),
        ("How do I declare an indexed array?", "Use declare -a name [1].", "And an associative one?", "How do I declare an associative array?"),
        ("Which file does bash read when it starts as an interactive non-login shell?", "It reads ~/.bashrc, if that file exists [1].",
         "How can I stop it from reading that file?", "How can I stop bash from reading ~/.bashrc?"),
        ("What is the restricted shell?", "A shell started as rbash [1].", "Which Linux distributions make it the default login shell?",
         "Which Linux distributions make the restricted shell the default login shell?"),
    ],
)
def test_pronouns_are_replaced_by_what_the_last_question_was_about(previous, answer, question, expected):
    assert standalone_question(question, [(previous, answer)]) == expected


@pytest.mark.parametrize("question", ["What did Washington agree to in return?", "And what did they do instead?"])
def test_elliptic_cues_ask_for_the_conversation(question):
    assert needs_context(question, [("What did China announce on Nov. 10?", "Export restrictions [1].")])
