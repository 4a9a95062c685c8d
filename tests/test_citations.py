import pytest

from qa.citations import place_marks, build_citations, check_citations, claim_before, marker_numbers, renumber
from qa.types import Passage


@pytest.mark.parametrize(
    "text, expected",
    [
        ("No markers.", []),
        ("One [1].", [1]),
        ("Two [2] then [1] and [2] again.", [2, 1]),
        ("Grouped [1, 3] and [2;4].", [1, 3, 2, 4]),
        ("Adjacent [3][1].", [3, 1]),
        ("Not markers: [a], [ 1 ], [1.5], [-1].", []),
        ("Big number [12].", [12]),
    ],
)
def test_marker_numbers(text, expected):
    assert marker_numbers(text) == expected


@pytest.mark.parametrize(
    "text, valid_up_to, expected_text, expected_order",
    [
        ("A [2]. B [1].", 3, "A [1]. B [2].", [2, 1]),
        ("A [1, 3].", 3, "A [1][2].", [1, 3]),
        ("A [9].", 3, "A.", []),  # points at nothing: dropped, with its space
        ("A [1] and [7] B [1].", 3, "A [1] and B [1].", [1]),
        ("A [2][2].", 3, "A [1].", [2]),
        ("Plain.", 3, "Plain.", []),
        ("Run [3]:\n```\nx[10] = 0;\ny[2] = 1;\n```\n[2]", 3, "Run [1]:\n```\nx[10] = 0;\ny[2] = 1;\n```\n[2]", [3, 2]),  # code keeps its brackets
    ],
)
def test_renumber(text, valid_up_to, expected_text, expected_order):
    new, order = renumber(text, lambda n: 1 <= n <= valid_up_to)
    assert new == expected_text
    assert order == expected_order


def passages(n=3):
    return [
        Passage(doc_id=f"d{i}", title=f"T{i}", chunk_id=f"d{i}::0", text=f"Passage {i} says {i * 11} things. Also more.", score=0.5, start=100 * i, end=100 * i + 40)
        for i in range(1, n + 1)
    ]


def test_build_citations_numbers_by_first_use_and_keeps_quotes():
    ps = passages()
    text, cites = build_citations("X is 33 [3]. Y is 11 [1]. Z [5].", ps, {3: ("Passage 3 says 33 things.", 300, 325)})
    assert text == "X is 33 [1]. Y is 11 [2]. Z."
    assert [(c.n, c.doc_id) for c in cites] == [(1, "d3"), (2, "d1")]
    assert cites[0].quote == "Passage 3 says 33 things." and (cites[0].quote_start, cites[0].quote_end) == (300, 325)
    assert cites[1].quote == ps[0].text  # no quote given: the whole passage
    assert check_citations(text, cites) == []


def test_build_citations_with_quote_finder_gets_the_claim():
    seen = []

    def finder(claim, passage):
        seen.append((claim, passage.doc_id))
        return ("q", passage.start, passage.start + 1)

    text, cites = build_citations("First claim [2]. Second claim [1].", passages(), finder)
    assert seen == [("First claim", "d2"), ("Second claim", "d1")]
    assert len(cites) == 2


def test_check_citations_finds_problems():
    cites = build_citations("A [1]. B [2].", passages(), {})[1]
    assert check_citations("A [1].", cites) == ["citation 2 is not used in the text"]
    assert check_citations("A [1]. B [2]. C [3].", cites) == ["[3] has no citation"]


@pytest.mark.parametrize(
    "text, n, claim",
    [("First [1]. Second part [2].", 2, "Second part"), ("Only [1].", 1, "Only"), ("Q? Yes it is [1]", 1, "Yes it is"), ("None.", 1, "")],
)
def test_claim_before(text, n, claim):
    assert claim_before(text, n) == claim


@pytest.mark.parametrize("sentence, expected", [
    ("It rose 5%.", "It rose 5% [1]."),
    ("He said “no.”", "He said “no [1].”"),
    ("The easiest way to do so is:", "The easiest way to do so is [1]:"),
    ("In the U.S.", "In the U.S. [1]"),
    ("A line with no stop", "A line with no stop [1]."),
])
def test_place_marks(sentence, expected):
    assert place_marks(sentence, "[1]", add_stop=True) == expected
