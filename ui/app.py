"""The chat in the browser: a thin Gradio layer over the same functions as the Python API (``qa.api``).

``create_app(api=...)`` builds the page without starting a server (tests pass a fake API); ``launch(...)`` serves it.
The conversation lives in the browser (``gr.BrowserState``): each turn stores the question and the whole answer with
its citations, so a reload shows the same answer, markers and sources without asking again.
"""

from __future__ import annotations

import os

for _name, _value in {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}.items():
    os.environ.setdefault(_name, _value)

import importlib  # noqa: E402
import inspect  # noqa: E402
import logging  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402

from qa.errors import QAError  # noqa: E402
from qa.settings import get_settings  # noqa: E402
from ui import render  # noqa: E402
from ui.api_checks import check_history, check_k  # noqa: E402
from ui.assets import CSS, HEAD, OPEN_SOURCE_JS, theme  # noqa: E402
from ui.feedback import FeedbackStore  # noqa: E402

log = logging.getLogger(__name__)
UPLOAD_TYPES = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".pptx", ".xlsx", ".csv", ".epub", ".odt", ".rst"]
DOC_HEADERS = ["Title", "Document id", "Chunks", "Source"]


def create_app(api: Any = None, *, store: str | Path | None = None, collection: str | None = None, generator: str | None = None,
               k: int | None = None, feedback_path: str | Path | None = None, uploads_dir: str | Path | None = None,
               title: str = "Document Q&A", concurrency: int = 4, browser_secret: str | None = None) -> gr.Blocks:
    """Build the app. ``api`` is any object with qa.api's functions (default: the ``qa.api`` module)."""
    api = api if api is not None else importlib.import_module("qa.api")
    settings = get_settings()
    where = {"store": store, "collection": collection}
    store_dir = Path(store) if store else Path(settings.store)
    feedback = FeedbackStore(feedback_path or store_dir / "feedback.jsonl")
    uploads = Path(uploads_dir) if uploads_dir else store_dir / "uploads"
    generators = list(api.available_generators()) or ["extractive"]
    default_gen = generator or (settings.generator if settings.generator in generators else generators[0])
    default_k = int(k or settings.top_k)
    index_lock = threading.Lock()  # one ingestion or removal at a time
    takes_history = _accepts(api.ask, "history") and _accepts(api.ask_stream, "history")

    def with_history(history: list[tuple[str, str]]) -> dict:
        return {"history": history} if takes_history else {}

    def history_of(conversation: list[dict]) -> list[tuple[str, str]]:
        return [(t["question"], t["answer"].get("text", "")) for t in conversation or []]

    def ask_json(question: str, history: list[list[str]] | None = None, k: int | None = None, generator: str | None = None,
                 documents: list[str] | None = None) -> dict:
        """Answer a question from the documents (only from ``documents``, doc_ids, when given); the JSON of `qa ask --json`."""
        k, pairs = check_k(k), check_history(history)
        if generator not in (None, "") and generator not in generators:
            raise gr.Error(f"generator {generator!r} is not offered here: use one of {', '.join(generators)} (or leave it out for {default_gen}).")
        scope = {**where, **({"documents": list(documents)} if documents else {})}
        try:
            answer = api.ask(question, **with_history(pairs), k=k, generator=generator or default_gen, **scope)
        except QAError as exc:
            raise gr.Error(str(exc)) from exc
        return answer.model_dump()

    def respond(question: str, conversation: list[dict] | None, gen: str, k: float, chosen_collection: str | None = None,
                chosen_docs: list[str] | None = None):
        conversation = list(conversation or [])
        scope = {"store": store, "collection": chosen_collection or collection, **({"documents": list(chosen_docs)} if chosen_docs else {})}
        question = (question or "").strip()
        messages = render.render_messages(conversation)
        if not question:
            gr.Warning("Type a question about the documents first.")
            yield messages, gr.skip(), gr.skip()
            return
        messages += [{"role": "user", "content": render.render_question(question)}, {"role": "assistant", "content": render.render_draft("")}]
        yield messages, gr.skip(), ""
        draft, answer = "", None
        try:
            for item in api.ask_stream(question, **with_history(history_of(conversation)), k=int(k) if k else default_k,
                                       generator=gen or default_gen, **scope):
                if isinstance(item, str):  # the model's words; an extractive answer already shown stays above them
                    draft += item
                    shown = render.render_answer(answer.model_dump(), len(conversation)) if answer is not None else ""
                    messages[-1] = {"role": "assistant", "content": shown + render.render_draft(draft)}
                    yield messages, gr.skip(), gr.skip()
                else:  # a checked answer; an early extractive one (a model was asked) is shown at once, the model's replaces it
                    answer, draft = item, ""
                    if item.generator != (gen or default_gen):
                        messages[-1] = {"role": "assistant", "content": render.render_answer(answer.model_dump(), len(conversation))}
                        yield messages, gr.skip(), gr.skip()
        except Exception as exc:  # noqa: BLE001 - shown in the chat; QAErrors carry a message meant for people
            if not isinstance(exc, QAError):
                log.exception("answering %r failed", question)
            message = str(exc) if isinstance(exc, QAError) else f"Unexpected error ({type(exc).__name__}): {exc}"
            messages[-1] = {"role": "assistant", "content": render.render_error(message)}
            yield messages, gr.skip(), question
            return
        if answer is None:  # the stream ended without its final answer: nothing trustworthy to keep
            messages[-1] = {"role": "assistant", "content": render.render_error("The answer did not complete.")}
            yield messages, gr.skip(), question
            return
        conversation.append({"question": question, "answer": render.compact_answer(answer.model_dump())})
        yield render.render_messages(conversation), conversation, gr.skip()

    def open_source(target: str, conversation: list[dict] | None) -> str:
        parsed = render.parse_cite_target(target)
        if not parsed:
            return render.EMPTY_PANEL
        return render.render_source_panel(render.find_citation(conversation or [], *parsed), parsed[0])

    def on_like(conversation: list[dict] | None, data: gr.LikeData) -> None:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turn = int(index) // 2
        if conversation and 0 <= turn < len(conversation) and int(index) % 2 == 1:
            t = conversation[turn]
            feedback.record(question=t["question"], answer=t["answer"], liked=data.liked, turn=turn)
            gr.Info("Thanks, your feedback was saved.")

    def export(conversation: list[dict] | None):
        if not conversation:
            gr.Warning("Nothing to export yet.")
            return gr.File(value=None, visible=False)
        path = Path(tempfile.mkdtemp(prefix="qa-export-")) / "conversation.md"
        path.write_text(render.export_markdown(conversation, title=title), encoding="utf-8")
        return gr.File(value=str(path), visible=True)

    def documents() -> list[dict]:
        try:
            return [d.model_dump() for d in api.list_documents(**where)]
        except QAError:
            return []

    def doc_views(docs: list[dict] | None = None):
        docs = documents() if docs is None else docs
        choices = [(f"{d['title']} ({d['doc_id']})", d["doc_id"]) for d in docs]
        summary = f"**{len(docs)}** document{'s' if len(docs) != 1 else ''} indexed."
        return render.document_rows(docs), gr.Dropdown(choices=choices, value=None), summary

    def collections() -> list[str]:
        try:
            names = list(getattr(api, "list_collections", lambda **_: [])(store=store))
        except QAError:
            names = []
        current = collection or settings.collection
        return names if current in names else [current, *names]

    def document_choice(chosen_collection: str | None = None):
        try:
            docs = api.list_documents(store=store, collection=chosen_collection or collection)
        except QAError:
            docs = []
        return gr.Dropdown(choices=[(f"{d.title} ({d.doc_id})", d.doc_id) for d in docs], value=None)

    def list_documents_json() -> list[dict]:
        """The indexed documents: doc_id, title, source, chunks."""
        return documents()

    def unreadable_uploads_deleted(report: Any) -> None:
        """An upload that failed to read is of no use in the uploads folder: deleted (the message says why it failed)."""
        for problem in getattr(report, "failed", []):
            _delete_upload(uploads, problem.path)

    def ingest_files(files: list[str] | None, progress=gr.Progress()):
        if not files:
            return ("Choose files to add.", *doc_views(), None)
        uploads.mkdir(parents=True, exist_ok=True)
        paths, refused = [], []
        limit = int(settings.max_upload_mb * 2**20)
        for f in files:
            name = _safe_name(Path(f).name)
            if Path(name).suffix.lower() not in UPLOAD_TYPES:
                refused.append(f"**Could not read** {name}: not an uploadable file type (only {', '.join(UPLOAD_TYPES)}).")
            elif os.path.getsize(f) > limit:
                refused.append(f"**Could not read** {name}: larger than {settings.max_upload_mb:g} MB (QA_MAX_UPLOAD_MB).")
            else:
                dest = uploads / name
                shutil.copyfile(f, dest)
                paths.append(dest)
        if not paths:
            return ("\n\n".join(refused), *doc_views(), None)
        progress(0, desc="Reading files…")

        def step(done: int, total: int, name: str) -> None:
            progress((done, max(total, 1)), desc=f"Indexing {name}")

        with index_lock:
            try:
                report = api.ingest(paths, progress=step, **where)
            except QAError as exc:
                return (f"**Could not index the files:** {exc}", *doc_views(), None)
            unreadable_uploads_deleted(report)
        return ("\n\n".join([ingest_summary(report), *refused]), *doc_views(), None)

    def remove(doc_ids: list[str] | None):
        if not doc_ids:
            return ("Select documents to remove.", *doc_views())
        doc_ids = [doc_ids] if isinstance(doc_ids, str) else list(doc_ids)
        with index_lock:
            known = {d["doc_id"]: d for d in documents()}
            unknown = [d for d in doc_ids if d not in known]
            if unknown:
                return (f"**No such document:** {', '.join(unknown)}. Use an id from the list (the /documents API).", *doc_views())
            try:
                api.remove_documents(doc_ids, **where)
            except QAError as exc:
                return (f"**Could not remove the documents:** {exc}", *doc_views())
            for d in doc_ids:  # an uploaded file goes with its document
                _delete_upload(uploads, known[d].get("source", ""))
        return (f"Removed {len(doc_ids)} document{'s' if len(doc_ids) != 1 else ''}: {', '.join(doc_ids)}.", *doc_views())

    with gr.Blocks(title=title, analytics_enabled=False) as app:
        conversation = gr.BrowserState([], storage_key="qa-conversation", secret=browser_secret or _browser_secret(store_dir))
        gr.Markdown(f"# {title}\nAsk about the indexed documents. Every answer cites its sources: click a marker like **[1]** to read the passage.",
                    elem_id="qa-header")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(elem_id="qa-chat", height=560, show_label=False, buttons=["copy"], latex_delimiters=[],
                                             placeholder="Ask a question about the documents.", autoscroll=True)
                        with gr.Row():
                            question = gr.Textbox(elem_id="qa-question", show_label=False, placeholder="Ask a question…", scale=5,
                                                  submit_btn=True, autofocus=True, max_lines=6)
                        with gr.Row():
                            new_chat = gr.Button("New chat", size="sm", elem_id="qa-new-chat")
                            export_btn = gr.Button("Export Markdown", size="sm", elem_id="qa-export")
                        export_file = gr.File(label="Conversation (Markdown)", visible=False, elem_id="qa-export-file")
                    with gr.Column(scale=2):
                        panel = gr.HTML(render.EMPTY_PANEL, elem_id="qa-source-panel", label="Source")
                        with gr.Accordion("Settings", open=True):
                            gen = gr.Dropdown(generators, value=default_gen, label="Generator", elem_id="qa-generator")
                            k_slider = gr.Slider(1, 20, value=default_k, step=1, label="Passages retrieved", elem_id="qa-k")
                            collection_pick = gr.Dropdown([collection or settings.collection], value=collection or settings.collection,
                                                          label="Collection", elem_id="qa-collection")
                            docs_pick = gr.Dropdown([], value=None, multiselect=True, label="Answer only from these documents",
                                                    info="Empty: every document of the collection.", elem_id="qa-doc-filter")
                cite_target = gr.Textbox(visible="hidden", elem_id="qa-cite-target")
                open_btn = gr.Button("open source", visible="hidden", elem_id="qa-open-source")
            with gr.Tab("Documents", id="documents"):
                files = gr.File(label="Add documents (.txt, .md, .html, .pdf)", file_count="multiple", file_types=UPLOAD_TYPES,
                                elem_id="qa-upload", height=140)
                status = gr.Markdown(elem_id="qa-status")
                doc_summary = gr.Markdown(elem_id="qa-doc-summary")
                table = gr.Dataframe(headers=DOC_HEADERS, interactive=False, wrap=True, elem_id="qa-docs", max_height=420)
                with gr.Row():
                    to_remove = gr.Dropdown([], multiselect=True, allow_custom_value=True, label="Documents to remove", scale=4,
                                            elem_id="qa-remove-select")  # custom values: /remove works from a new API session
                    remove_btn = gr.Button("Remove", variant="stop", scale=1, elem_id="qa-remove")

        chat_events = dict(fn=respond, inputs=[question, conversation, gen, k_slider, collection_pick, docs_pick],
                           outputs=[chatbot, conversation, question],
                           api_name="chat", concurrency_limit=concurrency, concurrency_id="answer", show_progress="hidden")
        question.submit(**chat_events)
        open_btn.click(open_source, [cite_target, conversation], panel, js=OPEN_SOURCE_JS, api_visibility="private", show_progress="hidden")
        chatbot.clear(lambda: ([], render.EMPTY_PANEL), None, [conversation, panel], api_visibility="private")
        chatbot.like(on_like, [conversation], None, api_visibility="private")
        new_chat.click(lambda: ([], [], render.EMPTY_PANEL), None, [chatbot, conversation, panel], api_visibility="private")
        export_btn.click(export, [conversation], export_file, api_name="export")
        upload_event = files.upload(ingest_files, [files], [status, table, to_remove, doc_summary, files], api_name="upload",
                                    concurrency_id="index", concurrency_limit=1)
        remove_event = remove_btn.click(remove, [to_remove], [status, table, to_remove, doc_summary], api_name="remove",
                                        concurrency_id="index", concurrency_limit=1)
        app.load(lambda conv: (render.render_messages(conv), *doc_views()), [conversation], [chatbot, table, to_remove, doc_summary],
                 api_visibility="private")
        for event in (upload_event, remove_event):  # the filter offers what the Documents tab just added or removed
            event.then(document_choice, [collection_pick], [docs_pick], api_visibility="private", show_progress="hidden")
        collection_pick.change(document_choice, [collection_pick], [docs_pick], api_visibility="private", show_progress="hidden")
        app.load(lambda: (gr.Dropdown(choices=collections()), document_choice()), None, [collection_pick, docs_pick], api_visibility="private")
        gr.api(ask_json, api_name="ask", concurrency_limit=concurrency, concurrency_id="answer")
        gr.api(list_documents_json, api_name="documents")
    return app


