"""Grid-search router weights and the no-match threshold on a labelled set (a tuning aid).

Usage: ``python scripts/tune_router.py ../shared/eval/dev.jsonl``. Prints the best settings
by a score that weighs top-1 accuracy, out-of-scope recall and false rejection; the chosen
values are then written into ``intents/router.py`` and ``bot/config.py`` by hand, with the
figures in docs/router.md. Keep the grid coarse: the dev set is small and an unseen set
measures generalisation.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from intents import build_router
from intents.evaluation import is_correct, read_examples
from intents.router import CHATTER, OUT_OF_SCOPE, Weights
from procedures.catalog import Catalog


def main(path: str) -> None:
    """Print the ten best weight/threshold combinations."""
    catalog = Catalog.load()
    router = build_router(catalog)
    examples = read_examples(Path(path))
    listing = set(catalog.listing)
    grid = {
        "phrase": (0.35, 0.45, 0.55),
        "evidence": (0.25, 0.35, 0.45),
        "significant": (6.0, 8.0, 11.0),
        "saturation": (8.0, 12.0),
        "listing_discount": (0.85,),
        "general_coverage": (0.4, 0.6),
    }
    results = []
    for values in itertools.product(*grid.values()):
        chosen: dict[str, Any] = dict(zip(grid, values, strict=True))  # Weights mixes float and int fields
        router.weights = replace(Weights(), **chosen)
        ranked = [router.score(example.text)[:3] for example in examples]
        for threshold in [x / 100 for x in range(20, 56, 2)]:
            top1 = oos = oos_n = rej = in_n = 0
            for example, candidates in zip(examples, ranked, strict=True):
                confident = candidates and candidates[0].score >= threshold and candidates[0].intent != CHATTER
                prediction = candidates[0].intent if confident else OUT_OF_SCOPE
                ok = is_correct(example, prediction, listing)
                top1 += ok
                if example.in_scope:
                    in_n += 1
                    rej += prediction == OUT_OF_SCOPE
                else:
                    oos_n += 1
                    oos += ok
            n = len(examples)
            objective = top1 / n + 0.5 * min(oos / oos_n, 0.9) - 1.0 * max(rej / in_n - 0.04, 0)
            results.append((objective, top1 / n, oos / oos_n, rej / in_n, threshold, values))
    results.sort(reverse=True)
    print("keys:", list(grid))
    for row in results[:10]:
        print(f"obj={row[0]:.3f} top1={row[1]:.3f} oos={row[2]:.3f} rej={row[3]:.3f} thr={row[4]} {row[5]}")


if __name__ == "__main__":
    main(sys.argv[1])
