"""Three small documents on one topic (harbours), so a question matches passages in each of them: a filter must
choose.  ``use_fake_models`` swaps every model for the deterministic fake embedder of conftest."""

from __future__ import annotations

from pathlib import Path

DOCS = {
    "aldmere.txt": "Harbour of Aldmere\n\nThe harbour of Aldmere handled 120 ships in 2023. Its cranes lifted grain and timber. "
                   "The harbour master of Aldmere is Ines Carvalho.\n\nIn 2024 the harbour of Aldmere opened a second pier for ferries.",
    "brenton.txt": "Harbour of Brenton\n\nThe harbour of Brenton handled 340 ships in 2023. Its cranes lifted containers and steel. "
                   "The harbour master of Brenton is Tomas Reyes.\n\nIn 2024 the harbour of Brenton dredged its channel to 14 metres.",
    "corvale.txt": "Harbour of Corvale\n\nThe harbour of Corvale handled 75 ships in 2023. Its cranes lifted fish and salt. "
                   "The harbour master of Corvale is Mara Lind.\n\nIn 2024 the harbour of Corvale closed for repairs in March.",
}


def write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def use_fake_models(monkeypatch) -> None:
    """Every embedder (retrieval and sentence scoring) becomes the fake one; the store reads as MiniLM."""
    import qa.embedding
    from qa.settings import get_settings
    from tests.conftest import FakeEmbedder

    fake = FakeEmbedder()
    monkeypatch.setenv("QA_EMBEDDING_MODEL", "all-MiniLM-L6-v2")
    get_settings.cache_clear()
    monkeypatch.setattr(qa.embedding, "get_embedder", lambda *a, **kw: fake)
    monkeypatch.setattr(qa.embedding, "sentence_embedder", lambda: fake)
