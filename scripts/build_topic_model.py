"""Fit the router's topic model (intents/topic_model.tsv): are a message's words about public administration.

Nothing here reads an evaluation set. The model learns from four kinds of questions, each kind
weighing a quarter:

- in scope, generated from the catalog's own fields (the generator of
  ``scripts/build_scope_model.py``: example questions, summaries, names, national records'
  names and papers, wrapped in everyday openings and asks), and English ones from the curated
  entries' English names, summaries and aliases (an English story would otherwise read as
  off-topic: few written questions are English);
- out of scope, generated from the chatter data the same way (every group of
  ``intents/chatter.yaml``: everyday talk and near-domain talk);
- in scope, written: ``scripts/topic_questions/in_scope.jsonl``, long stories about 44 curated
  guides and 400 national records, written by helpers who saw only those procedures' names;
- out of scope, written: ``scripts/topic_questions/out_of_scope.jsonl``, long questions near
  the domain (banks, telecoms, private insurers, shops, health, private employers, courts,
  schools, renting, cars, travel, farming, family, home, religion, money, technology) by
  helpers who never saw an evaluation set, the catalog's data or the router.

An English model (``intents/topic_model_en.tsv``) is fitted the same way, a quarter each, on
English questions only: generated from the curated entries' English names, summaries and
aliases; generated from the English chatter lines; and written, ``english_in_scope.jsonl`` and
``english_out_of_scope.jsonl`` (250 each, long English questions about the procedures and near
the domain, by two helpers who saw only the procedures' names, never an evaluation set).

``scripts/topic_questions/threshold_check.jsonl`` (600 short messages, written blind later) is
never read here: it checked the medium-length threshold of :mod:`intents.topic` only.

The model is a logistic regression over the message's normalised terms (single words and word
pairs above filler weight, as :meth:`intents.router.Router.query_terms` gives them; terms seen
in at least two questions), fitted by AdaGrad with L2 (pure Python, seeded, about 30 s).
Usage: ``.venv/bin/python scripts/build_topic_model.py``.
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intents import build_router  # noqa: E402
from intents.index import CHATTER_FILE, STOPWORD_WEIGHT, load_general  # noqa: E402
from intents.router import CHATTER, Router  # noqa: E402
from intents.topic import ENGLISH_TOPIC_MODEL_FILE, TOPIC_MODEL_FILE  # noqa: E402
from procedures.catalog import Catalog  # noqa: E402
from procedures.loader import load_yaml  # noqa: E402
from scripts.build_scope_model import in_scope_cores, out_of_scope_cores, wrap  # noqa: E402

SEED = 13
QUESTIONS = Path(__file__).resolve().parent / "topic_questions"
CHATTER_QUESTIONS = 400  # generated off-topic questions (two or three chatter lines each)
ENGLISH_CHATTER_QUESTIONS = 200  # the same from the English chatter lines
EPOCHS = 40
# Chosen on dev, faq-dev, english-dev, fresh-dev and the threshold check once the near-domain
# chatter joined: 1e-3 rejected a dev tax story, 3e-3 let a dev off-topic message through.
L2 = 2e-3
RATE = 0.3
MIN_QUESTIONS = 2  # a term must appear in this many questions to get a weight
KEEP = 0.01  # smaller weights are not shipped


ENGLISH_OPENINGS = (
    "",
    "Hello, I have a question.",
    "Hi, I'm a foreigner living in Vietnam.",
    "My wife asked me to check.",
)
ENGLISH_ASKS = (
    "What papers do I need?",
    "Where do I apply and how long does it take?",
    "How much is the fee?",
    "Can I do it online or must I go in person?",
    "Who can apply, and is there a deadline?",
)


def english_questions(catalog: Catalog, rng: random.Random) -> list[str]:
    """In-scope English questions from the curated entries' English names, summaries and aliases."""
    cores = []
    for entry in catalog:
        summary = entry.summary.en.split(". ")[0].rstrip(".") if entry.summary and entry.summary.en else ""
        cores += [f"I need help with {entry.name.en.lower()}." if entry.name.en else "", summary]
        cores += [f"I want to know about {alias}." for alias in entry.aliases_en]
    return [
        " ".join(
            part for part in (rng.choice(ENGLISH_OPENINGS), core, *rng.sample(ENGLISH_ASKS, rng.randint(1, 3))) if part
        )
        for core in cores
        if core
    ]


