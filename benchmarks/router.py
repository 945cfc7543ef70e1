"""Router benchmark: latency, index build time and peak memory at four catalog sizes.

Compared against a naive rapidfuzz baseline (``extractOne`` with ``WRatio`` over all names
and aliases).

Sizes: the 44 curated entries alone, the shipped catalog (~2,700 with the national listing),
10,000 and 50,000 entries (the listing extended with province-specific variants, as the
portal itself has: the same procedure published once per province with its own code).
Each size runs in a fresh process so peak RSS is its own. Messages: the dev set when
``../shared/eval/dev.jsonl`` exists, else the router test phrases. Prints JSON.

Usage: ``.venv/bin/python benchmarks/router.py [--dev FILE] [--sizes 44,shipped,10000,50000]``
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
from intents.index import Index, curated_docs, general_docs, listing_docs, load_listing_aliases
from intents.router import Router
from procedures.catalog import Catalog
from procedures.models import ListingEntry

DEFAULT_DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev.jsonl"
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


def run_size(label: str, messages: list[str], examples: list[Example]) -> dict[str, Any]:
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
    docs = curated_docs(catalog) + listing_docs(cards, (), load_listing_aliases()) + general_docs()
    router = Router(Index.build(docs))
    build_s = time.thread_time() - started
    for text in messages[:20]:  # warm the typo-correction cache as a running bot would be
        router.route(text)
    # CPU time of this thread, not wall time: the machines here are shared and noisy, and the
    # target is per core. (Wall time on an idle machine is the same within a few percent.)
    latencies = []
    for text in messages:
        t0 = time.thread_time()
        router.route(text)
        latencies.append((time.thread_time() - t0) * 1000)
    choices: list[str] = []
    owners: list[str] = []
    for doc in docs:  # names and aliases (priority 1.0), not keywords or example questions
        for position, phrase in enumerate(doc.phrases):
            if doc.priority(position) == 1.0:
                choices.append(phrase)
                owners.append(doc.intent)
    baseline_ms = []
    baseline_right = 0
    router_right = 0
    listing_codes = {card.code for card in cards}
    for example in examples:
        t0 = time.thread_time()
        found = process.extractOne(example.text, choices, scorer=fuzz.WRatio)
        baseline_ms.append((time.thread_time() - t0) * 1000)
        predicted = owners[found[2]] if found else "out_of_scope"
        baseline_right += is_correct(example, predicted, listing_codes)
        router_right += is_correct(example, router.route(example.text).intent, listing_codes)
    result: dict[str, Any] = {
        "entries": len(docs),
        "phrases": len(router.index.phrases),
        "build_s": round(build_s, 3),
        "p50_ms": round(statistics.median(latencies), 3),
        "p99_ms": round(percentile(latencies, 0.99), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if examples:
        result["baseline"] = {
            "p50_ms": round(statistics.median(baseline_ms), 3),
            "p99_ms": round(percentile(baseline_ms, 0.99), 3),
            "top1": round(baseline_right / len(examples), 4),
        }
        result["router_top1"] = round(router_right / len(examples), 4)
        result["speedup_p50"] = round(statistics.median(baseline_ms) / max(result["p50_ms"], 1e-6), 1)
    return result


def _child(label: str, messages: list[str], examples: list[Example], queue: Any) -> None:
    queue.put(run_size(label, messages, examples))


def main() -> None:
    """Run every size in its own process and print one JSON document."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--sizes", default="44,shipped,10000,50000")
    args = parser.parse_args()
    examples = read_examples(args.dev) if args.dev.exists() else []
    messages = [example.text for example in examples] or FALLBACK_MESSAGES
    context = multiprocessing.get_context("spawn")
    report: dict[str, Any] = {"messages": len(messages), "baseline_scored_on": len(examples), "sizes": {}}
    for label in args.sizes.split(","):
        queue = context.Queue()
        child = context.Process(target=_child, args=(label, messages, examples, queue))
        child.start()
        try:
            report["sizes"][label] = queue.get(timeout=900)
        except Exception:  # noqa: BLE001 - a crashed child must not hang the benchmark
            report["sizes"][label] = {"error": f"size {label} failed (exit code {child.exitcode})"}
        child.join()
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
