"""Router benchmark: latency, index build time and peak memory at four catalog sizes.

Compared against a naive baseline: rapidfuzz ``extractOne`` (``WRatio``) over every name and
alias, folded to plain lower-case ASCII like the messages it is given (``intents.normalize.fold``),
so that the baseline does not pay for -- or lose on -- diacritics the router folds anyway.

Sizes: the 44 curated entries alone, the shipped catalog (~2,700 with the national listing),
10,000 and 50,000 entries (the listing extended with province-specific variants, as the
portal itself has: the same procedure published once per province with its own code).
Each size runs in a fresh process so peak RSS is its own. Two message sets are timed:

* ``dev`` -- the dev set (``benchmarks/dev.jsonl``, a copy of the shared one) when it exists, else a few test phrases;
* ``long`` -- the questions of ``benchmarks/faq-dev.jsonl`` folded without diacritics (long,
  messy FAQ-style messages: 25-80 words, a story, no marks), the slowest case for the router.

Latencies are CPU time of the routing thread (``time.thread_time``): the machines here are
shared and noisy. The baseline is timed on a sample at the large sizes (it takes up to a second
a message). Prints JSON.

Usage: ``.venv/bin/python benchmarks/router.py [--dev FILE] [--long FILE] [--sizes 44,shipped,10000,50000]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from intents.evaluation import Example, is_correct, read_examples
from intents.index import Index, curated_docs, general_docs, shipped_listing_docs
from intents.normalize import fold
from intents.router import Router
from procedures.catalog import Catalog
from procedures.models import ListingEntry

DEFAULT_DEV = Path(__file__).resolve().parent / "dev.jsonl"
DEFAULT_LONG = Path(__file__).resolve().parent / "faq-dev.jsonl"
BASELINE_SAMPLE = {"44": None, "shipped": None, "10000": 100, "50000": 40}  # messages (None: all)
FALLBACK_MESSAGES = [
    "lam giay khai sinh cho con",
    "đk tạm trú ntn",
    "đổi bằng lái xe hết hạn",
    "xin chào",
    "làm căn cước ở đâu",
    "nộp phạt giao thông online",
    "giá vàng hôm nay",
    "sang tên sổ đỏ",
]
PROVINCES = [
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
    "Tuyên Quang",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Hải Phòng",
    "Ninh Bình",
    "Quảng Trị",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Thành phố Hồ Chí Minh",
    "Đồng Nai",
    "Tây Ninh",
    "Cần Thơ",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
]


def extended_listing(listing: list[ListingEntry], size: int) -> list[ListingEntry]:
    """The listing plus province variants ("… (áp dụng tại Đồng Nai)") until ``size`` entries."""
    entries = list(listing)
    number = 0
    while len(entries) < size:
        base = listing[number % len(listing)]
        province = PROVINCES[(number // len(listing)) % len(PROVINCES)]
        code = f"9.{number:06d}"
        entries.append(base.model_copy(update={"code": code, "name": f"{base.name} (áp dụng tại {province})"}))
        number += 1
    return entries[:size]


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of sorted values (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def timed(router: Router, messages: list[str]) -> dict[str, float]:
    """p50 and p99 CPU time per message, in milliseconds."""
    latencies = []
    for text in messages:
        started = time.thread_time()
        router.route(text)
        latencies.append((time.thread_time() - started) * 1000)
    return {
        "p50_ms": round(statistics.median(latencies), 3),
        "p99_ms": round(percentile(latencies, 0.99), 3),
        "max_ms": round(max(latencies), 3),
    }


def run_size(label: str, sets: dict[str, list[Example]]) -> dict[str, Any]:
    """Build the index for one size, time routing and the baseline; runs in a child process."""
    catalog = Catalog.load()
    listing = list(catalog.listing.values())
    if label == "44":
        cards: list[ListingEntry] = []
    elif label == "shipped":
        cards = listing
    else:
        cards = extended_listing(listing, int(label) - len(catalog))
    started = time.thread_time()
    docs = curated_docs(catalog) + shipped_listing_docs(cards) + general_docs()
    router = Router(Index.build(docs))
    build_s = time.thread_time() - started
    listing_codes = {card.code for card in cards}
    result: dict[str, Any] = {
        "entries": len(docs),
        "phrases": len(router.index.phrases),
        "build_s": round(build_s, 3),
    }
    # The naive baseline: names and aliases (priority 1.0), folded like the messages.
    choices: list[str] = []
    owners: list[str] = []
    for doc in docs:
        for position, phrase in enumerate(doc.phrases):
            if doc.priority(position) == 1.0:
                choices.append(fold(phrase))
                owners.append(doc.intent)
    for name, examples in sets.items():
        messages = [example.text for example in examples]
        for text in messages[:20]:  # warm the typo-correction cache as a running bot would be
            router.route(text)
        figures: dict[str, Any] = {"messages": len(messages), **timed(router, messages)}
        labelled = [example for example in examples if example.label]
        if labelled:
            right = sum(is_correct(ex, router.route(ex.text).intent, listing_codes) for ex in labelled)
            figures["router_top1"] = round(right / len(labelled), 4)
            sample = BASELINE_SAMPLE.get(label)
            baseline_set = labelled[:: max(1, len(labelled) // sample)][:sample] if sample else labelled
            baseline_ms, baseline_right = [], 0
            for example in baseline_set:
                t0 = time.thread_time()
                found = process.extractOne(fold(example.text), choices, scorer=fuzz.WRatio, processor=None)
                baseline_ms.append((time.thread_time() - t0) * 1000)
                predicted = owners[found[2]] if found else "out_of_scope"
                baseline_right += is_correct(example, predicted, listing_codes)
            figures["baseline"] = {
                "timed_on": len(baseline_set),
                "p50_ms": round(statistics.median(baseline_ms), 3),
                "p99_ms": round(percentile(baseline_ms, 0.99), 3),
                "top1": round(baseline_right / len(baseline_set), 4),
            }
            figures["speedup_p50"] = round(statistics.median(baseline_ms) / max(figures["p50_ms"], 1e-6), 1)
        result[name] = figures
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def _child(label: str, sets: dict[str, list[Example]], queue: Any) -> None:
    queue.put(run_size(label, sets))


def folded_set(path: Path) -> list[Example]:
    """A labelled set with its texts folded to plain ASCII: messages typed without diacritics."""
    return [
        Example(fold(example.text), example.label, example.also, example.style, example.scope)
        for example in read_examples(path)
    ]


def main() -> None:
    """Run every size in its own process and print one JSON document."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--long", type=Path, default=DEFAULT_LONG)
    parser.add_argument("--sizes", default="44,shipped,10000,50000")
    args = parser.parse_args()
    sets: dict[str, list[Example]] = {
        "dev": read_examples(args.dev) if args.dev.exists() else [Example(text, "") for text in FALLBACK_MESSAGES]
    }
    if args.long.exists():
        sets["long"] = folded_set(args.long)
    context = multiprocessing.get_context("spawn")
    report: dict[str, Any] = {
        "sets": {name: len(examples) for name, examples in sets.items()},
        "clock": "thread CPU time",
        "sizes": {},
    }
    for label in args.sizes.split(","):
        queue = context.Queue()
        child = context.Process(target=_child, args=(label, sets, queue))
        child.start()
        try:
            report["sizes"][label] = queue.get(timeout=1800)
        except Exception:  # noqa: BLE001 - a crashed child must not hang the benchmark
            report["sizes"][label] = {"error": f"size {label} failed (exit code {child.exitcode})"}
        child.join()
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
