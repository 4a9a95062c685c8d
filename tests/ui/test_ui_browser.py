"""The chat in a real browser (headless Chromium via Playwright) against the real app, and concurrent API clients.

Screenshots of each step go to tests/ui/artifacts/<test name>/ (git-ignored).
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ui_helpers import serve
from fake_api import FakeQA

pytestmark = pytest.mark.browser

FENTANYL_Q = "How many fentanyl-linked deaths were estimated in 2024?"
UPLOAD_TEXT = (
    "The Zorblax Kite Festival\n\n"
    "The Zorblax Kite Festival is held every April on the beaches of Quentin Bay. "
    "The festival draws about 12,500 visitors each year, who come to see kites that glow in the dark. "
    "It was founded in 1987 by the lighthouse keeper Mirela Osterhout.\n"
)
UPLOAD_Q = "How many visitors does the Zorblax Kite Festival draw each year?"

# Records every streamed draft the chat shows, so a test can see the answer arrive in pieces.
WATCH_DRAFTS = """() => {
  window.__drafts = [];
  new MutationObserver(() => {
    document.querySelectorAll('#qa-chat .qa-draft').forEach((d) => {
      const t = d.innerText.replace('▍', '').trim();
      if (window.__drafts[window.__drafts.length - 1] !== t) window.__drafts.push(t);
    });
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def ask(page, question: str) -> object:
    """Type a question, send it, and wait for its final answer; returns that answer's element."""
    answers = page.locator("#qa-chat .qa-answer:not(.qa-draft)")
    before = answers.count()
    page.fill("#qa-question textarea", question)
    page.press("#qa-question textarea", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#qa-chat .qa-answer:not(.qa-draft)').length > {before}", timeout=60_000)
    return answers.nth(before)


def open_app(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#qa-question textarea")
    page.evaluate(WATCH_DRAFTS)


def test_ask_cite_reload_upload_in_the_browser(real_server, page, clean_artifacts):
    shots = clean_artifacts
    url, api = real_server["url"], real_server["api"]
    open_app(page, url)
    page.screenshot(path=shots / "01-home.png")

    # Ask about the corpus: the answer streams in and cites its source.
    answer = ask(page, FENTANYL_Q)
    page.screenshot(path=shots / "02-answer.png")
    assert "48,422" in answer.inner_text()
    assert page.evaluate("window.__drafts.length") >= 1, "the answer was not streamed through a draft"
    marker = answer.locator(".qa-text a.qa-cite").first
    assert marker.inner_text() == "[1]"
    hover = marker.get_attribute("title")
    assert "48,422" in hover  # the quote shows on hover
    assert answer.locator(".qa-sources li").count() >= 1

    # Click the marker: the panel shows the document's title and the passage, the quote highlighted.
    marker.click()
    page.wait_for_selector("#qa-source-panel mark.qa-hl")
    panel = page.locator("#qa-source-panel")
    assert "48,422" in panel.locator("mark.qa-hl").inner_text()
    assert panel.locator(".qa-panel-title").inner_text().strip() != ""
    page.screenshot(path=shots / "03-source-panel.png")

    # Thumbs up is stored with the question, answer and citations.
    like = page.locator("#qa-chat button[aria-label='Like']").first
    like.click()
    feedback = real_server["dir"] / "feedback.jsonl"
    for _ in range(50):
        if feedback.exists() and feedback.read_text().strip():
            break
        time.sleep(0.1)
    entry = json.loads(feedback.read_text().splitlines()[-1])
    assert entry["rating"] == "up" and entry["question"] == FENTANYL_Q and entry["citations"][0]["quote"]

    # Reload: the stored answer comes back with working citations, without asking again.
    asked = len(api.asked)
    page.reload()
    page.wait_for_selector("#qa-chat .qa-text a.qa-cite")
    restored = page.locator("#qa-chat .qa-answer").first
    assert "48,422" in restored.inner_text()
    restored.locator(".qa-sources a.qa-cite").first.click()
    page.wait_for_selector("#qa-source-panel mark.qa-hl")
    assert "48,422" in page.locator("#qa-source-panel mark.qa-hl").inner_text()
    assert len(api.asked) == asked
    page.screenshot(path=shots / "04-after-reload.png")

    # A question the documents cannot answer is declined, and looks it.
    declined = ask(page, "What is the boiling point of tungsten in degrees Kelvin?")
    assert "qa-declined" in declined.get_attribute("class")
    assert declined.locator("a.qa-cite").count() == 0
    page.screenshot(path=shots / "05-declined.png")

    # Upload a file: it is indexed with visible progress and listed.
    upload = real_server["dir"] / "zorblax_festival.txt"
    upload.write_text(UPLOAD_TEXT)
    page.get_by_role("tab", name="Documents").click()
    page.wait_for_selector("#qa-docs")
    page.set_input_files("#qa-upload input[type=file]", str(upload))
    try:  # the progress bar is up only while the file is indexed
        page.wait_for_function("document.querySelector('#qa-status').innerText.includes('Indexing')", timeout=5_000, polling=50)
        page.screenshot(path=shots / "06a-indexing.png")
    except PlaywrightTimeout:
        pass
    page.wait_for_function("document.querySelector('#qa-status').innerText.includes('Added')", timeout=60_000)
    assert "zorblax_festival.txt" in page.inner_text("#qa-status")
    page.wait_for_function("document.querySelector('#qa-docs').innerText.includes('zorblax_festival.txt')")
    page.screenshot(path=shots / "06-uploaded.png")

    # Ask about it: the answer cites the uploaded file, and its passage opens.
    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, UPLOAD_Q)
    assert "12,500" in answer.inner_text()
    assert "zorblax_festival.txt" in answer.locator(".qa-sources").inner_text()
    answer.locator(".qa-text a.qa-cite").first.click()
    page.wait_for_function("document.querySelector('#qa-source-panel mark.qa-hl')?.innerText.includes('12,500')")
    page.screenshot(path=shots / "07-upload-answer.png")

    # Export: a Markdown file with the questions, answers and sources.
    page.click("#qa-export")
    link = page.locator("#qa-export-file a").first
    link.wait_for()
    text = page.request.get(link.get_attribute("href")).text()
    assert FENTANYL_Q in text and "48,422" in text and "zorblax_festival.txt" in text
    page.screenshot(path=shots / "08-export.png")

    assert page.outside_requests == [], f"the page tried to reach outside: {page.outside_requests}"


def test_streaming_follow_up_and_removal_with_fake_api(page, clean_artifacts, tmp_path):
    fake = FakeQA(delay=0.08)
    url, app = serve(fake, store=tmp_path, feedback_path=tmp_path / "feedback.jsonl", uploads_dir=tmp_path / "uploads")
    try:
        open_app(page, url)
        ask(page, "Where do barn owls live?")
        drafts = [d for d in page.evaluate("window.__drafts") if d]
        assert len(drafts) >= 3, drafts  # several growing drafts before the final answer
        assert all(b.startswith(a) for a, b in zip(drafts, drafts[1:]))
        follow = ask(page, "and at night?")
        assert "Searched for" in follow.inner_text()
        assert fake.calls[-1]["history"] and fake.calls[-1]["history"][0][0] == "Where do barn owls live?"
        page.screenshot(path=clean_artifacts / "01-follow-up.png")

        page.get_by_role("tab", name="Documents").click()
        page.wait_for_function("document.querySelector('#qa-docs').innerText.includes('owls.md')")
        page.click("#qa-remove-select input")
        page.get_by_role("option", name="Owls of the forest (owls.md)").click()
        page.click("#qa-remove")
        page.wait_for_function("document.querySelector('#qa-status').innerText.includes('Removed 1')")
        assert "owls.md" not in page.inner_text("#qa-docs")
        page.wait_for_timeout(400)  # let the closing option list fade out of the screenshot
        page.screenshot(path=clean_artifacts / "02-removed.png")
        assert page.outside_requests == []
    finally:
        app.close()


CONCURRENT_QUESTIONS = [
    FENTANYL_Q,
    "By how much did US overdose deaths fall in 2024, according to the CDC?",
    "How many overdose deaths were fentanyl and other synthetic opioids responsible for in 2023?",
    "What do illicit opioids cost the United States in economic and social damages?",
    "About how many Americans suffer from opioid use disorder?",
    "How many Americans did the opioid crisis kill between 1999 and 2021?",
    "How many tons of precursor chemicals did China's Ministry of Public Security say it had seized?",
    "How many drug-related criminal cases tied to precursor chemicals did China resolve in 2024?",
    "How many Republican senators co-signed the letter urging Biden to press Xi on fentanyl?",
    "When did China's Ministry of Commerce announce export restrictions on 13 fentanyl precursor chemicals?",
]


def test_ten_concurrent_clients_get_their_own_answers(real_server, clean_artifacts):
    from gradio_client import Client

    import qa.api as api

    store = real_server["store"]
    expected = {q: api.ask(q, store=store).model_dump() for q in CONCURRENT_QUESTIONS}
    assert "48,422" in expected[FENTANYL_Q]["text"]
    assert len({e["text"] for e in expected.values()}) >= 8, "the questions should have different answers"

    def one(question: str) -> tuple[str, dict, float]:
        client = Client(real_server["url"], verbose=False, download_files=False)
        t = time.monotonic()
        return question, client.predict(question, api_name="/ask"), time.monotonic() - t

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(one, CONCURRENT_QUESTIONS))
    elapsed = time.monotonic() - start
    for question, got, _ in results:
        assert got["question"] == question
        assert got["text"] == expected[question]["text"]
        assert [c["chunk_id"] for c in got["citations"]] == [c["chunk_id"] for c in expected[question]["citations"]]
    timings = "\n".join(f"{t:5.1f}s  {q}" for q, _, t in results)
    (clean_artifacts / "timings.txt").write_text(f"{len(results)} concurrent clients answered in {elapsed:.1f}s\n{timings}\n")
