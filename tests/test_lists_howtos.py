"""Session 7 of lists and how-tos: a lead-in scored with the command it leads into (qa.compose_howto), the lead-in
that ends the best paragraph and a counted lead-in (qa.compose_structured, qa.compose_list), continuations past
what a merged passage holds (qa.evidence); every line whole, cited and kept by the verifier."""

from dataclasses import replace

import pytest

from qa.compose_howto import code_after, howto_fit, structured_howto, with_code_scores
from qa.compose_list import asks_what_was_done, done_not_urged, structured_list
from qa.composers import compose_list
from qa.compose_people import asks_for_speakers, speaker_of
from qa.compose_structured import announced_count, announces, paragraph_lead_in
from qa.evidence import covered, with_continuations
from tests.test_compose_structured import P, S, checked

BRACES = ("Brace expansion is a mechanism by which arbitrary strings may be generated.\n\nThis construct is typically used as "
          "shorthand when the common prefix of the strings to be generated is longer than in the above example:\n\n"
          "mkdir /usr/local/src/bash/{old,new,dist,bugs}\n\nor\n\nchown root /usr/{ucb/{ex,edit},lib/{ex?.?*,how_ex}}")


def test_code_after_is_the_command_a_sentence_leads_into():
    passages = [P(BRACES)]
    lead = S(passages, 1, "This construct is typically used as shorthand when the common prefix of the strings to be generated is longer than in the above example:")
    assert code_after(lead, passages).text == "mkdir /usr/local/src/bash/{old,new,dist,bugs}"
    assert code_after(S(passages, 1, "Brace expansion is a mechanism by which arbitrary strings may be generated."), passages) is None


def test_a_lead_in_is_lifted_by_its_command_and_the_howto_quotes_both():
    passages = [P(BRACES)]
    first = S(passages, 1, "Brace expansion is a mechanism by which arbitrary strings may be generated.", 0.5)
    lead = S(passages, 1, "This construct is typically used as shorthand when the common prefix of the strings to be generated is longer than in the above example:", 0.3)
    seen = []

    def score(texts):  # scores what it is given: the lead-in with its command scores higher than the lead-in alone
        seen.extend(texts)
        return [0.7 if "mkdir" in t else 0.1 for t in texts]

    ranked = with_code_scores([first, lead], passages, score)
    assert seen == [lead.text + "\nmkdir /usr/local/src/bash/{old,new,dist,bugs}"]
    assert ranked[0].text == lead.text and ranked[0].score == 0.7 and ranked[0].lifted == pytest.approx(0.4) and ranked[1] is first
    assert howto_fit(ranked[0], passages) == 0.0 and howto_fit(lead, passages) == 0.1  # its code counts once
    assert howto_fit(replace(lead, lifted=0.04), passages) == pytest.approx(0.06)  # own + fit, when more than the lift
    out = structured_howto("How do I create several directories with a common prefix in one command?", ranked, passages)
    final, result = checked(out, passages)
    assert not result.unverified and "```\nmkdir /usr/local/src/bash/{old,new,dist,bugs}\n```" in final


def test_a_lead_in_scoring_lower_with_its_command_keeps_its_own_score():
    passages = [P(BRACES)]
    lead = S(passages, 1, "This construct is typically used as shorthand when the common prefix of the strings to be generated is longer than in the above example:", 0.6)
    assert with_code_scores([lead], passages, lambda texts: [0.2] * len(texts))[0].score == 0.6


@pytest.mark.parametrize("sentence, count", [
    ("Git users can broadly be grouped into four categories for the purposes of describing here a small set of useful command for everyday Git.", 4),
    ("Bash arrays come in two types: indexed and associative.", 2),
    ("There are 3 main kinds of merges.", 3),
    ("The two commands differ in what they reset.", 0),
    ("Four of them were arrested.", 0),
])
def test_a_sentence_can_say_how_many_items_follow(sentence, count):
    assert announced_count(sentence) == count
    assert announces(sentence) is (count > 0 or sentence.rstrip().endswith(":"))


