"""create_app with the fake API: the app's endpoints and handlers, called directly, without a server."""

from __future__ import annotations

import re
from pathlib import Path

import gradio as gr
import pytest

from fake_api import FakeQA
from qa.types import Answer
from ui import render
from ui.app import create_app, launch_options


@pytest.fixture()
def fake():
    return FakeQA(delay=0)


@pytest.fixture()
def app(fake, tmp_path):
    return create_app(api=fake, store=tmp_path / "store", feedback_path=tmp_path / "feedback.jsonl", uploads_dir=tmp_path / "uploads")


def handler(app: gr.Blocks, name: str):
    for f in app.fns.values():
        if f.api_name == name or (f.fn is not None and f.fn.__name__ == name):
            return f.fn
    raise KeyError(name)


def chat(app, question, conversation, gen="extractive", k=5):
    return list(handler(app, "chat")(question, conversation, gen, k))


def test_public_endpoints_are_named(app):
    public = {f.api_name for f in app.fns.values() if f.api_visibility == "public"}
    assert {"ask", "chat", "upload", "remove", "documents", "export"} <= public


def test_page_fetches_nothing_from_outside():
    opts = launch_options()
    everything = opts["css"] + opts["head"] + str(opts["theme"]._stylesheets) + opts["theme"]._get_theme_css()
    assert not re.search(r"""(url\(["']?|@import\s+(url\()?["']?|src=["']|href=["'])(https?:)?//""", everything), "the page must not load fonts, scripts or styles from outside"
    assert all(not isinstance(f, gr.themes.GoogleFont) for f in opts["theme"]._font + opts["theme"]._font_mono)
    assert "a.qa-cite" in opts["head"] and "qa-open-source" in opts["head"]


def test_chat_streams_then_shows_the_final_answer_with_citations(app, fake):
    fake.delay = 0
    outputs = chat(app, "How many fentanyl deaths were estimated in 2024?", [])
    first, *middle, last = outputs
    assert first[2] == ""  # the question box is cleared at once
    assert "qa-draft" in first[0][-1]["content"]
    drafts = [o[0][-1]["content"] for o in middle]
    assert len(drafts) > 3 and all("qa-draft" in d for d in drafts)  # one update per streamed piece
    messages, conversation, _ = last
    assert len(conversation) == 1 and conversation[0]["answer"]["citations"][0]["doc_id"] == "fentanyl.txt"
    assert "passages" not in conversation[0]["answer"]
    assert "48,422" in messages[-1]["content"] and "#qa-cite-0-1" in messages[-1]["content"]


def test_follow_up_sends_the_conversation_as_history(app, fake):
    conversation = chat(app, "Where do barn owls live?", [])[-1][1]
    conversation = chat(app, "and at night?", conversation)[-1][1]
    assert fake.calls[-1]["history"] == [("Where do barn owls live?", conversation[0]["answer"]["text"])]
    assert conversation[1]["answer"]["standalone_question"].startswith("Where do barn owls live?")


def test_empty_question_asks_nothing(app, fake):
    outputs = chat(app, "   ", [])
    assert len(outputs) == 1 and fake.calls == []


def test_api_error_is_shown_in_the_chat_and_not_stored(app):
    out = chat(app, "Where do owls live?", [], gen="nonexistent")
    messages, conversation, question = out[-1]
    assert "qa-error" in messages[-1]["content"] and "Unknown generator" in messages[-1]["content"]
    assert not isinstance(conversation, list) and question == "Where do owls live?"


def test_ask_endpoint_returns_the_answer_json(app):
    result = handler(app, "ask")("How many fentanyl deaths were estimated in 2024?")
    assert set(result) == set(Answer.model_fields) and Answer.model_validate(result).grounded
    assert "48,422" in result["text"] and result["citations"][0]["n"] == 1
    follow = handler(app, "ask")("and at night?", [["Where do barn owls live?", "They live everywhere."]])
    assert follow["standalone_question"].startswith("Where do barn owls live?")
    with pytest.raises(gr.Error, match="empty"):
        handler(app, "ask")("")


