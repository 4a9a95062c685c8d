import pytest

from qa.api import compose_answer
from qa.citations import check_citations
from qa.extractive import ExtractiveGenerator, answer_type_fit, period_fit, term_overlap, with_marker
from qa.lexical import stems
from qa.types import NOT_FOUND
from tests.conftest import passage




PASSAGES = [
    passage(1, "The port handled more cargo than ever. Officials praised the crews for their work.", 0),
    passage(2, "Harbour traffic slowed in winter. The port handled 4,210 ships in 2023, a record for the city.", 500),
]


@pytest.mark.parametrize(
    "sentence, n, expected",
    [("It rose 5%.", 1, "It rose 5% [1]."), ("He said “yes.”", 2, "He said “yes [2].”"), ("No stop", 3, "No stop [3]."), ("Died in the U.S.", 1, "Died in the U.S. [1]")],
)
def test_with_marker(sentence, n, expected):
    assert with_marker(sentence, n) == expected


def test_answer_type_fit():
    q = "How many ships did the port handle in 2023?"
    assert answer_type_fit(q, "The port handled 4,210 ships in 2023.") > 0
    assert answer_type_fit(q, "The port handled many ships in 2023.") < 0
    assert answer_type_fit("When did it open?", "It opened in March.") > 0
    assert answer_type_fit("Why did it open?", "Anything.") == 0


@pytest.mark.parametrize("question, sentence, expected", [
    ("When was the game released?", "It was released on December 1, 2017 in Japan.", 0.15),  # a full date
    ("What is the release date of the game?", "It came out on 1 December 2017.", 0.15),
    ("When was the game released?", "It was released in 2017.", 0.1),  # a year only
    ("When was the game released?", "Dec 1, 2017 ... The game sold well.", 0.1),  # a page's dateline is no answer date
    ("When was the game released?", "The game may be the best of its kind.", -0.15),  # 'may' is no month
])
def test_date_questions_prefer_a_full_date(question, sentence, expected):
    assert answer_type_fit(question, sentence) == expected


@pytest.mark.parametrize("question, sentence, expected", [
    ("Where does ninja keep its log file?", "The log file is kept in the build root in a file called .ninja_log.", 0.1),
    ("Where does ninja keep its log file?", "For each built file, Ninja keeps a log of the command used to build it.", -0.15),
    ("Where is the system-wide configuration stored?", "It reads /etc/gitconfig first.", 0.1),  # a path places it
    ("Where is the user's file?", "It is ~/.bashrc.", 0.1),
    ("Where did the Normans settle?", "They settled north of the Seine.", 0.1),
    ("In which directory are hooks kept?", "Hooks are kept under the hooks directory.", 0.1),
    ("Where did the Normans settle?", "They wanted to settle and farm.", -0.15),  # 'to settle' places nothing
    ("What does ninja keep?", "Ninja keeps a log.", 0.0),  # not a 'where' question
])
def test_where_questions_prefer_a_place(question, sentence, expected):
    assert answer_type_fit(question, sentence) == expected


@pytest.mark.parametrize("question, sentence, expected", [
    ("What was Tesla's revenue in Q1 2021?", "Q1 2023 revenue was $23.3 billion.", -0.15),  # another year only
    ("What was Tesla's revenue in Q1 2021?", "Revenue was $10.4 billion in Q1 2021, up from 2020.", 0.0),
    ("What was Tesla's revenue in Q1 2021?", "Revenue was $10.4 billion.", 0.0),  # no year: not against it
    ("What was Tesla's revenue?", "Q1 2023 revenue was $23.3 billion.", 0.0),  # no year asked
])
def test_a_sentence_about_another_year_is_marked_down(question, sentence, expected):
    assert period_fit(question, sentence) == expected


def test_term_overlap_counts_figures_double():
    q = stems("ships handled in 2023")
    assert term_overlap(q, "2023 was a year") > term_overlap(q, "ships were many")


def test_picks_the_sentence_with_the_figure_and_cites_it(fake_embedder):
    gen = ExtractiveGenerator(fake_embedder, min_score=0.3)
    draft = gen.generate("How many ships did the port handle in 2023?", PASSAGES)
    assert draft.text.startswith("The port handled 4,210 ships in 2023, a record for the city [2].")
    quote, qs, qe = draft.quotes[2]
    assert quote == "The port handled 4,210 ships in 2023, a record for the city." and (qs, qe) == (534, 594)
    answer = compose_answer("q", PASSAGES, draft, gen.name)
    assert answer.grounded and answer.citations[0].doc_id == "d2" and check_citations(answer.text, answer.citations) == []
    assert answer.text.startswith("The port handled 4,210 ships in 2023, a record for the city [1].")


def test_declines_when_nothing_matches(fake_embedder):
    gen = ExtractiveGenerator(fake_embedder, min_score=0.3)
    draft = gen.generate("What is the capital of Australia?", PASSAGES)
    assert draft.declined and draft.text == ""
    answer = compose_answer("What is the capital of Australia?", PASSAGES, draft, gen.name)
    assert not answer.grounded and answer.text == NOT_FOUND and answer.citations == []


