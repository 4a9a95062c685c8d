"""The chat's collection and document choice in a real browser (headless Chromium) over the real API and a real
Chroma store (the fake embedder stands in for the models)."""

from __future__ import annotations

import re

import pytest

from ui_helpers import serve

pytestmark = pytest.mark.browser


def test_choose_documents_and_collection(page, clean_artifacts, tmp_path, monkeypatch):
    from qa import api
    from tests.harbour_docs import use_fake_models, write_docs

    use_fake_models(monkeypatch)
    store = tmp_path / "store"
    api.ingest([write_docs(tmp_path / "docs")], store=store, collection="harbours")
    (tmp_path / "delta").mkdir()
    (tmp_path / "delta" / "delta.txt").write_text("Harbour of Delta\n\nThe harbour master of Delta is Ana Wu.", encoding="utf-8")
    api.ingest([tmp_path / "delta"], store=store, collection="second")
    url, app = serve(None, store=store, collection="harbours", feedback_path=tmp_path / "fb.jsonl", uploads_dir=tmp_path / "up")
    try:
        page.goto(url)
        page.wait_for_selector("#qa-question textarea")
        page.click("#qa-doc-filter input")
        page.get_by_role("option", name=re.compile(r"corvale\.txt")).click()
        page.keyboard.press("Escape")
        answer = _ask(page, "Who is the harbour master?")
        assert "Mara Lind" in answer and "Tomas Reyes" not in answer and "Ines Carvalho" not in answer
        page.screenshot(path=clean_artifacts / "01-one-document.png")

        page.click("#qa-collection input")
        page.get_by_role("option", name="second").click()
        page.wait_for_timeout(500)  # the document choice refreshes for the new collection
        answer = _ask(page, "Who is the harbour master?")
        assert "Ana Wu" in answer
        page.screenshot(path=clean_artifacts / "02-other-collection.png")
        assert page.outside_requests == []
    finally:
        app.close()


def _ask(page, question: str) -> str:
    answers = page.locator("#qa-chat .qa-answer:not(.qa-draft)")
    before = answers.count()
    page.fill("#qa-question textarea", question)
    page.press("#qa-question textarea", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#qa-chat .qa-answer:not(.qa-draft)').length > {before}", timeout=60_000)
    return answers.nth(before).inner_text()
