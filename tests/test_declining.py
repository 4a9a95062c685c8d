"""Declining (qa.declining and the extractive generator's rules): the thing asked about must be in what was read,
and in what the answer quotes; near misses are declined, their answerable twins answered."""

import pytest

from qa.conversation import asker_part
from qa.declining import FRAME_WORDS, absent_focus, names_unquoted, question_names
from qa.extractive import ExtractiveGenerator
from qa.lexical import stems
from tests.conftest import passage

RARE = {"multithread", "return", "zsh", "coprocess", "certif", "refus", "india", "percent", "percentag", "tariff"}


def weight(term: str) -> float:
    """A fake rarity: the words of RARE (and words never seen) are rare, the rest common."""
    return 5.0 if term in RARE or term.startswith("zz") else 1.0


@pytest.mark.parametrize("question, read, missing", [
    ("How does bash's job control compare with zsh's?", "Bash uses the job abstraction as the basis for job control.", ["zsh"]),
    ("Summarize the manual's section on coprocesses.", "Redirection may also be used to modify file handles.", ["coprocess"]),
    ("Why did Mexico's government refuse to cooperate?", "Mexico replaced China as the primary source.", ["refus"]),
    ("Which providers support SSH certificates?", "Most hosting providers support SSH keys.", ["certif"]),
    # held: the rare word is there, or a word sharing its start ('percentage' / 'percent')
    ("How does bash's job control compare with zsh's?", "zsh and bash both offer job control.", []),
    ("By what percentage did deaths fall?", "Deaths plummeted by 27 percent.", []),
    ("What did Washington agree to in return?", "Washington agreed to halve its tariffs.", []),  # 'in return' names no topic
    # words that only frame the question are not its topic
    ("Compare what the FAQ recommends.", "Nothing here.", []),
])
def test_absent_focus(question, read, missing):
    assert absent_focus(question, read, weight, 5.0) == missing


def test_absent_focus_needs_word_weights():
    assert absent_focus("How does zsh compare?", "nothing", None, 5.0) == []


def test_frame_words_are_stems():
    assert {"summar", "recommend", "compar", "faq"} <= FRAME_WORDS and stems("Summarize")[0] in FRAME_WORDS


@pytest.mark.parametrize("question, quoted, unquoted", [
    ("How does China's control of precursors compare with India's regulations?", "China added two precursors to its list.", ["India"]),
    ("How does China's control of precursors compare with India's regulations?", "China and India both control precursors.", []),
    ("Did the CDC report a fall?", "The Centers for Disease Control and Prevention reported it.", []),  # spelled out
])
def test_names_unquoted(question, quoted, unquoted):
    expansions = {"CDC": "Centers for Disease Control and Prevention"}
    assert names_unquoted(question, quoted, expansions) == unquoted


def test_question_names_skip_the_first_word():
    assert question_names("Which Chinese companies export to Mexico?") == ["Chinese", "Mexico"]


def _generator(fake_embedder):
    return ExtractiveGenerator(fake_embedder, min_score=0.3, term_weight=weight, min_coverage=0.0)


@pytest.mark.parametrize("question, text, declined", [
    ("What is the maximum number of linked worktrees a repository can have?",
     "A repository can have linked worktrees, and linked worktrees share the repository.", True),
    ("What is the maximum number of linked worktrees a repository can have?",
     "A repository can have at most 64 linked worktrees, the maximum number.", False),
    ("What share of fentanyl deaths in 2024 involved precursors made in China?",
     "Fentanyl deaths in 2024 involved precursors made in China and were estimated at 48,422.", True),
    ("What share of fentanyl deaths in 2024 involved precursors made in China?",
     "In 2024, 60 percent of fentanyl deaths involved precursors made in China.", False),
])
def test_a_figure_or_share_asked_needs_one_in_the_answer(fake_embedder, question, text, declined):
    draft = _generator(fake_embedder).generate(question, [passage(1, text)])
    assert draft.declined is declined


def test_a_comparison_quoting_nothing_on_a_compared_name_is_declined():
    question = "How does China's control of fentanyl precursors compare with India's regulations?"
    passages = [passage(1, "China controls fentanyl precursors. India makes chemicals."), passage(2, "China's regulations tightened.")]
    china_only = "- In “Doc 1”: China controls fentanyl precursors [1].\n- In “Doc 2”: China's regulations tightened [2]."
    assert ExtractiveGenerator.compares_unquoted(question, china_only, passages)
    both = "- In “Doc 1”: India makes chemicals [1].\n- In “Doc 2”: China's regulations tightened [2]."
    assert not ExtractiveGenerator.compares_unquoted(question, both, passages)


@pytest.mark.parametrize("question, own", [
    ("What did Washington agree to in return: What did China announce on Nov. 10?", "What did Washington agree to in return?"),
    ("Why did they: How many died in 2024?", "Why did they?"),
    ("Which version of bzip2 added multithreading?", "Which version of bzip2 added multithreading?"),
    ("Note: how do I quote a string?", "Note: how do I quote a string?"),  # no question before the colon
    ("What is X: a test", "What is X: a test"),  # no question after it
])
def test_asker_part_of_a_joined_follow_up(question, own):
    assert asker_part(question) == own


@pytest.mark.parametrize("quoted, declined", [
    ("This manual page pertains to version 1.0.8 of bzip2.", True),  # a version, but not the one of multithreading
    ("Multithreading was added to bzip2 in version 1.1.0.", False),
])
def test_a_look_up_quoting_a_passage_without_its_rare_word_is_declined(fake_embedder, quoted, declined):
    question = "Which version of bzip2 added multithreading?"
    elsewhere = passage(2, "The library is thread-safe, but errno in a multithreaded program is not.")
    draft = _generator(fake_embedder).generate(question, [passage(1, quoted), elsewhere])
    assert draft.declined is declined


@pytest.fixture(scope="module")
def demo_answers(real_index):
    """Near misses and their answerable twins asked of the demo corpus on a real embedded Chroma, real models."""
    from qa import api

    store, _ = real_index
    questions = {
        "near miss, explanation": "Why did Mexico's government refuse to cooperate with US fentanyl investigations?",
        "twin, explanation": "Why did China suspend counternarcotics cooperation with the US in 2022?",
        "near miss, share": "What share of US fentanyl deaths in 2024 involved precursors made in China?",
        "twin, share": "By what percentage did overdose deaths fall in 2024 according to the CDC?",
        "near miss, comparison": "How does China's control of fentanyl precursors compare with India's regulations?",
    }
    return {name: api.ask(q, store=store, collection="default", generator="extractive") for name, q in questions.items()}


@pytest.mark.parametrize("kind", ["explanation", "share", "comparison"])
def test_near_misses_are_declined_on_the_demo_corpus(demo_answers, kind):
    answer = demo_answers[f"near miss, {kind}"]
    assert not answer.grounded and not answer.citations


@pytest.mark.parametrize("kind, holds", [("explanation", "Pelosi"), ("share", "27 percent")])
def test_their_answerable_twins_are_answered(demo_answers, kind, holds):
    answer = demo_answers[f"twin, {kind}"]
    assert answer.grounded and holds in answer.text and answer.citations
