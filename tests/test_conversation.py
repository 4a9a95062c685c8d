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
