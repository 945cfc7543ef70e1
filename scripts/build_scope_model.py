"""Fit the router's scope model (intents/scope_model.tsv) on questions made from the catalog.

Nothing here reads an evaluation set. In-scope questions are generated from the catalog's own
fields -- curated entries' summaries, example questions, documents and names, national
records' official names and documents -- wrapped in everyday openings and asks, with words
dropped and, for some, diacritics folded away. Out-of-scope questions are made from the
chatter data (intents/chatter.yaml) wrapped the same way. The chatter is split in two halves:
the features of questions made from one half are read by a router that indexes only the
other half, so the model never sees chatter the router already knows by heart.

The model is a logistic regression over :data:`intents.router.SCOPE_FEATURES` (numpy, L2,
classes weighted equally). Usage: ``.venv/bin/python scripts/build_scope_model.py``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intents.index import (  # noqa: E402
    CHATTER_FILE,
    Index,
    IntentDoc,
    IntentKind,
    curated_docs,
    load_general,
    shipped_listing_docs,
)
from intents.normalize import fold  # noqa: E402
from intents.router import CHATTER, SCOPE_FEATURES, SCOPE_MODEL_FILE, Router  # noqa: E402
from procedures.catalog import Catalog  # noqa: E402
from procedures.loader import load_yaml  # noqa: E402

SEED = 13
LISTING_SAMPLE = 700  # national records turned into questions
OPENINGS = (
    "",
    "Chào anh chị, cho em hỏi chút ạ.",
    "Xin chào, tôi có một thắc mắc mong được giải đáp.",
    "Nhà tôi ở xa trung tâm, đi lại không tiện.",
    "Tôi đi làm cả tuần, chỉ rảnh cuối tuần.",
    "Em hỏi giúp người nhà ạ.",
    "Mong ad trả lời sớm giúp mình.",
    "Hi, I have a question please.",
)
ASKS = (
    "Cho tôi hỏi cần chuẩn bị giấy tờ gì?",
    "Nộp hồ sơ ở đâu và mất bao lâu thì xong?",
    "Lệ phí hết bao nhiêu tiền vậy ạ?",
    "Có làm online được không hay phải đến trực tiếp?",
    "Thủ tục như thế nào, ai được đứng ra làm?",
    "Bao lâu thì có kết quả, nhận ở đâu?",
    "Nếu để quá hạn thì có bị phạt không?",
    "What do I need to prepare and how long does it take?",
)
WANTS = ("Tôi muốn", "Mình cần", "Em định", "Gia đình tôi muốn", "toi muon")


def drop_words(text: str, rng: random.Random, share: float) -> str:
    """The text with about ``share`` of its words left out (never all)."""
    words = text.split()
    kept = [word for word in words if rng.random() > share]
    return " ".join(kept or words)


def wrap(core: str, rng: random.Random) -> str:
    """An everyday question around a core: an opening, the core, one to three asks."""
    parts = [rng.choice(OPENINGS), core, *rng.sample(ASKS, rng.randint(1, 3))]
    text = " ".join(part for part in parts if part)
    return fold(text) if rng.random() < 0.3 else text


def first_sentence(text: str) -> str:
    """The first sentence of a summary."""
    return text.split(". ")[0].rstrip(".")


def in_scope_cores(catalog: Catalog, rng: random.Random) -> list[str]:
    """Cores from the catalog's own fields (not its indexed phrases verbatim)."""
    cores = []
    for entry in catalog:
        summary = first_sentence(entry.summary.vi) if entry.summary and entry.summary.vi else ""
        documents = [str(getattr(document, "name", document)) for document in entry.documents][:4]
        for example in entry.examples:
            core = drop_words(example, rng, 0.25)
            if documents and rng.random() < 0.5:
                core += f". Tôi đã có {rng.choice(documents).lower()}"
            cores.append(core)
        if summary:
            cores.append(f"{rng.choice(WANTS)} {drop_words(summary.lower(), rng, 0.2)}")
            cores.append(f"{drop_words(entry.examples[0], rng, 0.3)}. {summary}" if entry.examples else summary)
        cores.append(f"{rng.choice(WANTS)} {drop_words(entry.name.vi.lower(), rng, 0.15)}")
    records = [record for record in catalog.listing.values() if not record.replaced_by]
    for record in rng.sample(records, min(LISTING_SAMPLE, len(records))):
        head = record.name.split("(")[0].strip()
        if head.lower().startswith("thủ tục "):
            head = head[len("thủ tục ") :]
        core = f"{rng.choice(WANTS)} làm {drop_words(head.lower(), rng, 0.2)}"
        if record.documents and rng.random() < 0.5:
            core += ". Hồ sơ có " + " ".join(rng.choice(record.documents).split()[:12]).lower()
        cores.append(core)
    return cores


