"""Access: loopback by default, a login required elsewhere, upload type/size limits and safe names, and the
language-model key never shown in answers, errors, exports or logs."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request

import pytest
from typer.testing import CliRunner

from fake_api import FakeQA
from qa.errors import AccessNotConfigured
from qa.settings import get_settings
from ui import render
from ui.app import access_options, create_app
from ui_helpers import free_port


@pytest.fixture()
def no_login(monkeypatch):
    monkeypatch.delenv("QA_UI_USERNAME", raising=False)
    monkeypatch.delenv("QA_UI_PASSWORD", raising=False)
    get_settings.cache_clear()


def test_loopback_needs_no_login(no_login):
    assert "auth" not in access_options("127.0.0.1") and access_options("127.0.0.1")["max_file_size"] > 0


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_other_addresses_refuse_to_start_without_a_login(no_login, host):
    with pytest.raises(AccessNotConfigured, match="QA_UI_USERNAME and QA_UI_PASSWORD"):
        access_options(host)


def test_cli_chat_on_all_addresses_without_login_is_refused(no_login):
    from qa.cli import app

    result = CliRunner().invoke(app, ["chat", "--host", "0.0.0.0", "--port", str(free_port())])
    assert result.exit_code == 2 and "QA_UI_USERNAME" in result.output and "Traceback" not in result.output


def test_login_settings_reach_gradio(monkeypatch):
    monkeypatch.setenv("QA_UI_USERNAME", "alice")
    monkeypatch.setenv("QA_UI_PASSWORD", "correct horse")
    get_settings.cache_clear()
    options = access_options("0.0.0.0")
    assert options["auth"] == ("alice", "correct horse")
    assert "correct horse" not in repr(get_settings())  # the password is a secret in the settings


def test_served_page_requires_the_login(monkeypatch, tmp_path):
    from ui.app import launch

    monkeypatch.setenv("QA_UI_USERNAME", "alice")
    monkeypatch.setenv("QA_UI_PASSWORD", "correct horse")
    get_settings.cache_clear()
    port = free_port()
    app = launch("127.0.0.1", port, api=FakeQA(delay=0), block=False, quiet=True, store=tmp_path / "store")
    try:
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=10)
        assert caught.value.code in (401, 403)
        from gradio_client import Client

        with pytest.raises(Exception):
            Client(f"http://127.0.0.1:{port}/", verbose=False)
        client = Client(f"http://127.0.0.1:{port}/", auth=("alice", "correct horse"), verbose=False)
        assert client.predict(api_name="/documents") is not None
    finally:
        app.close()


def upload_handler(app):
    return next(f.fn for f in app.fns.values() if f.api_name == "upload")


def test_uploads_limit_type_and_size_and_keep_names_inside_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("QA_MAX_UPLOAD_MB", "0.01")  # about 10 kB
    get_settings.cache_clear()
    fake = FakeQA(delay=0)
    uploads = tmp_path / "uploads"
    app = create_app(api=fake, store=tmp_path / "store", uploads_dir=uploads)
    src = tmp_path / "incoming"
    src.mkdir()
    files = {
        "good.txt": b"The harbour opened in 1901.",
        "tool.exe": b"MZ\x90\x00binary",
        "big.txt": b"word " * 5000,
        "..%2F..%2Fescape.md": b"# Title\n\nA note.",
        "we ird$name;rm -rf.md": b"# Odd\n\nOdd name.",
    }
    paths = []
    for name, data in files.items():
        p = src / name
        p.write_bytes(data)
        paths.append(str(p))
    status, *_ = upload_handler(app)(paths)
    assert "tool.exe: not an uploadable file type" in status and "big.txt: larger than 0.01 MB" in status
    stored = sorted(p.name for p in uploads.iterdir())
    assert "good.txt" in stored and "tool.exe" not in stored and "big.txt" not in stored
    assert all(p.resolve().parent == uploads.resolve() for p in uploads.iterdir())
    assert all(set(p.name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._- ") for p in uploads.iterdir())
    assert len(stored) == 3  # good.txt and the two odd names, cleaned


def test_only_bad_uploads_is_a_clear_message(monkeypatch, tmp_path):
    get_settings.cache_clear()
    app = create_app(api=FakeQA(delay=0), store=tmp_path / "store", uploads_dir=tmp_path / "uploads")
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"PK\x03\x04")
    status, *_ = upload_handler(app)([str(bad)])
    assert "x.zip: not an uploadable" in status


# --- the key ---------------------------------------------------------------------------------------------------

KEY = "sk-unique-4f0c9e1b7a2d4e55b3c1-never-show"


@pytest.mark.integration
@pytest.mark.parametrize("status", [401, 500])
def test_the_api_key_never_appears_in_answers_errors_exports_or_logs(status, monkeypatch, caplog, tmp_path):
    from qa import api
    from tests.fake_openai import FakeChatServer
    from tests.test_chat_generator import PASSAGES

    server = FakeChatServer()
    try:
        monkeypatch.setenv("QA_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("QA_LLM_API_KEY", KEY)
        get_settings.cache_clear()
        monkeypatch.setattr(api, "_retrieve", lambda st, q, k, documents: PASSAGES)
        monkeypatch.setattr(api, "_store", lambda *a, **k: None)
        caplog.set_level(logging.DEBUG)
        server.replies += [{"status": status}, {"status": status}]
        answer = api.ask("How many ships did the port handle in 2023?", generator="openai")
        assert server.requests and server.requests[0]["auth"] == f"Bearer {KEY}"  # the key was really used
        assert answer.notice and "openai generator failed" in answer.notice
        dumped = answer.model_dump_json()
        exported = render.export_markdown([{"question": answer.question, "answer": render.compact_answer(answer.model_dump())}])
        assert KEY not in dumped and KEY not in exported and KEY not in caplog.text
        assert KEY not in repr(get_settings()) and KEY not in str(get_settings().model_dump())
        # the chat page's error path too
        app = create_app(store=tmp_path / "store", uploads_dir=tmp_path / "uploads")
        chat = next(f.fn for f in app.fns.values() if f.api_name == "chat")
        server.replies += [{"status": status}, {"status": status}]
        shown = str(list(chat("How many ships did the port handle in 2023?", [], "openai", 5)))
        assert KEY not in shown and KEY not in caplog.text
    finally:
        server.close()
