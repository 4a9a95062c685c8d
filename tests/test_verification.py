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
        ("The easiest way to do so is [1]:", [("The easiest way to do so is:", [1])]),
    ],
)
def test_split_claims(text, expected):
    assert [(c.text, c.cited) for c in split_claims(text)] == expected


def test_verbatim_sentence_is_verified_with_its_quote(fake_embedder):
    checked = Verifier(fake_embedder).check("The port handled 4,210 ships in 2023 [2].", PASSAGES)
    assert checked.verified == 1 and checked.unverified == []
    assert checked.targets == [(2, "The port handled 4,210 ships in 2023.", 100, 137)]  # the quote keeps its full stop
    assert checked.text == "The port handled 4,210 ships in 2023 [1]."


def test_a_short_lead_in_quoted_whole_is_verified(fake_embedder):
    passages = [passage(1, "Name yourself first. The easiest way is:\n\n$ git config user.name Me", 0)]
    checked = Verifier(fake_embedder).check("The easiest way is [1]:", passages, question="How do I set my name?")
    assert checked.unverified == [] and checked.text == "The easiest way is [1]:"
    assert checked.targets == [(1, "The easiest way is:", 21, 40)]


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


@pytest.mark.parametrize("claim, sentence, reversed_", [
    ("China has a large domestic opioid abuse problem", "China has a comparatively limited opioid abuse problem, experts say", True),
    ("Overdose deaths rose by 27 percent in 2024", "Overdose deaths plummeted by 27 percent in 2024", True),
    ("Overdose deaths increased in 2024", "Overdose deaths fell sharply in 2024", True),
    ("Overdose deaths fell by 27 percent in 2024", "Overdose deaths plummeted by 27 percent in 2024", False),
    ("China does not have a large opioid problem", "China has a comparatively limited opioid abuse problem", False),
    ("Biden and Xi agreed to resume cooperation", "Biden and Xi agreed to resume counternarcotics cooperation", False),
    ("Biden and Xi did not agree to resume cooperation", "Biden and Xi agreed to resume counternarcotics cooperation", True),
])
def test_reverses(claim, sentence, reversed_):
    from qa.reversal import reverses

    assert reverses(claim, sentence) is reversed_


def test_a_claim_reversing_its_cited_sentence_is_not_verified(fake_embedder):
    from qa.types import Passage
    from qa.verification import Verifier

    text = "Experts say China has a comparatively limited domestic opioid abuse problem. Its factories export precursors."
    p = Passage(doc_id="d", title="d", chunk_id="d::0", text=text, score=1.0, start=0, end=len(text))
    bad = Verifier(fake_embedder).check("China has a large domestic opioid abuse problem [1].", [p])
    good = Verifier(fake_embedder).check("China has a limited domestic opioid abuse problem [1].", [p])
    assert bad.verified == 0 and bad.unverified and good.verified == 1


@pytest.mark.parametrize("claim, sentence, reversed_", [
    ("China has a large domestic opioid abuse problem",
     "In China, where there's no shortage of the drug, there's comparatively limited opioid abuse, experts say.", True),
    ("China has a large domestic opioid abuse problem", "China's opioid abuse problem is not limited, experts say.", False),
])
def test_a_negation_elsewhere_in_the_sentence_does_not_undo_an_antonym(claim, sentence, reversed_):
    from qa.reversal import reverses

    assert reverses(claim, sentence) is reversed_
