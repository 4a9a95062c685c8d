"""The cross-encoder's graph as the product runs it: the packaged INT8 graph, its last layer computed for [CLS] only.

A BERT cross-encoder's score reads one row of the last layer's output: the [CLS] token's, through the pooler and the
classifier.  The packaged graph computes that layer for every token all the same.  ``cls_only_last_layer`` keeps
what the [CLS] row needs: the layer's keys and values from every row, its query, attention, output projection,
LayerNorms and feed-forward for the one row.  On SQuAD windows that is 6% less CPU time a window, and the logits
differ from the packaged graph's by at most 0.014 (mean 0.002): the dynamic quantization of the last three products
takes its scale from the one row instead of all of them (docs/benchmarks.md, Session 11).

``reader_graph(path)`` is what ``qa.reranking.CrossEncoder`` loads: the rewritten graph, made once into the model
cache, or the packaged file itself when the graph is not the BERT export this rewrite knows (the rewrite raises a
clear ``ValueError``, and the file is used unchanged: the answer is the same, only slower).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)
_LAYER = re.compile(r"^/bert/encoder/layer\.(\d+)/")
REWRITE = 1  # names the cached graph: raise when cls_only_last_layer changes what it writes


def last_layer(model) -> int:
    """The index of the encoder's last layer in a BERT export (node names ``/bert/encoder/layer.N/...``)."""
    found = [int(m.group(1)) for n in model.graph.node if (m := _LAYER.match(n.name))]
    if not found:
        raise ValueError("no /bert/encoder/layer.N/ nodes: not a BERT export")
    return max(found)


def cls_only_last_layer(model, layer: int | None = None):
    """``model`` (an onnx ModelProto, changed in place and returned) computing its last encoder layer for the [CLS] row
    only.  The quantized input that Q, K and V share is sliced for the query alone, so K and V still see every row;
    the attention mask and the residual are sliced to the one row; the heads are joined into one row.  Raises
    ``ValueError`` when the graph is not the expected export (nothing is changed then)."""
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    layer = last_layer(model) if layer is None else layer
    prefix = f"/bert/encoder/layer.{layer}"
    hidden = f"/bert/encoder/layer.{layer - 1}/output/LayerNorm/Add_1_output_0"  # the layer's input, every row
    nodes = {n.name: n for n in graph.node}
    wanted = [f"{prefix}/attention/self/query/MatMul_quant", f"{prefix}/attention/output/Add",
              f"{prefix}/attention/self/Concat_3", f"{prefix}/attention/self/Add"]
    missing = [name for name in wanted if name not in nodes]
    if missing:
        raise ValueError(f"layer {layer} of this graph is not the expected BERT export (no {', '.join(missing)}): not rewritten")
    query, residual, heads_joined, masked = (nodes[name] for name in wanted)
    if query.input[0] != hidden + "_quantized" or hidden not in residual.input or len(heads_joined.input) != 3:
        raise ValueError(f"layer {layer} of this graph is not the expected BERT export: not rewritten")
    graph.initializer.extend(numpy_helper.from_array(np.array([value], dtype=np.int64), name) for name, value in
                             (("cls_only_start", 0), ("cls_only_end", 1), ("cls_only_axis_1", 1), ("cls_only_axis_2", 2)))
    sliced = [
        helper.make_node("Slice", [hidden + "_quantized", "cls_only_start", "cls_only_end", "cls_only_axis_1"], ["cls_only_query_input"], name="cls_only_query_slice"),
        helper.make_node("Slice", [hidden, "cls_only_start", "cls_only_end", "cls_only_axis_1"], ["cls_only_residual"], name="cls_only_residual_slice"),
        # the mask added to the scores has a row per query row ([batch, 1, rows, keys]): keep the first
        helper.make_node("Slice", [masked.input[1], "cls_only_start", "cls_only_end", "cls_only_axis_2"], ["cls_only_mask"], name="cls_only_mask_slice"),
    ]
    query.input[0] = "cls_only_query_input"
    residual.input[list(residual.input).index(hidden)] = "cls_only_residual"
    masked.input[1] = "cls_only_mask"
    heads_joined.input[1] = "cls_only_end"  # [batch, 1, hidden size] instead of [batch, rows, hidden size]
    at = list(graph.node).index(query)  # after the quantized input and the mask are made, before any of their readers here
    for offset, node in enumerate(sliced):
        graph.node.insert(at + offset, node)
    for info in [v for v in graph.value_info if v.name.startswith((prefix + "/", "/bert/pooler/", "/classifier/"))]:
        graph.value_info.remove(info)  # shapes recorded for every row: ONNX Runtime would trust them
    return model


def reader_graph(path: Path) -> Path | bytes:
    """The graph ``CrossEncoder`` runs: ``path`` rewritten by ``cls_only_last_layer``, made once and kept in the model
    cache (``$QA_MODEL_CACHE/onnx``, named after the packaged file), so that a process loads a file as before; its bytes
    when the cache cannot be written; or ``path`` itself when the rewrite does not apply to it."""
    import onnx

    from qa.model_parts import cache_folder

    st = path.stat()
    key = hashlib.sha1(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{REWRITE}".encode()).hexdigest()[:12]
    target = cache_folder() / "onnx" / f"cross-encoder-cls-{key}.onnx"
    if target.exists():
        return target
    try:
        graph = cls_only_last_layer(onnx.load(str(path))).SerializeToString()
    except ValueError as exc:
        log.info("cross-encoder %s run as packaged: %s", path, exc)
        return path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".cross-encoder-", delete=False) as tmp:
            tmp.write(graph)
        os.chmod(tmp.name, 0o644)
        os.replace(tmp.name, target)  # appears whole; another process writing the same file writes the same bytes
        return target
    except OSError as exc:
        log.info("cross-encoder graph not kept in %s (%s): rewritten in memory each time", target.parent, exc)
        return graph