def _safe_name(name: str) -> str:
    """An uploaded file's name as a plain file name in the uploads folder: no folders, no hidden or odd characters."""
    import re

    name = re.sub(r"[^\w.\- ]+", "_", Path(name.replace("\\", "/")).name).strip(" .") or "upload"
    if len(name) <= 150:
        return name
    suffix = Path(name).suffix if len(Path(name).suffix) <= 10 else ""
    return name[: 150 - len(suffix)].rstrip(" .") + suffix  # a long name keeps its extension: the stem is shortened


def _delete_upload(uploads: Path, source: str) -> None:
    """Delete a file of the uploads folder (only there: a document ingested from elsewhere is never touched)."""
    try:
        path = Path(str(source).split("#")[0]).resolve()
        if path.parent == uploads.resolve() and path.is_file():
            path.unlink()
    except OSError:
        log.warning("could not delete the upload %s", source)


def _browser_secret(store_dir: Path) -> str | None:
    """A key for the conversation kept in the browser, saved beside the index so it outlives a restart (None: random)."""
    path = store_dir / ".ui_secret"
    try:
        if not path.exists():
            store_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(24))
        return path.read_text().strip() or None
    except OSError:
        return None


def _accepts(fn: Any, name: str) -> bool:
    """Whether ``fn`` takes the keyword ``name`` (an API without follow-up support is called without history)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def ingest_summary(report: Any) -> str:
    """One Markdown line per outcome of an ingestion."""
    parts = []
    for label, ids in (("Added", report.added), ("Updated", report.replaced), ("Unchanged", report.skipped)):
        if ids:
            parts.append(f"{label}: {', '.join(ids)}")
    line = "; ".join(parts) or "Nothing was added"
    out = f"{line} ({report.chunks_added} passage{'s' if report.chunks_added != 1 else ''} indexed)."
    if report.failed:
        out += "\n\n" + "\n".join(f"**Could not read** {Path(p.path).name}: {p.reason}" for p in report.failed)
    for warning in report.warnings:
        out += f"\n\n**Check:** {render.md_text(warning.reason)}"
    return out


def launch_options() -> dict[str, Any]:
    """The page-level options (Gradio 6 takes them at launch): local theme fonts, CSS and the citation script."""
    return {"theme": theme(), "css": CSS, "head": HEAD, "ssr_mode": False, "footer_links": ["api", "settings"]}


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def access_options(host: str) -> dict[str, Any]:
    """Login and upload limits for ``launch``: loopback needs no login; any other address refuses to start without
    QA_UI_USERNAME and QA_UI_PASSWORD (then Gradio asks for them)."""
    from qa.errors import AccessNotConfigured

    s = get_settings()
    password = s.ui_password.get_secret_value() if s.ui_password else ""
    options: dict[str, Any] = {"max_file_size": int(s.max_upload_mb * 2**20)}
    if s.ui_username and password:
        options["auth"] = (s.ui_username, password)
        options["auth_message"] = "Log in to ask about the documents."
    elif host not in LOOPBACK and not host.startswith("127."):
        raise AccessNotConfigured(
            f"Refusing to listen on {host} without a login: anyone who can reach it could read and change the documents. "
            "Set QA_UI_USERNAME and QA_UI_PASSWORD, or listen on 127.0.0.1 (the default).")
    return options


def launch(host: str = "127.0.0.1", port: int = 7860, *, api: Any = None, block: bool = True, quiet: bool = False, **settings: Any) -> gr.Blocks:
    """Serve the chat on http://host:port. ``settings`` go to create_app (store, collection, generator, k, ...).

    With ``block=False`` it returns once the server is up (tests); ``app.close()`` stops it."""
    access = access_options(host)
    app = create_app(api=api, **settings)
    if api is None:  # the real qa.api: load the model and open the store now, not on the first question
        def warm() -> None:
            try:
                importlib.import_module("qa.embedding").sentence_embedder().embed("warm up")  # scores sentences, checks citations
                importlib.import_module("qa.api").search("warm up", 1, store=settings.get("store"), collection=settings.get("collection"))
            except Exception:  # an empty or missing collection: the first real question will say so
                pass

        threading.Thread(target=warm, name="warm-up", daemon=True).start()
    from ui.hosts import host_check

    with host_check(host, port, get_settings().allowed_hosts):
        app.launch(server_name=host, server_port=port, prevent_thread_lock=not block, quiet=quiet, show_error=True, **access, **launch_options())
    return app
