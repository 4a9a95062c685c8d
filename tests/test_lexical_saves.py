"""Two threads saving the BM25 index at once (a question rebuilding it while an ingestion commits) both succeed."""

from __future__ import annotations

import threading

from qa.lexical_index import LexicalIndex


def test_concurrent_saves_do_not_collide(tmp_path):
    folder = tmp_path / "lexical" / "default"
    errors: list[Exception] = []

    def save(n: int) -> None:
        try:
            for round_ in range(15):
                index = LexicalIndex(folder)
                index.rebuild((f"c{i}", f"harbour crane {n} {round_} {i}") for i in range(50))
                index.commit(f"rev-{n}-{round_}")
        except Exception as exc:  # noqa: BLE001 - collected and asserted
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    loaded = LexicalIndex.load(folder)
    assert loaded.revision and loaded.revision.startswith("rev-") and len(loaded.ids) == 50
    assert [p.name for p in folder.parent.iterdir()] == ["default"]  # no temporary folder left behind
