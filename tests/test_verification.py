import pytest

from qa.api import compose_answer
from qa.citations import check_citations
from qa.generation import Draft
from qa.verification import Verifier, split_claims
from tests.conftest import passage




PASSAGES = [
    passage(1, "The harbour opened in 1901. It was rebuilt after the fire of 1950.", 0),
    passage(2, "The port handled 4,210 ships in 2023. Cargo volumes rose by a fifth.", 100),
]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A claim [1]. Another one [2].", [("A claim.", [1]), ("Another one.", [2])]),
        ("A claim. [1] Another one. [2]", [("A claim.", [1]), ("Another one.", [2])]),
        ("Grouped claim [1, 2].", [("Grouped claim.", [1, 2])]),
        ("No markers at all.", [("No markers at all.", [])]),
    ],
)
def test_split_claims(text, expected):
    assert [(c.text, c.cited) for c in split_claims(text)] == expected


def test_verbatim_sentence_is_verified_with_its_quote(fake_embedder):
    checked = Verifier(fake_embedder).check("The port handled 4,210 ships in 2023 [2].", PASSAGES)
    assert checked.verified == 1 and checked.unverified == []
    assert checked.targets == [(2, "The port handled 4,210 ships in 2023.", 100, 137)]  # the quote keeps its full stop
    assert checked.text == "The port handled 4,210 ships in 2023 [1]."


def test_wrong_citation_is_moved_to_the_supporting_passage(fake_embedder):
    checked = Verifier(fake_embedder).check("The harbour opened in 1901 [2].", PASSAGES)
    assert checked.moved == 1 and checked.targets[0][0] == 1


def test_unsupported_figure_is_not_passed_off_as_cited(fake_embedder):
    checked = Verifier(fake_embedder).check("The port handled 9,999 ships in 2023 [2]. The harbour opened in 1901 [1].", PASSAGES)
    assert checked.unverified == ["The port handled 9,999 ships in 2023."]
    assert "9,999 ships in 2023." in checked.text and "9,999 ships in 2023 [" not in checked.text
    assert checked.verified == 1


def test_out_of_range_marker_is_dropped(fake_embedder):
    checked = Verifier(fake_embedder).check("The harbour opened in 1901 [7].", PASSAGES)
    assert checked.text == "The harbour opened in 1901 [1]." and checked.targets[0][0] == 1


def test_compose_answer_numbers_citations_and_reports_unverified(fake_embedder, monkeypatch):
    from qa import api

    monkeypatch.setattr(api, "_embedder", lambda: fake_embedder)
    draft = Draft(text="Cargo volumes rose by a fifth [2]. The harbour was built by aliens in 1776 [1]. It opened in 1901 [1].")
    answer = compose_answer("When did the harbour open?", PASSAGES, draft, "test")
    assert answer.grounded
    assert check_citations(answer.text, answer.citations) == []
    assert [c.doc_id for c in answer.citations] == ["d2", "d1"]
    assert answer.unverified == ["The harbour was built by aliens in 1776."] and answer.unverified_sentences == 1
    assert answer.verified_sentences == 2
    for c in answer.citations:  # quotes are exact sentences of the cited passage
        assert c.quote in c.text


def test_nothing_supported_declines(fake_embedder, monkeypatch):
    from qa import api

    monkeypatch.setattr(api, "_embedder", lambda: fake_embedder)
    answer = compose_answer("q?", PASSAGES, Draft(text="Mars has two moons, Phobos and Deimos [1]."), "test")
    assert not answer.grounded and answer.citations == []


def test_partial_answer_names_the_figure_not_covered(fake_embedder, monkeypatch):
    from qa import api

    monkeypatch.setattr(api, "_embedder", lambda: fake_embedder)
    answer = compose_answer("How many ships in 2023 and in 2019?", PASSAGES, Draft(text="The port handled 4,210 ships in 2023 [2]."), "test")
    assert answer.not_covered == ["2019"] and answer.text.endswith("The documents do not say anything about 2019.")