ROLES = ("Git users can broadly be grouped into four categories for the purposes of describing here a small set of useful commands.\n\n"
         "Individual Developer (Standalone) commands are essential for anybody who makes a commit.\n\n"
         "If you work with other people, you will need commands listed in the Individual Developer (Participant) section as well.\n\n"
         "People who play the Integrator role need to learn some more commands in addition to the above.\n\n"
         "Repository Administration commands are for system administrators who are responsible for the care of repositories.\n\n"
         "A standalone individual developer does not exchange patches with other people.")


def test_a_counted_lead_in_lists_as_many_paragraphs_as_it_says():
    passages = [P(ROLES)]
    lead = S(passages, 1, ROLES.split("\n\n")[0], 0.8)
    out = structured_list("For which roles does giteveryday list commands?", [lead], passages, 0.3)
    lines = out.splitlines()
    assert lines[0].startswith("Git users can broadly") and len(lines) == 5  # four items: the fifth paragraph is not one
    assert "Repository Administration" in lines[4] and "standalone individual developer does not" not in out
    final, result = checked(out, passages)
    assert not result.unverified


RESET = ("This form resets the current branch head to <commit>. If <mode> is omitted, defaults to --mixed. The <mode> must be one of "
         "the following:\n\n--soft\n\nDoes not touch the index file or the working tree at all.\n\n--mixed\n\nResets the index but not "
         "the working tree.\n\n--hard\n\nResets the index and working tree.\n\n--keep\n\nResets index entries and updates files.\n\n"
         "OPTIONS\n\n-q\n\nBe quiet, only report errors.")


def test_the_lead_in_ending_the_best_paragraph_opens_the_list_which_ends_with_its_section():
    passages = [P(RESET, heading="git-reset(1) › DESCRIPTION"), P("OPTIONS\n\n-q\n\nBe quiet, only report errors.", start=RESET.index("OPTIONS"), i=1,
                                                                 heading="git-reset(1) › OPTIONS")]
    best = S(passages, 1, "This form resets the current branch head to <commit>.", 0.7)
    assert paragraph_lead_in(best, passages).text == "The <mode> must be one of the following:"
    assert paragraph_lead_in(S(passages, 1, "Resets the index and working tree."), passages) is None
    out = structured_list("Which modes does git reset support?", [best], passages, 0.3)
    assert [line.split(":")[0] for line in out.splitlines()[1:]] == ["- `--soft`", "- `--mixed`", "- `--hard`", "- `--keep`"]
    final, result = checked(out, passages)
    assert not result.unverified


