"""Rewrites of the INT8 cross-encoder graph, measured by ``qa.benchmarks.cross_graphs`` (none is used by the product;
the one the product runs, the last layer for [CLS] only, is ``qa.cross_graph``).

- ``dequantized``: every ``DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul(scale)`` chain with a constant INT8
  weight becomes one float ``MatMul`` with the weight dequantized once (``(q - zero_point) * scale``): the same
  weights, float activations.
- ``with_multi_head_attention``: each layer's attention, exported by PyTorch as scaled dot-product attention
  (Q and K each scaled by 1/sqrt(sqrt(head size)), MatMul, + mask, Softmax, MatMul, Transpose, Reshape), becomes one
  ``com.microsoft.MultiHeadAttention`` node reading the projected Q, K, V and the attention mask as key padding.
"""

from __future__ import annotations

import collections

HEADS = 12  # ms-marco-MiniLM-L-12-v2: 12 heads of 32


def dequantized(model):
    """``model`` (an onnx ModelProto, changed in place and returned) with float MatMuls for its INT8 weight MatMuls."""
    from onnx import helper, numpy_helper

    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    producer = {o: n for n in graph.node for o in n.output}
    consumers = _consumers(graph)
    replaced, dropped, weights = {}, set(), []
    for node in graph.node:
        if node.op_type != "MatMulInteger" or node.input[1] not in inits:
            continue
        quantize = producer[node.input[0]]
        (cast,) = consumers[node.output[0]]
        (rescale,) = consumers[cast.output[0]]
        scales = producer[rescale.input[1]]  # Mul(activation scale, weight scale)
        if quantize.op_type != "DynamicQuantizeLinear" or cast.op_type != "Cast" or rescale.op_type != "Mul" or scales.op_type != "Mul":
            raise ValueError(f"{node.name}: not the quantize_dynamic pattern")
        (weight_scale,) = [i for i in scales.input if i in inits]
        q = numpy_helper.to_array(inits[node.input[1]]).astype("float32")
        zero = numpy_helper.to_array(inits[node.input[3]]).astype("float32") if len(node.input) > 3 and node.input[3] else 0.0
        name = node.input[1] + "_dequantized"
        weights.append(numpy_helper.from_array((q - zero) * numpy_helper.to_array(inits[weight_scale]).astype("float32"), name))
        replaced[id(node)] = helper.make_node("MatMul", [quantize.input[0], name], [rescale.output[0]], name=node.name + "_float")
        dropped.update({id(cast), id(rescale)})
    nodes = [replaced.get(id(n), n) for n in graph.node if id(n) not in dropped]
    graph.initializer.extend(weights)
    return _prune(model, nodes)


def with_multi_head_attention(model, heads: int = HEADS):
    """``model`` (changed in place and returned) with one MultiHeadAttention node per layer."""
    from onnx import TensorProto, helper

    graph = model.graph
    consumers = _consumers(graph)
    by_name = {n.name: n for n in graph.node}
    mask = "attention_mask_int32"
    added = [helper.make_node("Cast", ["attention_mask"], [mask], to=TensorProto.INT32, name=mask)]
    removed = set()
    layer = 0
    while f"/bert/encoder/layer.{layer}/attention/self/Softmax" in by_name:
        prefix = f"/bert/encoder/layer.{layer}/attention/self/"
        (transpose,) = consumers[by_name[prefix + "MatMul_1"].output[0]]
        (reshape,) = consumers[transpose.output[0]]
        qkv = [prefix + f"{part}/Add_output_0" for part in ("query", "key", "value")]
        added.append(helper.make_node("MultiHeadAttention", [*qkv, "", mask], [reshape.output[0]], name=prefix + "MultiHeadAttention",
                                      domain="com.microsoft", num_heads=heads))
        removed.add(id(reshape))
        layer += 1
    if not layer:
        raise ValueError("no attention of the SDPA pattern found")
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return _prune(model, [n for n in graph.node if id(n) not in removed] + added)


def _consumers(graph) -> dict[str, list]:
    out: dict[str, list] = collections.defaultdict(list)
    for node in graph.node:
        for name in node.input:
            out[name].append(node)
    return out


def _prune(model, nodes: list):
    """Keep the nodes (and initializers) the outputs need, in an order where each input is made before it is read."""
    graph = model.graph
    wanted = {o.name for o in graph.output}
    while True:
        read = {i for n in nodes for i in n.input} | wanted
        kept = [n for n in nodes if any(o in read for o in n.output)]
        if len(kept) == len(nodes):
            break
        nodes = kept
    made = {i.name for i in graph.input} | {i.name for i in graph.initializer} | {""}
    ordered, rest = [], nodes
    while rest:
        ready = [n for n in rest if all(i in made for i in n.input)]
        if not ready:
            raise ValueError("the rewritten graph has a cycle")
        ordered += ready
        made |= {o for n in ready for o in n.output}
        done = {id(n) for n in ready}
        rest = [n for n in rest if id(n) not in done]
    del graph.node[:]
    graph.node.extend(ordered)
    read = {i for n in ordered for i in n.input}
    kept_inits = [i for i in graph.initializer if i.name in read]
    del graph.initializer[:]
    graph.initializer.extend(kept_inits)
    return model