def read_questions(path: Path) -> list[str]:
    """The texts of a JSON-lines file of written questions."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def fit(rows: list[tuple[frozenset[str], int, float]], rng: random.Random) -> tuple[dict[str, float], float]:
    """Logistic regression by AdaGrad over (terms, label, sample weight) rows."""
    counts = Counter(term for terms, _, _ in rows for term in terms)
    vocabulary = {term for term, count in counts.items() if count >= MIN_QUESTIONS}
    total = sum(weight for _, _, weight in rows)
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias, bias_square = 0.0, 1e-8
    order = list(rows)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for terms, label, sample in order:
            known = [term for term in terms if term in vocabulary]
            z = bias + sum(weights.get(term, 0.0) for term in known)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            step = (p - label) * sample / total * len(order)
            for term in known:
                gradient = step + L2 * weights.get(term, 0.0)
                squares[term] = squares.get(term, 1e-8) + gradient * gradient
                weights[term] = weights.get(term, 0.0) - RATE * gradient / math.sqrt(squares[term])
            bias_square += step * step
            bias -= RATE * step / math.sqrt(bias_square)
    return weights, bias


def main() -> int:
    """Generate and read the questions, fit the model, write intents/topic_model.tsv."""
    rng = random.Random(SEED)
    catalog = Catalog.load()
    router = build_router(catalog)
    # Every chatter group (everyday talk, near-domain talk).
    lines = [line for doc in load_general(CHATTER_FILE, intent=CHATTER) for line in doc.phrases]
    groups = {
        "generated in scope": (
            [wrap(core, rng) for core in in_scope_cores(catalog, rng)] + english_questions(catalog, rng),
            1,
        ),
        "generated out of scope": (
            [wrap(core, rng) for core in out_of_scope_cores(lines, rng, CHATTER_QUESTIONS)],
            0,
        ),
        "written in scope": (read_questions(QUESTIONS / "in_scope.jsonl"), 1),
        "written out of scope": (read_questions(QUESTIONS / "out_of_scope.jsonl"), 0),
    }
    write_model(router, groups, rng, TOPIC_MODEL_FILE, "topic model")
    # The English model, from a generator of its own (the Vietnamese fit above stays as it was).
    rng = random.Random(SEED)
    chatter = load_yaml(CHATTER_FILE.read_text(encoding="utf-8"))
    english_lines = [line for group in chatter.values() for line in group.get("en", ())]
    english = {
        "generated English in scope": (english_questions(catalog, rng), 1),
        "generated English out of scope": (out_of_scope_cores(english_lines, rng, ENGLISH_CHATTER_QUESTIONS), 0),
        "written English in scope": (read_questions(QUESTIONS / "english_in_scope.jsonl"), 1),
        "written English out of scope": (read_questions(QUESTIONS / "english_out_of_scope.jsonl"), 0),
    }
    write_model(router, english, rng, ENGLISH_TOPIC_MODEL_FILE, "English topic model")
    return 0


def write_model(
    router: Router, groups: dict[str, tuple[list[str], int]], rng: random.Random, path: Path, title: str
) -> None:
    """Fit one model on ``groups`` (texts, label), each group weighing a quarter, and write it to ``path``."""
    rows = []
    for texts, label in groups.values():
        for text in texts:
            terms = frozenset(term for term, weight in router.query_terms(text).items() if weight > STOPWORD_WEIGHT)
            rows.append((terms, label, 0.25 / len(texts)))  # each group weighs a quarter
    weights, bias = fit(rows, rng)
    right = sum(
        (bias + sum(weights.get(term, 0.0) for term in terms) >= 0) == (label == 1) for terms, label, _ in rows
    ) / len(rows)
    # "bias" names the bias line of the file: a term spelled so (an English word) is left out.
    kept = sorted((term, weight) for term, weight in weights.items() if abs(weight) >= KEEP and term != "bias")
    sizes = ", ".join(f"{len(texts)} {name}" for name, (texts, _) in groups.items())
    out = [
        f"# The router's {title}: written by scripts/build_topic_model.py (do not edit by hand).",
        f"# Fitted on {sizes} questions (seed {SEED}); training accuracy {right:.3f}.",
        "# term\tweight (log-odds of being about public administration, summed over a message's terms)",
        *(f"{term}\t{weight:.4f}" for term, weight in kept),
        f"bias\t{bias:.4f}",
    ]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{title}: {len(rows)} questions ({sizes}); {len(kept)} terms; training accuracy {right:.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
