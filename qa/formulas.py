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



# A total of the parts one sentence gives: 'How many senators co-signed the letter, counting both parties?' read with
# 'The letter was co-signed by five Republicans – Senators ... – as well as two Democrats – Senators ...' ->
# 'In all: 5 + 2 = 7 senators [1].'  The verifier checks it with ``parts_of_one_count``.

_TOTAL_ASKED = re.compile(r"\b(in all|in total|total|together|combined|altogether|all told|sum|add(?:ed)? up|"
                          r"counting (?:both|all|every|each)|(?:both|all) (?:of them )?(?:together|combined))\b", re.I)
_AUX = r"(?:did|do|does|were|was|are|is|have|has|had|can|could|will|would|[\w-]+ed)"
_COUNTED = re.compile(rf"\bhow many\s+((?:[\w-]+\s+){{0,3}}?[\w-]+)\s+{_AUX}\b", re.I)
_WORD_VALUES = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "eleven": 11, "twelve": 12}
_AMOUNT = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\w.,]*\d)|\b(" + "|".join(_WORD_VALUES) + r")\b", re.I)
_MONTH_BEFORE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$", re.I)


def asks_total(question: str) -> bool:
    """Does the question ask for things counted together ('in all', 'combined', 'counting both parties')?"""
    return bool(_TOTAL_ASKED.search(question))


def counted_noun(question: str) -> str:
    """What a 'how many' question counts ('How many senators co-signed ...' -> 'senators'); '' when it does not say."""
    m = _COUNTED.search(question)
    return m.group(1) if m else ""


def amounts(sentence: str, question: str = "") -> list[tuple[str, float, int, int]]:
    """The counts a sentence gives, as (written, value, start, end): digits or number words, not years, not a day
    after a month ('Nov. 15'), not a figure the question itself names."""
    named = {m.group(0).lower() for m in _AMOUNT.finditer(question)}
    out = []
    for m in _AMOUNT.finditer(sentence):
        written = m.group(0)
        value = _WORD_VALUES[written.lower()] if m.group(2) else _number(written)
        if written.lower() in named or (m.group(1) and re.fullmatch(r"(?:1[5-9]|20)\d\d", written)) or _MONTH_BEFORE.search(sentence[: m.start()]):
            continue
        out.append((written, float(value), m.start(), m.end()))
    return out


def parts_of_one_count(sentence: str, a: float, b: float, noun: str) -> bool:
    """Do two figures of one sentence (5 and 2, however written) count parts of the same thing ('five Republicans –
    Senators ..., as well as two Democrats – Senators ...': both senators)?  The noun's head (its last word) follows
    each figure before the next figure, or the word after each figure is the same."""
    found = {v: (s, e) for _, v, s, e in amounts(sentence)}
    if a not in found or b not in found or a == b:
        return False
    (sa, ea), (sb, eb) = sorted((found[a], found[b]))
    after_a, after_b = stems(sentence[ea:sb]), stems(sentence[eb:])
    if after_a and after_b and after_a[0] == after_b[0]:
        return True
    head = stems(noun.split()[-1]) if noun.strip() else []
    return bool(head) and head[0] in after_a and head[0] in after_b


def parts_total_line(question: str, sentence: str, marks: str) -> str:
    """'In all: 5 + 2 = 7 senators [1].' when the question asks for a total of what it counts and one sentence
    gives exactly two counts of it in parts; '' otherwise."""
    if not asks_total(question):
        return ""
    found = amounts(sentence, question)
    noun = counted_noun(question)
    if len(found) != 2 or not parts_of_one_count(sentence, found[0][1], found[1][1], noun):
        return ""
    (_, a, _, _), (_, b, _, _) = found
    unit = f" {noun}" if noun else ""
    return f"In all: {format_figure(a)} + {format_figure(b)} = {format_figure(a + b)}{unit} {marks}."
