"""How often the rules of qa.question_kinds decide the kind a development set's question was written as, by kind.

    python scripts/kind_accuracy.py [tests/data/dev_questions.jsonl] [-v]

Follow-ups are left out: they are rewritten into standalone questions first and then classified like any other.
-v also lists every question decided otherwise (expected kind | decided kind | question).
"""

from __future__ import annotations

import sys
from collections import Counter

from qa.evaluation.dev_set import load_dev_questions
from qa.question_kinds import classify


def main(path: str = "tests/data/dev_questions.jsonl", verbose: bool = False) -> None:
    decided: dict[str, Counter] = {}
    wrong = []
    for q in load_dev_questions(path):
        if q.kind == "followup":
            continue
        kind = classify(q.question).kind
        decided.setdefault(q.kind, Counter())[kind] += 1
        if kind != q.kind:
            wrong.append((q.kind, kind, q.question))
    right = total = 0
    for expected, counts in decided.items():
        n = sum(counts.values())
        right, total = right + counts[expected], total + n
        others = ", ".join(f"{k} {v}" for k, v in counts.most_common() if k != expected)
        print(f"{expected:12s} {counts[expected]:3d}/{n:<3d} {counts[expected] / n:.3f}  {others}")
    print(f"{'overall':12s} {right:3d}/{total:<3d} {right / total:.3f}")
    if verbose:
        for row in wrong:
            print(" | ".join(row))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    main(*args[:1], verbose="-v" in sys.argv)
