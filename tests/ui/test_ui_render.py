"""The pure rendering functions of the chat (answers, markers, sources, source panel, export) and the feedback store."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from qa.types import NOT_FOUND, Answer, Citation
from ui import render
from ui.feedback import FeedbackStore

PASSAGE = "Deaths rose in 2022. An estimated 48,422 deaths were linked to fentanyl in 2024. Officials <cheered> & waited."


def citation(n=1, **kw) -> dict:
    quote = "An estimated 48,422 deaths were linked to fentanyl in 2024."
    start = 100  # the passage starts at offset 100 of its document
    qs = start + PASSAGE.index(quote)
    base = dict(n=n, doc_id="doc.txt", title="Fentanyl report", chunk_id="doc.txt::0", text=PASSAGE, quote=quote,
                quote_start=qs, quote_end=qs + len(quote), start=start, end=start + len(PASSAGE), source="/data/doc.txt")
    base.update(kw)
    return Citation(**base).model_dump()


def answer(text="An estimated 48,422 deaths were linked to fentanyl in 2024 [1].", citations=None, **kw) -> dict:
    return Answer(question="How many deaths in 2024?", text=text, citations=citations if citations is not None else [citation()],
                  grounded=kw.pop("grounded", True), **kw).model_dump()


def test_markers_become_links_carrying_turn_number_and_hover_quote():
    html = render.render_answer(answer(), turn=3)
    assert 'href="#qa-cite-3-1"' in html
    assert 'class="qa-cite"' in html
    assert "title=\"Fentanyl report: “An estimated 48,422 deaths were linked to fentanyl in 2024.”\"" in html
    assert ">[1]</a>" in html
    assert html.startswith("<div") and "\n" not in html  # one HTML block: the chat's Markdown leaves it alone


def test_unknown_marker_numbers_stay_plain_text_and_text_is_escaped():
    html = render.render_answer(answer(text="A <b>bold</b> claim [1] and a stray [7]."), turn=0)
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "[7]" in html and "#qa-cite-0-7" not in html


def test_grouped_markers_link_each_number():
    html = render.linkify_markers("Both [1, 2].", [citation(1), citation(2, doc_id="b.txt")], turn=0)
    assert html.count('class="qa-cite"') == 2 and "#qa-cite-0-2" in html


def test_sources_listed_under_answer():
    html = render.render_answer(answer(citations=[citation(1), citation(2, doc_id="other.md", title="Other")],
                                       text="One [1]. Two [2]."), turn=0)
    sources = html[html.index('class="qa-sources"'):]
    assert "Fentanyl report" in sources and "Other" in sources and "other.md" in sources
    assert sources.index("[1]") < sources.index("[2]")


def test_declined_answer_looks_different_and_has_no_sources():
    html = render.render_answer(answer(text=NOT_FOUND, citations=[], grounded=False), turn=0)
    assert "qa-declined" in html and "No answer in the documents" in html
    assert "qa-sources" not in html and "qa-cite" not in html


def test_unverified_sentences_are_marked():
    a = answer(text="A supported claim [1]. An unsupported claim.", unverified_sentences=1, verified_sentences=1)
    html = render.render_answer(a, turn=0)
    assert html.count("qa-unverified\"") == 1
    assert "qa-unverified-note" in html and "1 sentence could not be verified" in html
    unverified = html[html.index('class="qa-unverified"'):]
    assert "An unsupported claim." in unverified[: unverified.index("</span>")]
    assert "qa-unverified" not in render.render_answer(answer(), turn=0)


def test_split_sentences_keeps_markers_with_their_sentence():
    assert [s.strip() for s in render.split_sentences("It rose 5% [1]. Then fell. [2] Done [3][4].")] == [
        "It rose 5% [1].", "Then fell. [2]", "Done [3][4]."]


def test_follow_up_rewrite_is_shown():
    html = render.render_answer(answer(standalone_question="How many fentanyl deaths in 2024?"), turn=1)
    assert "Searched for" in html and "How many fentanyl deaths in 2024?" in html


def test_source_panel_highlights_the_quote_from_offsets():
    html = render.render_source_panel(citation(), turn=0)
    assert "Fentanyl report" in html and "doc.txt" in html
    assert '<mark class="qa-hl">An estimated 48,422 deaths were linked to fentanyl in 2024.</mark>' in html
    assert "Deaths rose in 2022." in html and "&lt;cheered&gt; &amp; waited." in html


def test_quote_bounds_fall_back_to_search_when_offsets_disagree():
    c = citation(quote_start=0, quote_end=5)
    s, e = render.quote_bounds(c)
    assert PASSAGE[s:e] == c["quote"]
    assert render.quote_bounds(citation(quote="not there", quote_start=0, quote_end=0)) is None
    assert "Quote:" in render.render_source_panel(citation(quote="not there", quote_start=0, quote_end=0))


def test_find_citation_and_target_parsing():
    conv = [{"question": "q", "answer": answer()}]
    assert render.find_citation(conv, 0, 1)["doc_id"] == "doc.txt"
    assert render.find_citation(conv, 0, 2) is None and render.find_citation(conv, 5, 1) is None
    assert render.parse_cite_target("#qa-cite-2-3") == (2, 3)
    assert render.parse_cite_target("2:3") == (2, 3)
    assert render.parse_cite_target("nonsense") is None
    assert render.render_source_panel(None) == render.EMPTY_PANEL


def test_render_messages_pairs_questions_and_answers():
    conv = [{"question": "Q <1>", "answer": answer()}, {"question": "Q2", "answer": answer(text=NOT_FOUND, citations=[], grounded=False)}]
    msgs = render.render_messages(conv)
    assert [m["role"] for m in msgs] == ["user", "assistant", "user", "assistant"]
    assert "Q &lt;1&gt;" in msgs[0]["content"] and "#qa-cite-0-1" in msgs[1]["content"] and "qa-declined" in msgs[3]["content"]


def test_draft_and_error_rendering():
    assert "qa-draft" in render.render_draft("Partial [3") and "Partial [3" in render.render_draft("Partial [3")
    assert "qa-error" in render.render_error("Store <missing>") and "&lt;missing&gt;" in render.render_error("Store <missing>")


def test_compact_answer_keeps_citations_drops_passages():
    a = answer()
    a["passages"] = [{"text": "x"}]
    c = render.compact_answer(a)
    assert "passages" not in c and c["citations"] == a["citations"]


def test_export_markdown_has_questions_answers_citations_and_sources():
    conv = [{"question": "How many deaths in 2024?", "answer": answer()},
            {"question": "Who won?", "answer": answer(text=NOT_FOUND, citations=[], grounded=False)}]
    md = render.export_markdown(conv, title="Chat", now=datetime(2025, 1, 2, 3, 4, tzinfo=timezone.utc))
    assert md.startswith("# Chat\n") and "2025-01-02 03:04 UTC" in md
    assert "## 1. How many deaths in 2024?" in md
    assert "48,422 deaths were linked to fentanyl in 2024 [1]." in md
    assert "[1] **Fentanyl report** (`doc.txt`): “An estimated 48,422 deaths were linked to fentanyl in 2024.”" in md
    assert "## 2. Who won?" in md and f"_{NOT_FOUND}_" in md


def test_document_rows():
    assert render.document_rows([{"doc_id": "a.txt", "title": "A", "chunks": 3, "source": "/x/a.txt"}]) == [["A", "a.txt", 3, "/x/a.txt"]]


def test_feedback_store_appends_jsonl(tmp_path):
    store = FeedbackStore(tmp_path / "sub" / "feedback.jsonl")
    store.record(question="How many deaths in 2024?", answer=answer(), liked=True, turn=0)
    store.record(question="Again?", answer=answer(text=NOT_FOUND, citations=[], grounded=False), liked=False, turn=1)
    lines = (tmp_path / "sub" / "feedback.jsonl").read_text().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(x) for x in lines)
    assert first["rating"] == "up" and first["question"] == "How many deaths in 2024?"
    assert first["answer"].startswith("An estimated 48,422") and first["citations"][0]["quote"].startswith("An estimated")
    assert second["rating"] == "down" and second["citations"] == [] and second["grounded"] is False
    assert store.read() == [first, second]


def test_exactly_the_unverified_sentences_are_marked_and_the_notice_shown():
    from ui.render import render_answer

    answer = {
        "question": "q", "grounded": True, "text": "Supported claim [1]. Made-up claim. Another supported claim [1].",
        "citations": [{"n": 1, "doc_id": "d", "title": "T", "chunk_id": "d::0", "text": "Supported claim.", "quote": "Supported claim.", "quote_start": 0, "quote_end": 16, "start": 0, "end": 16}],
        "unverified_sentences": 1, "unverified": ["Made-up claim."], "notice": "The local generator failed; this answer comes from the extractive generator instead.",
    }
    html = render_answer(answer, 0)
    assert html.count('class="qa-unverified"') == 1 and "Made-up claim." in html.split('class="qa-unverified"')[1][:200]
    assert "extractive generator instead" in html


def test_export_escapes_what_it_quotes():
    payload = '<img src=x onerror=alert(1)>'
    conv = [{"question": f"# Heading {payload}\n- item", "answer": {
        "text": f"Deaths were 48,422 [1]. See [2](javascript:alert(1)) and {payload} **bold**.", "grounded": True,
        "citations": [{"n": 1, "doc_id": "a`b<i>.txt", "title": f"[click](javascript:alert(1)) {payload}", "quote": f"{payload} 48,422", "text": "",
                       "quote_start": 0, "quote_end": 1, "start": 0, "end": 1}]}}]
    md = render.export_markdown(conv, title=f"Chat {payload}")
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "[click](" not in md and "\\[click\\](javascript" in md  # no link: the brackets are escaped
    assert "[2](" not in md and "\\[2\\](javascript" in md
    assert "48,422 [1]." in md  # the answer's own markers stay readable
    assert "## 1. \\# Heading" in md and "\\*\\*bold\\*\\*" in md
    assert "(`a'b<i>.txt`)" in md  # inside a code span: shown as is, a backtick cannot end it early