def test_no_passages_declines(fake_embedder):
    assert ExtractiveGenerator(fake_embedder).generate("Anything?", []).declined


def test_declines_when_the_question_names_a_figure_the_passage_lacks(fake_embedder):
    gen = ExtractiveGenerator(fake_embedder, min_score=0.3)
    draft = gen.generate("How many ships did the port handle in 2019?", PASSAGES)
    assert draft.declined  # the passages speak of 2023 only


def test_declines_when_rare_question_words_are_missing(fake_embedder):
    rare = {"zanzibar": 5.0}
    gen = ExtractiveGenerator(fake_embedder, min_score=0.3, term_weight=lambda t: rare.get(t, 1.0), min_coverage=0.5)
    assert gen.generate("How many ships did the port of Zanzibar handle in 2023?", PASSAGES).declined
    assert not gen.generate("How many ships did the port handle in 2023?", PASSAGES).declined


def test_term_overlap_uses_the_weights():
    q = stems("ships handled in Zanzibar")
    assert term_overlap(q, "Zanzibar", lambda t: 10.0 if t == "zanzibar" else 1.0) > term_overlap(q, "ships handled")


DISAGREEING = [
    passage(1, "Officials said that in 2022, more than 73,600 people died from fentanyl overdoses.", 0),
    passage(2, "At its peak, 76,226 people died from fentanyl overdoses in 2022, a record.", 200),
]


def test_disagreeing_sources_are_both_cited(fake_embedder):
    gen = ExtractiveGenerator(fake_embedder, min_score=0.2)
    draft = gen.generate("How many people died from fentanyl in 2022?", DISAGREEING)
    assert draft.text.startswith("The sources disagree.")
    assert "73,600" in draft.text and "76,226" in draft.text and set(draft.quotes) == {1, 2}


def test_same_document_or_other_year_is_no_disagreement(fake_embedder):
    gen = ExtractiveGenerator(fake_embedder, min_score=0.2)
    same_doc = [DISAGREEING[0], DISAGREEING[1].model_copy(update={"doc_id": "d1"})]
    assert not gen.generate("How many people died from fentanyl in 2022?", same_doc).text.startswith("The sources disagree")
    other_year = [DISAGREEING[0], passage(2, "At its peak, 76,226 people died from fentanyl overdoses in 2021, a record.", 200)]
    assert not gen.generate("How many people died from fentanyl in 2022?", other_year).text.startswith("The sources disagree")


def test_negated_question_needs_a_negated_sentence(fake_embedder):
    gen = ExtractiveGenerator(fake_embedder, min_score=0.3)
    assert gen.generate("How many ships did the port not handle in 2023?", PASSAGES).declined


def test_who_questions_want_a_new_name_and_questions_are_never_answers():
    assert answer_type_fit("Who won the 2019 Tour?", "Egan Bernal won the 2019 Tour.") > 0
    assert answer_type_fit("Who won the 2019 Tour?", "The 2019 Tour was long and hard.") < 0


def test_a_question_in_a_passage_is_not_an_answer(fake_embedder):
    ps = [passage(1, "Where was the 2021 final played? Tickets sold out fast.", 0)]
    draft = ExtractiveGenerator(fake_embedder, min_score=0.1).generate("Where was the 2021 final played?", ps)
    assert "Where was the 2021 final played?" not in draft.text


def test_a_numbered_headings_words_are_not_a_sentence(fake_embedder):
    from qa.types import Passage

    text = "3. Running your program under Memcheck\n\nIf you normally run your program like this, use the command line below."
    p = Passage(doc_id="q", title="Quick Start", chunk_id="q::3", text=text, score=0.5, start=0, end=len(text),
                heading="Quick Start › 3. Running your program under Memcheck")
    found = [s.text for s in ExtractiveGenerator(fake_embedder).score_sentences("How do I run my program under Memcheck?", [p])]
    assert found == ["If you normally run your program like this, use the command line below."]


@pytest.mark.parametrize("question, sentence, expected", [
    ("What is ninja's default progress status?", 'The default progress status is "[%f/%t] " (note the trailing space).', 0.1),
    ("What is ninja's default progress status?", "Ninja supports NINJA_STATUS, the progress status printed before the rule.", 0.0),
    ("What is ninja's default progress status?", "Ninja's default progress status is short.", 0.1),  # with its owner
    ("What is a bare repository?", "A bare repository is a repository without a working tree.", 0.1),
    ("What are hooks?", "Hooks are programs you can place in a hooks directory.", 0.1),
    ("What is a bare repository?", "A bare repository holds no working tree.", 0.0),  # no 'is' after it
    ("How is a bare repository made?", "A bare repository is made with git init --bare.", 0.0),  # not a 'What is' question
])
def test_what_is_questions_prefer_the_sentence_whose_subject_is_the_thing(question, sentence, expected):
    from qa.sentence_scoring import subject_fit

    assert subject_fit(question, sentence) == expected
