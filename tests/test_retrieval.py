"""Hybrid retrieval logic and the BM25 index's consistency with the Chroma collection (fake embedder, real Chroma)."""

import shutil

import pytest

from qa.ingestion import Ingestion
from qa.lexical_index import LexicalIndex
from qa.retrieval import RetrievalConfig, Retriever, rrf
from qa.types import Passage
from tests.conftest import CORPUS


def test_rrf_rewards_agreement():
    fused = rrf([["a", "b", "c"], ["c", "a"]], k=60)
    assert sorted(fused, key=lambda i: -fused[i]) == ["a", "c", "b"]
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)


def p(doc, idx, start, end, text):
    return Passage(doc_id=doc, title="T", chunk_id=f"{doc}::{idx}", text=text, score=1.0, start=start, end=end)


def test_diversify_drops_near_duplicates_and_joins_neighbours(fake_embedder, store):
    r = Retriever(store, fake_embedder)
    first, second = "Alpha beta gamma delta. Epsilon zeta eta.", "Epsilon zeta eta. Theta iota kappa lambda."
    a = p("d1", 0, 0, len(first), first)
    a_next = p("d1", 1, 24, 24 + len(second), second)  # its first sentence is a's last (the chunk overlap)
    dup = p("d2", 0, 0, 40, "Alpha beta gamma delta. Epsilon zeta eta.")
    other = p("d3", 0, 0, 20, "Something else entirely here.")
    out = r.diversify([a, dup, a_next, other], k=5)
    assert [x.doc_id for x in out] == ["d1", "d3"]
    joined = out[0]
    assert (joined.start, joined.end) == (0, 24 + len(second)) and joined.chunk_id == "d1::0+1"
    assert joined.text == "Alpha beta gamma delta. Epsilon zeta eta. Theta iota kappa lambda."


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    return folder


def test_lexical_index_follows_ingestion_and_survives_restart(store, fake_embedder, docs):
    Ingestion(store, fake_embedder).run([docs])
    index = store.lexical()
    assert index.revision == store.revision() and len(index.ids) == store.count()
    reloaded = LexicalIndex.load(store.lexical_folder)  # a new process: loaded from disk, no rebuild
    assert reloaded.revision == store.revision() and reloaded.ids == index.ids
    hits = reloaded.search("48,422 fentanyl-linked deaths 2024", 3)
    assert hits and hits[0][0].startswith("000_7585ecfd78e8c4f2.txt::")

    (docs / "003_2dd44277a6e92a17.txt").unlink()
    Ingestion(store, fake_embedder).run([docs], prune=True)
    after = store.lexical()
    assert not any(i.startswith("003_") for i in after.ids) and len(after.ids) == store.count()


def test_crash_leaves_a_stale_lexical_index_that_is_rebuilt(store, fake_embedder, docs):
    Ingestion(store, fake_embedder).run([docs / "000_7585ecfd78e8c4f2.txt"])
    before = store.lexical().revision

    class Crash(RuntimeError):
        pass

    class Crashing(type(fake_embedder)):
        def embed_batch(self, texts):
            if self.calls >= 1:
                raise Crash()
            return super().embed_batch(texts)

    with pytest.raises(Crash):
        Ingestion(store, Crashing(), batch_chunks=10).run([docs])
    assert store.revision() != before  # the collection changed: the saved index is known to be stale
    assert LexicalIndex.load(store.lexical_folder).revision == before
    index = store.lexical()  # rebuilt from the collection
    assert index.revision == store.revision() and sorted(index.ids) == sorted(store.all_chunk_ids())


def test_hybrid_and_rerank_find_the_figure(store, fake_embedder, docs):
    Ingestion(store, fake_embedder).run([docs])
    for mode in ("dense", "lexical", "hybrid", "rerank"):
        found = Retriever(store, fake_embedder, RetrievalConfig(mode=mode)).search("fentanyl-linked deaths in 2024 were estimated", 5)
        assert any("48,422" in x.text for x in found), mode
        assert len(found) <= 5


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When was Xenoblade Chronicles 2 released?", True),
        ("What is the premiere date of The Walking Dead Season 11?", True),
        ("On what date did the talks resume?", True),
        ("How many deaths were there in 2022?", False),
        ("Who won in 2019?", False),
    ],
)
def test_asks_for_a_date(question, expected):
    from qa.lexical import asks_for_a_date

    assert asks_for_a_date(question) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The season premiered on August 22, 2021, and concluded in 2022.", True),
        ("It was released on 1 December 2017 in Japan.", True),
        ("Released Sept. 14th, 2018 worldwide.", True),
        ("Apr 20, 2022 ... Revenue rose 81 percent in the first quarter.", False),  # only the page's own date
        ("Apr 20, 2022 ... Revenue was $10.4 billion on March 31, 2021.", True),
        ("The film arrives in January 2023.", False),  # month and year, no day
        ("Deaths fell 27 percent in 2024.", False),
    ],
)
def test_states_a_date(text, expected):
    from qa.lexical import states_a_date

    assert states_a_date(text) is expected


def test_a_when_question_prefers_the_passage_that_gives_a_date(store, fake_embedder, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Season eleven of the show premiered to its fans.")
    (folder / "b.txt").write_text("Season eleven of the show premiered on August 22, 2021.")
    Ingestion(store, fake_embedder).run([folder])
    question = "When did season eleven of the show premiere?"
    features_only = RetrievalConfig(cross_top=0)  # the date feature alone, without the cross-encoder stage
    with_date = Retriever(store, fake_embedder, features_only).search(question, 2)
    without = Retriever(store, fake_embedder, RetrievalConfig(w_date=0.0, cross_top=0)).search(question, 2)
    assert without[0].doc_id == "a.txt"  # closer in words
    assert with_date[0].doc_id == "b.txt"  # but b answers 'when'
    assert Retriever(store, fake_embedder, features_only).search("Who watched season eleven of the show?", 2)[0].doc_id == "a.txt"
    assert Retriever(store, fake_embedder).search(question, 2)[0].doc_id == "b.txt"  # the default, with the stage, too
