"""The chat's API checks what it is given (through a real server and gradio_client), and uploads leave no files behind."""

from __future__ import annotations

import pytest
from fake_api import FakeQA
from gradio_client import Client, handle_file
from ui_helpers import serve

from ui.app import _safe_name


@pytest.fixture
def served(tmp_path):
    api = FakeQA(delay=0, generators=["extractive"])
    url, app = serve(api, store=tmp_path / "store", uploads_dir=tmp_path / "uploads")
    yield Client(url, verbose=False, download_files=False), api, tmp_path / "uploads"
    app.close()


@pytest.mark.parametrize("k", [0, -1, 10**9, "abc", 2.5, True])
def test_k_out_of_range_or_not_a_whole_number_is_refused_naming_the_field(served, k):
    client, api, _ = served
    with pytest.raises(Exception, match=r"k must be a whole number from 1 to 50"):
        client.predict("How many deaths in 2024?", [], k, None, api_name="/ask")
    assert not api.calls


@pytest.mark.parametrize("history", ["hello", [["only one"]], [[1, 2]], [{"user": "x"}], 5])
def test_malformed_history_is_refused_with_its_form(served, history):
    client, api, _ = served
    with pytest.raises(Exception, match=r"history must be a list of \[user message, assistant message\] pairs"):
        client.predict("How many deaths in 2024?", history, None, None, api_name="/ask")
    assert not api.calls


def test_valid_k_and_history_are_passed_on_and_an_unoffered_generator_is_refused(served):
    client, api, _ = served
    client.predict("and in 2024?", [["How many deaths?", "Many."]], 7, None, api_name="/ask")
    assert api.calls[-1]["k"] == 7 and api.calls[-1]["history"] == [("How many deaths?", "Many.")]
    with pytest.raises(Exception, match=r"generator 'local' is not offered here: use one of extractive"):
        client.predict("How many deaths?", [], None, "local", api_name="/ask")


def test_remove_works_from_a_new_api_session_and_deletes_the_upload(served, tmp_path):
    client, api, uploads = served
    doc = tmp_path / "harbour-notes.txt"
    doc.write_text("The harbour handled 4,210 containers in week 3.")
    client.predict([handle_file(str(doc))], api_name="/upload")
    assert (uploads / "harbour-notes.txt").exists() and "harbour-notes.txt" in api.docs

    fresh = Client(client.src, verbose=False, download_files=False)  # a new session: its dropdown never listed anything
    status = fresh.predict(["harbour-notes.txt"], api_name="/remove")[0]
    assert "Removed 1 document" in status
    assert "harbour-notes.txt" not in api.docs and not (uploads / "harbour-notes.txt").exists()
    unknown = fresh.predict(["no-such-doc.txt"], api_name="/remove")[0]
    assert "No such document" in unknown and "no-such-doc.txt" in unknown


def test_an_upload_that_fails_to_read_is_deleted(served, tmp_path):
    client, api, uploads = served
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a pdf")
    status = client.predict([handle_file(str(broken))], api_name="/upload")[0]
    assert "Could not read" in status and "broken.pdf" in status
    assert not (uploads / "broken.pdf").exists()


def test_a_long_file_name_keeps_its_extension():
    name = _safe_name("r" * 160 + ".pdf")
    assert name.endswith(".pdf") and len(name) == 150
    assert _safe_name("a" * 200) == "a" * 150 and _safe_name("short.md") == "short.md"
