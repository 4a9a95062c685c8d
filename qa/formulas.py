"""The asker's value put into a formula the documents state.

'If a command is killed by signal 9, what exit status does bash report?' read with 'When a command terminates on a
fatal signal whose number is N, Bash uses the value 128+N as the exit status.' -> 'With N = 9: 128 + 9 = 137 [1].'

Pure functions: the extractive generator writes the line (``formula_line``), the verifier checks it
(``formula_line_holds``): the value must be the question's, the formula a cited sentence's, and the sum right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.lexical import format_figure, stems

_VALUE = r"\d[\d,]*(?:\.\d+)?"
# '128+N', '128 + N', 'N-1', '2*N' (one capital letter as the variable, not a word)
_FORMULA = re.compile(rf"(?<![\w.$])(?:({_VALUE})\s*([-+*×])\s*([A-Z])|([A-Z])\s*([-+*×])\s*({_VALUE}))(?![\w.]\w)")
_HYPOTHESIS = re.compile(r"^\s*(?:if|suppose|say|when|assuming)\b([^?]*?),", re.I)
LINE = re.compile(rf"^((?:[-*•]\s+)?With ([A-Z]) = ({_VALUE}):\s+)(.*)$")
_EQUATION = re.compile(rf"^\s*({_VALUE})\s*([-+×])\s*({_VALUE})\s*=\s*({_VALUE})")


@dataclass(frozen=True)
class Formula:
    """A formula of one variable in a sentence ('128+N'): ``constant op variable`` or ``variable op constant``."""

    constant: float
    op: str  # '+', '-' or '×'
    variable: str  # 'N'
    variable_first: bool  # 'N-1' rather than '1-N'

    def apply(self, value: float) -> float:
        a, b = (value, self.constant) if self.variable_first else (self.constant, value)
        return a + b if self.op == "+" else a - b if self.op == "-" else a * b

    def written(self, value: float) -> str:
        """'128 + 9 = 137'."""
        a, b = (value, self.constant) if self.variable_first else (self.constant, value)
        return f"{format_figure(a)} {self.op} {format_figure(b)} = {format_figure(self.apply(value))}"


def formulas_in(sentence: str) -> list[Formula]:
    """The one-variable formulas a sentence states ('128+N' -> Formula(128, '+', 'N', False))."""
    found = []
    for m in _FORMULA.finditer(sentence):
        if m.group(1):
            constant, op, variable, first = m.group(1), m.group(2), m.group(3), False
        else:
            variable, op, constant, first = m.group(4), m.group(5), m.group(6), True
        found.append(Formula(_number(constant), "×" if op in "*×" else op, variable, first))
    return found


def scenario_values(question: str) -> list[tuple[str, float]]:
    """The figures of the question's 'If ...,' clause with the word before each ('signal 9' -> ('signal', 9.0))."""
    m = _HYPOTHESIS.match(question)
    if not m:
        return []
    return [(word, _number(value)) for word, value in re.findall(rf"\b([A-Za-z][\w-]*)\s+({_VALUE})\b", m.group(1))]


def formula_line(question: str, sentence: str, marks: str) -> str:
    """'With N = 9: 128 + 9 = 137 [1].' when the question's 'If' clause gives a value of something the sentence
    names with a formula's variable ('signal 9' / 'a fatal signal whose number is N ... 128+N'); '' otherwise."""
    formulas = formulas_in(sentence)
    if len({(f.constant, f.op, f.variable) for f in formulas}) != 1:
        return ""
    f = formulas[0]
    said = set(stems(sentence))
    values = [v for word, v in scenario_values(question) if set(stems(word)) & said and _names_variable(sentence, f.variable)]
    if len(values) != 1:
        return ""
    return f"With {f.variable} = {format_figure(values[0])}: {f.written(values[0])} {marks}."


def formula_line_holds(variable: str, value: str, body: str, question: str, cited_sentences: list[str]) -> bool:
    """Is 'With N = 9: 128 + 9 = 137' right: 9 a value of the question's 'If' clause, one cited sentence's formula
    in N written with it, and the arithmetic right?"""
    m = _EQUATION.match(body)
    v = _number(value)
    if m is None or v not in [x for _, x in scenario_values(question)]:
        return False
    a, op, b, result = _number(m.group(1)), m.group(2), _number(m.group(3)), _number(m.group(4))
    for sentence in cited_sentences:
        for f in formulas_in(sentence):
            if f.variable == variable and f.op == op and f.written(v) == f"{format_figure(a)} {op} {format_figure(b)} = {format_figure(result)}":
                return True
    return False


def _names_variable(sentence: str, variable: str) -> bool:
    """Does the sentence say what the variable stands for ('whose number is N', 'N is the signal number')?"""
    v = re.escape(variable)
    return bool(re.search(rf"\b(?:is|are|of|number|value|named|called)\s+{v}\b|\b{v}\s+(?:is|being|stands for)\b", sentence))


def _number(text: str) -> float:
    return float(text.replace(",", ""))

