"""Question kinds decided by rules (qa.question_kinds)."""

import pytest

from qa.question_kinds import KINDS, classify, named_document, summary_topic


@pytest.mark.parametrize("question, kind", [
    ("How many fentanyl-linked deaths were estimated in 2024?", "lookup"),
    ("When did China announce export restrictions?", "lookup"),
    ("Who led the letter to the Secretary of State?", "lookup"),
    ("Which city hosted the summit?", "lookup"),
    ("What happens if applying the stash causes conflicts?", "lookup"),  # "happens" is a verb, no plural asked
    ("Did Biden and Xi agree to resume counternarcotics cooperation?", "yes_no"),
    ("Is China's domestic opioid abuse problem large?", "yes_no"),
    ("Does git rebase rewrite history?", "yes_no"),
    ("List the actions China has taken to curb fentanyl precursor exports.", "list"),
    ("Which senators co-signed the letter led by Angus King?", "list"),
    ("What are the ways to undo a commit?", "list"),
    ("Name the countries that emerged as new sources.", "list"),
    ("Summarize what the documents say about China's role in the fentanyl crisis.", "summary"),
    ("Give me an overview of the opinion piece.", "summary"),
    ("What are the main points of the article about Biden's meeting with Xi?", "summary"),
    ("Why is China an easy scapegoat for America's fentanyl addiction?", "explanation"),
    ("How does git bisect work?", "explanation"),
    ("What caused the drop in overdose deaths?", "explanation"),
    ("How do I undo the last commit?", "howto"),
    ("What are the steps to create a branch?", "howto"),
    ("How to configure the user name in git?", "howto"),
    ("How do the Chinese and American accounts of the crisis differ?", "comparison"),
    ("Compare what the articles say about the 2022 death toll.", "comparison"),
    ("How many chemicals were restricted in November and August in total?", "multi_step"),
    ("How many more deaths were there in 2022 than in 2024?", "multi_step"),
    ("What does Vanda Felbab-Brown recommend?", "opinion"),
    ("What does the author of the opinion piece think the US should do?", "opinion"),
])
def test_kind_by_rules(question, kind):
    assert classify(question).kind == kind


@pytest.mark.parametrize("question, scope", [
    ("Summarize the opinion piece.", "document"),
    ("Summarize the article about Biden's meeting with Xi.", "document"),
    ("Summarize what the documents say about China's role in the fentanyl crisis.", "topic"),
    ("Summarize the documents.", "everything"),
    ("Give me an overview of everything.", "everything"),
])
def test_summary_scope(question, scope):
    assert classify(question).scope == scope


@pytest.mark.parametrize("question, phrase", [
    ("Summarize the opinion piece.", "the opinion piece"),
    ("What does the article about Biden's meeting with Xi say about fentanyl?", "the article about Biden's meeting with Xi"),
    ("How do I reset my password, according to the FAQ?", "the FAQ"),
    ("How many deaths were estimated in 2024?", ""),
])
def test_named_document(question, phrase):
    assert named_document(question) == phrase


def test_summary_topic_strips_the_request():
    assert summary_topic("Summarize what the documents say about China's role in the fentanyl crisis.") == "China's role in the fentanyl crisis"


def test_every_kind_is_known():
    assert {classify(q).kind for q in ["x?"]} <= set(KINDS)
