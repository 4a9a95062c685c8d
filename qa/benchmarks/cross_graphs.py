"""What the cross-encoder's ONNX graph and session options cost, variant against variant, on the same inputs.

    QA_CACHE=... python -m qa.benchmarks.cross_graphs --questions 20 --repeats 3
    QA_CACHE=... python -m qa.benchmarks.cross_graphs packaged packaged+daz fp32 int8-mha --questions 10

Each question is one ONNX Runtime run of 10 windows (SQuAD dev passages of the question's article, cut by
``qa.reranking.best_window`` as the retrieval stage cuts them), padded together as the stage pads them.  Variants
are run in turn question by question in one process, so load from other processes hits all of them alike; each
prints wall-clock p50, the fastest run, the process's CPU time p50 (all threads), and how far its logits are from
the packaged model's (largest and mean difference; questions whose best window / whole order is the same).

Variants (graphs are built once into ``$QA_CACHE/cross-graphs/``; the packaged file stays the source):

- ``packaged``: the wheel's INT8 graph with the project's session (``qa.onnx_embedding.onnx_session``);
- ``+daz``: the same with denormal floats flushed to zero (``session.set_denormal_as_zero``), ``+t1``: one intra-op
  thread, ``+spin``: spinning worker threads, ``+block16``: ``session.dynamic_block_base`` 16 (suffixes combine);
- ``fp32``: the INT8 weights dequantized once into a float32 graph (no activation quantization);
- ``fp32-fused``: that graph through ``onnxruntime.transformers.optimizer`` (Attention, SkipLayerNorm, BiasGelu);
- ``int8-fused``: ``fp32-fused`` quantized again (``quantize_dynamic``: QAttention; Q, K and V share one scale);
- ``int8-mha``: the INT8 graph with each layer's attention (PyTorch's SDPA pattern) replaced by one
  ``com.microsoft.MultiHeadAttention`` node (``qa.benchmarks.graph_surgery``);
- ``int8-cls``: the INT8 graph with its last layer computed for the [CLS] row only past its keys and values
  (``qa.cross_graph``: the graph the product runs since Session 11).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import time
from pathlib import Path

import numpy as np

from qa.benchmarks.stats import load_average

GRAPHS = ("packaged", "fp32", "fp32-fused", "int8-fused", "int8-mha", "int8-cls")
OPTIONS = {"daz": ("session.set_denormal_as_zero", "1"), "spin": ("session.intra_op.allow_spinning", "1"),
           "block16": ("session.dynamic_block_base", "16")}
DEFAULT_VARIANTS = ("packaged", "packaged+daz", "packaged+t1", "fp32", "int8-mha")


def window_sets(questions: int, per_question: int = 10) -> list[tuple[str, list[str]]]:
    """(question, 10 windows) from the SQuAD dev set: passages of the question's article, cut as the stage cuts them."""
    from qa.benchmarks.ingest import eval_dir
    from qa.lexical import stems
    from qa.reranking import best_window

    folder = eval_dir() / "squad2-dev"
    passages = [json.loads(line) for line in (folder / "passages.jsonl").open(encoding="utf-8")]
    asked = [json.loads(line) for line in (folder / "questions.jsonl").open(encoding="utf-8")]
    by_title: dict[str, list[dict]] = collections.defaultdict(list)
    for p in passages:
        by_title[p["title"]].append(p)
    rng = np.random.default_rng(0)
    out = []
    for q in [q for q in asked if q["answerable"]][::37][:questions]:
        pool = list(by_title[q["title"]])
        rng.shuffle(pool)
        pool = pool[:per_question] + [passages[int(i)] for i in rng.integers(0, len(passages), max(0, per_question - len(pool)))]
        wanted = set(stems(q["question"]))
        out.append((q["question"], [best_window(p["text"], lambda _t: 1.0, wanted) for p in pool]))
    return out


def build_graph(name: str, folder: Path) -> Path:
    """The graph file of variant ``name`` (built into ``folder`` the first time)."""
    import onnx

    from qa.benchmarks import graph_surgery
    from qa.models import PACKAGED, RERANKER

    packaged = PACKAGED[RERANKER].locate() / "model.onnx"
    if name == "packaged":
        return packaged
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.onnx"
    if target.exists():
        return target
    if name == "fp32":
        onnx.save(graph_surgery.dequantized(onnx.load(str(packaged))), str(target))
    elif name == "fp32-fused":
        from onnxruntime.transformers.optimizer import optimize_model

        fused = optimize_model(str(build_graph("fp32", folder)), model_type="bert", num_heads=12, hidden_size=384, opt_level=0, use_gpu=False)
        fused.save_model_to_file(str(target))
    elif name == "int8-fused":
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(build_graph("fp32-fused", folder)), str(target), weight_type=QuantType.QInt8, per_channel=False, reduce_range=False)
    elif name == "int8-mha":
        onnx.save(graph_surgery.with_multi_head_attention(onnx.load(str(packaged))), str(target))
    elif name == "int8-cls":
        from qa.cross_graph import cls_only_last_layer

        onnx.save(cls_only_last_layer(onnx.load(str(packaged))), str(target))
    else:
        raise SystemExit(f"Unknown graph {name!r}: use one of {', '.join(GRAPHS)} (with +daz, +t1, +spin, +block16).")
    return target