def out_of_scope_cores(lines: list[str], rng: random.Random, count: int) -> list[str]:
    """Cores of two or three chatter lines (a long off-topic message)."""
    return [". ".join(rng.sample(lines, rng.randint(2, 3))) for _ in range(count)]


def features(router: Router, texts: list[str]) -> list[list[float]]:
    """The model's inputs for each text that finds a procedure."""
    rows = []
    for text in texts:
        found = router.scope_features(text)
        if found is not None:
            rows.append(found[: len(SCOPE_FEATURES) - 1])
    return rows


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 3000) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent, each class weighing half."""
    weights, bias = np.zeros(x.shape[1]), 0.0
    sample = np.where(y == 1, 0.5 / y.sum(), 0.5 / (len(y) - y.sum()))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ weights + bias)))
        grad = x.T @ (sample * (p - y)) + l2 * weights / len(y)
        weights -= 0.5 * grad
        bias -= 0.5 * float(sample @ (p - y))
    return weights, bias


def main() -> int:
    """Generate the questions, fit the model, write intents/scope_model.tsv."""
    rng = random.Random(SEED)
    catalog = Catalog.load()
    base = curated_docs(catalog) + shipped_listing_docs(catalog.listing.values())
    general = load_general()
    chatter_data = load_yaml(CHATTER_FILE.read_text(encoding="utf-8"))[CHATTER]
    lines = [*chatter_data.get("vi", ()), *chatter_data.get("en", ())]
    positives = [wrap(core, rng) for core in in_scope_cores(catalog, rng)]
    rng.shuffle(positives)
    rows: list[list[float]] = []
    labels: list[int] = []
    for fold_number in (0, 1):
        known = [line for number, line in enumerate(lines) if number % 2 == fold_number]
        unseen = [line for number, line in enumerate(lines) if number % 2 != fold_number]
        docs = [*base, *general, IntentDoc(CHATTER, IntentKind.GENERAL, tuple(known), CHATTER)]
        router = Router(Index.build(docs))
        mine = positives[fold_number::2]
        negatives = [wrap(core, rng) for core in out_of_scope_cores(unseen, rng, len(mine) // 2)]
        found_in, found_out = features(router, mine), features(router, negatives)
        rows += found_in + found_out
        labels += [1] * len(found_in) + [0] * len(found_out)
    x, y = np.array(rows), np.array(labels, dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    weights, bias = fit((x - mean) / scale, y)
    p = 1.0 / (1.0 + np.exp(-(((x - mean) / scale) @ weights + bias)))
    right = float(((p >= 0.5) == (y == 1)).mean())
    lines = [
        "# The router's scope model: written by scripts/build_scope_model.py (do not edit by hand).",
        f"# Fitted on {int(y.sum())} in-scope questions generated from the catalog's fields and",
        f"# {int(len(y) - y.sum())} out-of-scope ones from the chatter data (seed {SEED});",
        f"# training accuracy {right:.3f}.",
        "# feature\tweight\tmean\tscale (inputs are standardised: (x - mean) / scale)",
        *(
            f"{name}\t{weight:.5f}\t{centre:.5f}\t{spread:.5f}"
            for name, weight, centre, spread in zip(SCOPE_FEATURES, weights, mean, scale, strict=False)
        ),
        f"bias\t{bias:.5f}",
    ]
    SCOPE_MODEL_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(y)} questions ({int(y.sum())} in scope), training accuracy {right:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
