"""The asker's value put into a formula the documents state (qa.formulas), and the verifier's check of that line."""

import pytest

from qa.formulas import Formula, formula_line, formula_line_holds, formulas_in, scenario_values
from qa.verification import Verifier, split_lines
from tests.conftest import FakeEmbedder
from tests.test_compose_reasoning import P

EXIT = "When a command terminates on a fatal signal whose number is N, Bash uses the value 128+N as the exit status."
QUESTION = "If a command is killed by signal 9, what exit status does bash report?"


@pytest.mark.parametrize("sentence, expected", [
    (EXIT, [Formula(128, "+", "N", False)]),
    ("The last element has index N - 1, where N is the number of elements.", [Formula(1, "-", "N", True)]),
    ("Each entry takes 2*N bytes.", [Formula(2, "×", "N", False)]),
    ("The status is 126 if the command is not executable.", []),
    ("See RFC 2822+ for the format; use UTF-8 or a 7-bit charset.", []),  # no single-letter variable
    ("Run make -j4+ to build.", []),
])
def test_formulas_in_a_sentence(sentence, expected):
    assert formulas_in(sentence) == expected


@pytest.mark.parametrize("question, expected", [
    (QUESTION, [("signal", 9.0)]),
    ("Suppose the array has 5 elements, which index is the last?", [("has", 5.0)]),
    ("What exit status does bash report for signal 9?", []),  # no 'If' clause: 9 is no scenario's value
])
def test_scenario_values(question, expected):
    assert scenario_values(question) == expected


@pytest.mark.parametrize("question, sentence, expected", [
    (QUESTION, EXIT, "With N = 9: 128 + 9 = 137 [1]."),
    ("If a command is killed by signal 15, what exit status does bash report?", EXIT, "With N = 15: 128 + 15 = 143 [1]."),
    ("If a command gets 3 arguments, what exit status does bash report?", EXIT, ""),  # 'arguments' is not what N stands for
    ("What exit status does bash report for a fatal signal?", EXIT, ""),  # no value given
    (QUESTION, "Bash uses the value 128+N as the exit status.", ""),  # N never said to be anything
])
def test_formula_line(question, sentence, expected):
    assert formula_line(question, sentence, "[1]") == expected


@pytest.mark.parametrize("value, body, holds", [
    ("9", "128 + 9 = 137 [1].", True),
    ("9", "128 + 9 = 138 [1].", False),  # wrong sum
    ("7", "128 + 7 = 135 [1].", False),  # not the question's value
    ("9", "129 + 9 = 138 [1].", False),  # not the sentence's formula
])
def test_formula_line_holds(value, body, holds):
    assert formula_line_holds("N", value, body, QUESTION, [EXIT]) is holds


def test_the_verifier_keeps_a_right_formula_line_and_drops_a_wrong_one():
    passage = P("exit-status.pdf", "Exit status. " + EXIT)
    verifier = Verifier(FakeEmbedder())
    right = verifier.check(f"{EXIT[:-1]} [1].\nWith N = 9: 128 + 9 = 137 [1].", [passage], question=QUESTION)
    assert right.text.splitlines()[-1] == "With N = 9: 128 + 9 = 137 [1]." and not right.unverified
    assert [kind for *_, kind in split_lines(right.text)] == ["text", "formula"]
    wrong = verifier.check(f"{EXIT[:-1]} [1].\nWith N = 9: 128 + 9 = 139 [1].", [passage], question=QUESTION)
    assert "139" not in wrong.text and wrong.unverified == ["With N = 9: 128 + 9 = 139 [1]."]
    other = verifier.check(f"{EXIT[:-1]} [1].\nWith N = 9: 128 + 9 = 137 [1].", [passage], question="What exit status does bash report?")
    assert "137" not in other.text  # no value in the question: the line is not the documents' to state


def test_a_scenario_question_gets_the_formula_applied():
    from qa.extractive import ExtractiveGenerator

    passage = P("exit-status.pdf", "Exit Status. The exit status of an executed command is the value returned by the waitpid system call. " + EXIT)
    draft = ExtractiveGenerator(FakeEmbedder(), min_score=0.2).generate(QUESTION, [passage])
    assert draft.text.splitlines()[-1] == "With N = 9: 128 + 9 = 137 [1]."