def make_session(variant: str, folder: Path):
    """An ONNX Runtime session for ``graph[+option...]``, otherwise as the project makes its sessions."""
    import onnxruntime as ort

    graph, *options = variant.split("+")
    unknown = [o for o in options if o not in OPTIONS and o != "t1"]
    if unknown:
        raise SystemExit(f"Unknown option {'+'.join(unknown)!r} in {variant!r}: use {', '.join(list(OPTIONS) + ['t1'])}.")
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1 if "t1" in options else min(2, len(os.sched_getaffinity(0)))
    so.inter_op_num_threads = 1
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    for option in options:
        if option in OPTIONS:
            so.add_session_config_entry(*OPTIONS[option])
    so.log_severity_level = 3
    return ort.InferenceSession(str(build_graph(graph, folder)), so, providers=["CPUExecutionProvider"])


def feeds_for(tokenizer, question: str, texts: list[str]) -> dict[str, np.ndarray]:
    """One padded run of (question, text) pairs, as ``CrossEncoder`` pads a run."""
    encodings = tokenizer.encode_batch([(question, t) for t in texts])
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    types, mask = np.zeros_like(ids), np.zeros_like(ids)
    for r, e in enumerate(encodings):
        ids[r, : len(e.ids)], types[r, : len(e.ids)], mask[r, : len(e.ids)] = e.ids, e.type_ids, 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("variants", nargs="*", default=list(DEFAULT_VARIANTS), help="graph[+option...], e.g. packaged+daz")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the questions")
    args = parser.parse_args()
    from tokenizers import Tokenizer

    from qa.bench import cache_dir
    from qa.models import PACKAGED, RERANKER

    folder = cache_dir().parent / "cross-graphs"
    tokenizer = Tokenizer.from_file(str(PACKAGED[RERANKER].locate() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(128, strategy="longest_first")
    sessions = {v: make_session(v, folder) for v in dict.fromkeys(["packaged"] + args.variants)}
    runs = [feeds_for(tokenizer, q, texts) for q, texts in window_sets(args.questions)]
    logits = {v: [s.run(None, f)[0][:, 0] for f in runs] for v, s in sessions.items()}  # also the warm-up
    wall: dict[str, list[float]] = {v: [] for v in sessions}
    cpu: dict[str, list[float]] = {v: [] for v in sessions}
    load_before = load_average()[0]
    for _ in range(args.repeats):
        for feeds in runs:
            for v, s in sessions.items():
                t, c = time.perf_counter(), time.process_time()
                s.run(None, feeds)
                wall[v].append(time.perf_counter() - t)
                cpu[v].append(time.process_time() - c)
    tokens = np.mean([f["attention_mask"].sum() for f in runs])
    padded = np.mean([f["input_ids"].size for f in runs])
    print(f"{len(runs)} runs of 10 windows ({tokens:.0f} tokens, {padded:.0f} padded), {args.repeats} passes; "
          f"load average {load_before:.1f} -> {load_average()[0]:.1f} ({os.cpu_count()} cores)")
    base = logits["packaged"]
    for v in sessions:
        diff = np.concatenate([a - b for a, b in zip(logits[v], base)])
        top = sum(int(np.argmax(a) == np.argmax(b)) for a, b in zip(logits[v], base))
        order = sum(int((np.argsort(-a) == np.argsort(-b)).all()) for a, b in zip(logits[v], base))
        print(f"  {v:22s} wall p50 {1000 * np.median(wall[v]):7.1f} ms  fastest {1000 * np.min(wall[v]):7.1f}  CPU p50 "
              f"{1000 * np.median(cpu[v]):7.1f} ms | logits vs packaged: max {np.abs(diff).max():.2e} mean {np.abs(diff).mean():.2e}; "
              f"same best {top}/{len(runs)}, same order {order}/{len(runs)}")


if __name__ == "__main__":
    main()