def test_clicked_citation_opens_highlighted_passage(app):
    conversation = chat(app, "How many fentanyl deaths were estimated in 2024?", [])[-1][1]
    panel = handler(app, "open_source")("0:1", conversation)
    assert "Fentanyl deaths fall" in panel
    assert '<mark class="qa-hl">An estimated 48,422 deaths were linked to fentanyl in 2024, down from 76,226 in 2022.</mark>' in panel
    assert handler(app, "open_source")("9:1", conversation) == render.render_source_panel(None)
    assert handler(app, "open_source")("", conversation) == render.EMPTY_PANEL


def test_thumbs_are_stored_as_jsonl(app, tmp_path):
    conversation = chat(app, "Where do barn owls live?", [])[-1][1]
    like = handler(app, "on_like")
    like(conversation, gr.LikeData(None, {"index": 1, "value": "x", "liked": False}))
    like(conversation, gr.LikeData(None, {"index": 0, "value": "x", "liked": True}))  # a user message: ignored
    from ui.feedback import FeedbackStore

    (entry,) = FeedbackStore(tmp_path / "feedback.jsonl").read()
    assert entry["rating"] == "down" and entry["question"] == "Where do barn owls live?"
    assert entry["citations"][0]["doc_id"] == "owls.md" and "Antarctica" in entry["answer"]


def test_export_writes_markdown(app):
    conversation = chat(app, "Where do barn owls live?", [])[-1][1]
    update = handler(app, "export")(conversation)
    text = Path(update.value if isinstance(update.value, str) else update.value["path"]).read_text()
    assert "## 1. Where do barn owls live?" in text and "(`owls.md`)" in text


def test_upload_ingests_lists_and_can_be_asked_about_then_removed(app, fake, tmp_path):
    src = tmp_path / "incoming"
    src.mkdir()
    (src / "zorblax.txt").write_text("The Zorblax festival draws 12,500 visitors to Quentin Bay every April.")
    (src / "notes.docx").write_text("not supported")
    status, rows, dropdown, summary, files = handler(app, "upload")([str(src / "zorblax.txt"), str(src / "notes.docx")])
    assert "zorblax.txt" in status and "Could not read" in status and "notes.docx" in status
    assert (tmp_path / "uploads" / "zorblax.txt").exists() and files is None
    assert any(r[1] == "zorblax.txt" for r in rows) and "3" in summary
    assert ("zorblax (zorblax.txt)", "zorblax.txt") in [tuple(c) for c in dropdown.choices]
    result = handler(app, "ask")("How many visitors does the Zorblax festival draw?")
    assert result["citations"][0]["doc_id"] == "zorblax.txt" and "12,500" in result["text"]
    status, rows, *_ = handler(app, "remove")(["zorblax.txt"])
    assert "Removed 1" in status and all(r[1] != "zorblax.txt" for r in rows)
    assert [d["doc_id"] for d in handler(app, "documents")()] == ["fentanyl.txt", "owls.md"]


def test_reload_restores_the_stored_conversation_without_asking_again(app, fake):
    conversation = chat(app, "How many fentanyl deaths were estimated in 2024?", [])[-1][1]
    calls = len(fake.calls)
    load = next(f.fn for f in app.fns.values() if any(t[1] == "load" for t in f.targets))
    messages, *_ = load(conversation)
    assert messages == render.render_messages(conversation) and "#qa-cite-0-1" in messages[-1]["content"]
    assert len(fake.calls) == calls


def test_settings_offer_the_available_generators(fake, tmp_path):
    fake.generators = ["extractive", "local", "openai"]
    app = create_app(api=fake, store=tmp_path, generator="local", k=3)
    config = app.get_config_file()
    dropdown = next(c for c in config["components"] if c["props"].get("elem_id") == "qa-generator")
    assert [ch[1] for ch in dropdown["props"]["choices"]] == ["extractive", "local", "openai"]
    assert dropdown["props"]["value"] == "local"
    slider = next(c for c in config["components"] if c["props"].get("elem_id") == "qa-k")
    assert slider["props"]["value"] == 3


def test_conversation_key_outlives_a_restart(fake, tmp_path):
    def secret(app):
        return next(c["props"]["secret"] for c in app.get_config_file()["components"] if c["type"] == "browserstate")

    first, second = create_app(api=fake, store=tmp_path), create_app(api=fake, store=tmp_path)
    assert secret(first) == secret(second) == (tmp_path / ".ui_secret").read_text().strip()
    assert secret(create_app(api=fake, store=tmp_path, browser_secret="s3cret")) == "s3cret"
