"""Fixtures for the UI tests: a real app server on a free loopback port, headless Chromium, screenshot artifacts."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).parent))  # fake_api, ui_helpers

from ui_helpers import CountingAPI, serve  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("QA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n")
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A fresh browser context (its own localStorage) whose requests to anywhere but the app are blocked and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            return route.continue_()
        outside.append(url)
        return route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.outside_requests = outside
    yield pg
    context.close()


@pytest.fixture(scope="module")
def real_index(tmp_path_factory):
    """The bundled corpus ingested into a temporary store with the real API."""
    try:
        import qa.api as api
    except ImportError as exc:
        pytest.skip(f"qa.api is not available: {exc}")
    if not CORPUS.is_dir() or not any(CORPUS.iterdir()):
        pytest.skip(f"no corpus at {CORPUS}")
    store = tmp_path_factory.mktemp("store")
    api.ingest([CORPUS], store=store)
    return store


@pytest.fixture(scope="module")
def real_server(real_index, tmp_path_factory):
    import qa.api as api

    extra = tmp_path_factory.mktemp("ui")
    counting = CountingAPI(api)
    url, app = serve(counting, store=real_index, feedback_path=extra / "feedback.jsonl", uploads_dir=extra / "uploads")
    yield {"url": url, "app": app, "api": counting, "store": real_index, "dir": extra}
    app.close()


@pytest.fixture()
def clean_artifacts(artifacts, request):
    """A per-test artifact folder, emptied first."""
    folder = artifacts / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