def test_a_continuation_is_not_a_chunk_a_merged_passage_already_holds():
    text = "one. " * 60
    chunks = [P(text[i : i + 100], start=i, i=i // 100) for i in range(0, 300, 100)]
    merged = P(text[:200], start=0, i=0)  # chunks 0 and 1 merged into one passage by the retriever
    assert covered(chunks[1], [merged]) and not covered(chunks[2], [merged])
    out = with_continuations([merged], 1, lambda doc: chunks)
    assert [p.start for p in out] == [0, 200]


@pytest.mark.parametrize("sentence, name", [
    ("'Bilateral cooperation likely will falter,' said Ryan Hass, director of the John L. Thornton China Center.", "Ryan Hass"),
    ("But they are also 'clever maneuvering' from China, according to Vanda Felbab-Brown, a senior fellow.", "Vanda Felbab-Brown"),
    ("'You really can't solve it,' Hua Zhendong, deputy director of a drug analysis division, told CNN in an interview.", "Hua Zhendong"),
    ("'It is one step of many,' David Luckey said.", "David Luckey"),
    ("The Chinese Ministry of Commerce said on Nov. 10 that it would restrict exports.", ""),
    ("'We firmly oppose it,' a spokesperson said in March.", ""),
    ("President Joe Biden met with Xi in California this week.", ""),
])
def test_the_person_a_sentence_quotes(sentence, name):
    assert speaker_of(sentence) == name


ARTICLE = ("'Cooperation will falter,' said Ryan Hass, director of the China Center. The tariffs remain in place.\n\n"
           "China controlled nitazenes in 2024, Felbab-Brown said. It is 'clever maneuvering', according to Vanda Felbab-Brown, a senior fellow.\n\n"
           "'It is one step of many,' said David Luckey, a researcher at RAND. 'The party could do more,' Luckey said.")


def test_people_quoted_are_listed_once_each_in_document_order_and_verified():
    passages = [P(ARTICLE)]
    ranked = [S(passages, 1, t, 0.2) for t in ["'It is one step of many,' said David Luckey, a researcher at RAND.", "The tariffs remain in place.",
                                               "It is 'clever maneuvering', according to Vanda Felbab-Brown, a senior fellow.",
                                               "'Cooperation will falter,' said Ryan Hass, director of the China Center.", "'The party could do more,' Luckey said."]]
    assert asks_for_speakers("Which experts are quoted in the CNN article?") and not asks_for_speakers("Which experts support the ban?")
    out = structured_list("Which experts are quoted in the CNN article?", ranked, passages, 0.3)
    lines = out.splitlines()
    assert len(lines) == 3 and "Ryan Hass" in lines[0] and "according to Vanda Felbab-Brown" in lines[1] and "said David Luckey" in lines[2]
    assert "Luckey said" not in out and "tariffs" not in out
    final, result = checked(out, passages)
    assert not result.unverified


@pytest.mark.parametrize("question, done", [
    ("List the actions China has taken to curb fentanyl precursor exports.", True),
    ("Which countries did Trump put tariffs on over fentanyl?", True),
    ("Which steps should China take according to the blog post?", False),
    ("What did the report recommend?", False),
    ("Which modes does git reset support?", False),
])
def test_a_list_of_what_was_done(question, done):
    assert asks_what_was_done(question) is done


def test_a_call_for_action_is_no_item_of_what_was_done():
    passages = [P("China announced export restrictions on 13 precursors. The U.S. calls on China to take decisive steps. "
                  "Unless China takes solid steps, the crisis will escalate. Beijing added two more precursors to its list.")]
    ranked = [S(passages, 1, t) for t in ["The U.S. calls on China to take decisive steps.", "China announced export restrictions on 13 precursors.",
                                           "Unless China takes solid steps, the crisis will escalate.", "Beijing added two more precursors to its list."]]
    kept = [s.text for s in done_not_urged("List the actions China has taken.", ranked)]
    assert kept == ["China announced export restrictions on 13 precursors.", "Beijing added two more precursors to its list."]
    assert len(done_not_urged("What should China do?", ranked)) == 4
    out = compose_list("List the actions China has taken.", ranked, passages, 0.3)
    assert "calls on" not in out and "Unless" not in out and out.count("\n- ") == 1


def test_a_question_about_who_is_quoted_is_declined_only_when_no_one_is_or_the_named_document_was_not_found():
    from qa.extractive import ExtractiveGenerator
    from tests.conftest import FakeEmbedder

    gen = ExtractiveGenerator(FakeEmbedder())
    one = [P(ARTICLE, doc="cnn.txt")]
    ranked = gen.score_sentences("Which experts are quoted in the CNN article?", one)
    assert not gen.broad_evidence_is_weak("Which experts are quoted in the CNN article?", "list", ranked, one)
    two = one + [P("The blog post quotes nobody. It argues for solid steps.", doc="blog.txt", i=1)]
    ranked = gen.score_sentences("Which experts are quoted in the blog post?", two)
    assert gen.broad_evidence_is_weak("Which experts are quoted in the blog post?", "list", ranked, two)  # the blog post was not found
    quiet = [P("The blog post quotes nobody. It argues for solid steps.", doc="blog.txt")]
    assert gen.broad_evidence_is_weak("Which experts are quoted in it?", "list", gen.score_sentences("Which experts are quoted in it?", quiet), quiet)
