import pytest

from qa.cleaning import clean_text, repair_characters, strip_furniture
from tests.conftest import CORPUS


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Xi Jinpingโs meeting", "Xi Jinping's meeting"),  # apostrophe lost to a Thai code page
        ("Pelosiโs (D-Calif.) visit", "Pelosi's (D-Calif.) visit"),
        ("precursors \ufffd and", "precursors  and"),  # replacement character dropped
        ("caf\u00c3\u00a9 au lait", "café au lait"),  # UTF-8 read as Latin-1, repaired by ftfy
        ("tab\x07bell", "tabbell"),  # control characters dropped
    ],
)
def test_repair_characters(raw, expected):
    assert repair_characters(raw) == expected


def test_non_latin_text_is_left_alone():
    thai = "ภาษาไทยโดยทั่วไป"
    assert repair_characters(thai) == thai


def test_furniture_lines_are_dropped_and_related_articles_cut():
    lines = [
        "China /",
        "Big headline about fentanyl",
        "- Brian",
        "- Mar 30",
        "- 4 min read",
        "A first paragraph that is long enough to be prose, more than one hundred and twenty characters long, as articles are, yes.",
        "Hashtags",
        "Try Our AI Features",
        "Explore what Daily8 AI can do for you:",
        "Comments",
        "No comments yet...",
        "Related Articles",
        "Trump to attend FIFA Club World Cup final",
        "Another story entirely.",
    ]
    kept = strip_furniture(lines)
    assert kept == [lines[1], lines[5]]


def test_bylines_are_only_dropped_near_the_headline():
    body = "x" * 130
    lines = ["Headline", body, "- a list item in the body"]
    assert strip_furniture(lines) == lines


def test_clean_text_title_and_paragraphs():
    raw = "China /\n\nThe Headline Here\n\n  First   paragraph\twith  spaces.  \nSecond paragraph.\n\n\n"
    cleaned = clean_text(raw)
    assert cleaned.title == "The Headline Here"
    assert cleaned.text == "The Headline Here\n\nFirst paragraph with spaces.\n\nSecond paragraph."


def test_markdown_heading_becomes_title():
    cleaned = clean_text("# My notes\n\nSome text about things.", kind="markdown")
    assert cleaned.title == "My notes"


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_demo_corpus_is_clean(name):
    cleaned = clean_text((CORPUS / name).read_text(encoding="utf-8"))
    for junk in ("Related Articles", "Hashtags", "No comments yet", "Try Our AI Features", "min read", "For corrections", "\ufffd", "โ"):
        assert junk not in cleaned.text, junk
    assert "FIFA Club World Cup" not in cleaned.text  # a teaser of another story
    assert cleaned.title and len(cleaned.title) < 200


def test_demo_titles():
    titles = {p.name[:3]: clean_text(p.read_text(encoding="utf-8")).title for p in CORPUS.glob("*.txt")}
    assert titles["001"] == "The deadly drug that's complicating US-China trade"
    assert titles["003"] == "China Must Take Solid Steps to Curb the Fentanyl Crisis: A U.S. Perspective"
    assert titles["004"].startswith("President Joe Biden Says U.S. Will Resume")
