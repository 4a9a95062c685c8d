"""Composers per kind (qa.composers) and their answers through the verifier: every line cited and checked."""

import pytest

from qa.compose_yes_no import compose_yes_no
from qa.composers import compose_comparison, compose_list, compose_multi_step, new_figures
from qa.extractive import ExtractiveGenerator, ScoredSentence
from qa.types import Passage
from qa.reversal import reverses
from qa.verification import Verifier, split_lines
from tests.conftest import FakeEmbedder


def P(doc, text, title=None):
    return Passage(doc_id=doc, title=title or doc, chunk_id=f"{doc}::0", text=text, score=1.0, start=0, end=len(text))


def S(n, text, score=0.8, start=0):
    return ScoredSentence(n, start, start + len(text), text, score)


def test_list_is_bulleted_cited_and_deduplicated():
    ranked = [S(1, "China restricted 13 precursor chemicals in November."), S(2, "China restricted 13 precursor chemicals in November 2025."),
              S(2, "China added nitazenes to its controlled substances.", 0.75), S(1, "Unrelated sentence about weather.", 0.1)]
    text = compose_list("List the actions China took.", ranked, [P("a", ""), P("b", "")], floor=0.4)
    assert text.splitlines() == ["- China restricted 13 precursor chemicals in November [1].", "- China added nitazenes to its controlled substances [2]."]


@pytest.mark.parametrize("sentence, starts", [
    ("Biden and Xi agreed to resume counternarcotics cooperation, the White House said.", "Yes."),
    ("Biden and Xi did not agree to resume counternarcotics cooperation.", "No."),
    ("The two leaders met in California this week.", "The two"),
])
def test_yes_no_only_when_a_sentence_states_it(sentence, starts):
    text = compose_yes_no("Did Biden and Xi agree to resume counternarcotics cooperation?", [S(1, sentence)], reverses)
    assert text.startswith(starts) and text.endswith("[1].")


def test_yes_no_antonym_is_a_no():
    text = compose_yes_no("Does China have a large domestic opioid abuse problem?", [S(1, "China has a comparatively limited domestic opioid abuse problem.")], reverses)
    assert text.startswith("No. ")


def test_comparison_sets_sources_side_by_side():
    passages = [P("a", "x", "Article A"), P("b", "y", "Article B")]
    text = compose_comparison([S(1, "A says 76,226 died in 2022."), S(2, "B says more than 73,600 died in 2022.")], passages, floor=0.4)
    assert text.splitlines() == ["- In “Article A”: A says 76,226 died in 2022 [1].", "- In “Article B”: B says more than 73,600 died in 2022 [2]."]


def test_multi_step_states_the_arithmetic_with_both_cited():
    ranked = [S(1, "On Nov. 10 China restricted 13 precursor chemicals."), S(2, "In August China restricted four precursor chemicals.", 0.7)]
    text = compose_multi_step("How many chemicals did China restrict in August and November in all?", ranked, floor=0.4)
    assert text.splitlines()[-1] == "In all: 13 + 4 = 17 [1][2]."


@pytest.mark.parametrize("question, sentence, figures", [
    ("How many in 2024?", "In 2024 there were 48,422 deaths.", [48422.0]),
    ("How many?", "On Nov. 10 it restricted 13 chemicals.", [13.0]),
    ("How many?", "It added four chemicals in 2019.", [4.0]),
])
def test_new_figures(question, sentence, figures):
    assert new_figures(question, sentence) == figures


PASSAGES = [P("a", "On Nov. 10 China restricted 13 precursor chemicals to the United States. Officials welcomed the step."),
            P("b", "In August China restricted four precursor chemicals used to make fentanyl.")]


def test_verifier_keeps_list_lines_and_checks_the_arithmetic():
    draft = ("- On Nov. 10 China restricted 13 precursor chemicals to the United States [1].\n"
             "- In August China restricted four precursor chemicals used to make fentanyl [2].\n"
             "In all: 13 + 4 = 17 [1][2].")
    checked = Verifier(FakeEmbedder()).check(draft, PASSAGES, "How many in all?")
    lines = checked.text.splitlines()
    assert lines[0].startswith("- On Nov. 10") and lines[1].startswith("- In August") and lines[2] == "In all: 13 + 4 = 17 [1][2]."
    assert checked.verified == 3 and not checked.unverified


@pytest.mark.parametrize("line", ["In all: 13 + 4 = 18 [1][2].", "In all: 13 + 5 = 18 [1][2].", "In all: 13 + 4 = 17 [1]."])
def test_verifier_drops_wrong_or_half_cited_arithmetic(line):
    checked = Verifier(FakeEmbedder()).check(line, PASSAGES, "How many in all?")
    assert checked.text == "" and checked.unverified


def test_code_block_is_kept_only_when_a_passage_holds_it():
    passage = P("g", "To undo the last commit, run:\n\n    git reset --soft HEAD~1\n\nThis keeps your changes.")
    ok = Verifier(FakeEmbedder()).check("```\ngit reset --soft HEAD~1\n```\n[1]", [passage])
    bad = Verifier(FakeEmbedder()).check("```\nrm -rf /\n```\n[1]", [passage])
    assert "git reset --soft HEAD~1" in ok.text and ok.targets and bad.text == "" and bad.unverified


def test_split_lines_kinds():
    lines = split_lines("Intro [1].\n- item [2].\n- In “T”: said [1].\n```\ncode\n```\n[1]\nIn all: 1 + 2 = 3 [1][2].")
    assert [k for *_, k in lines] == ["text", "text", "text", "code", "sum"]
    assert lines[1][0] == "- " and lines[2][0] == "- In “T”: "


def test_extractive_generator_uses_the_kind(fake_embedder):
    gen = ExtractiveGenerator(fake_embedder, min_score=0.3)
    passages = [P("a", "China restricted 13 precursor chemicals in November. China also added nitazenes to its list of controlled substances. "
                       "The weather was fine.")]
    draft = gen.generate("List the chemicals China restricted and controlled.", passages)
    assert draft.text.startswith("- ") and all(line.endswith("].") for line in draft.text.splitlines())


def test_figures_of_different_units_are_not_combined():
    ranked = [S(1, "Fatal overdoses were 23 times higher in 2021 than in 2013."), S(2, "The crisis was linked to 76,226 deaths in 2022.", 0.7)]
    text = compose_multi_step("How much higher was the number of overdoses in 2021 than in 2013?", ranked, floor=0.4)
    assert "=" not in text and "[1]" in text and "[2]" in text
    checked = Verifier(FakeEmbedder()).check("The difference: 76,226 - 23 = 76,203 [1][2].",
                                             [P("a", ranked[0].text), P("b", ranked[1].text)], "How much higher?")
    assert checked.text == "" and checked.unverified
