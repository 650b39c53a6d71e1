"""Context-recall benchmark: does the prompt hold the cross-file definitions the hole needs?

    python benchmarks/context_recall.py [--packages httpx,rich,textual] [--holes 200]
                                        [--out results.json] [--svg docs/images/recall.svg]

See benchmarks/README.md for the rules (hole mining, header rule, baselines, budgets).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.recall_baselines import WindowIndex  # noqa: E402
from benchmarks.recall_evaluate import (  # noqa: E402
    BUDGETS,
    METHODS,
    Scores,
    baseline_prompts,
    found_per_hole,
    most_missed,
    score_found,
)
from benchmarks.recall_holepilot import (  # noqa: E402
    Answer,
    cold_first_answer_s,
    entry_module,
    percentile,
    run_batch,
)
from benchmarks.recall_index import PackageIndex  # noqa: E402
from benchmarks.recall_mining import Hole, mine_holes, sample_holes  # noqa: E402
from benchmarks.recall_packages import DEFAULT_PACKAGES, PackageSpec, ensure_package, spec_of  # noqa: E402
from benchmarks.recall_report import (  # noqa: E402
    breakdown_markdown,
    latency_markdown,
    recall_markdown,
    recall_svg,
)
from completion.tokens import count_tokens  # noqa: E402

log = logging.getLogger("context_recall")
WORK = REPO / "benchmarks" / ".work"


@dataclass
class PackageResult:
    spec: PackageSpec
    files: int
    candidates: int
    holes: list[Hole]
    scores: dict[tuple[str, int], Scores] = field(default_factory=dict)
    latency: dict[str, object] = field(default_factory=dict)
    found: dict[tuple[str, int], list[list[bool]]] = field(default_factory=dict)
    elapsed_ms: dict[int, list[float]] = field(default_factory=dict)  # holepilot, per budget

    @property
    def definitions(self) -> int:
        return sum(len(hole.definitions) for hole in self.holes)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--packages", default=",".join(DEFAULT_PACKAGES), help="comma-separated; NAME==VERSION pins"
    )
    parser.add_argument("--holes", type=int, default=200, help="holes sampled per package")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--out", type=Path, default=WORK / "recall-results.json")
    parser.add_argument("--svg", type=Path, default=REPO / "docs" / "images" / "recall.svg")
    parser.add_argument("--skip-holepilot", action="store_true", help="baselines only")
    return parser.parse_args(argv)


def prepare_package(
    spec: PackageSpec, limit: int, seed: int
) -> tuple[PackageResult, PackageIndex, Path]:
    root = ensure_package(spec, WORK)
    index = PackageIndex(root, spec.imports)
    candidates = mine_holes(index, spec.name)
    holes = sample_holes(candidates, limit, seed)
    log.info(
        "%s: %d files, %d candidate holes, %d sampled",
        spec.label,
        len(index.modules),
        len(candidates),
        len(holes),
    )
    return PackageResult(spec, len(index.modules), len(candidates), holes), index, root


def record(result: PackageResult, method: str, budget: int, prompts: list[str]) -> None:
    found = found_per_hole(result.holes, prompts)
    result.scores[method, budget] = score_found(result.holes, found)
    result.found[method, budget] = found


def run_baselines(result: PackageResult, index: PackageIndex) -> None:
    windows = WindowIndex((info.path, info.source) for info in index.modules.values())
    for budget in BUDGETS:
        for method, prompts in baseline_prompts(result.holes, windows, budget).items():
            record(result, method, budget, prompts)


def run_holepilot(result: PackageResult, module: str, root: Path) -> None:
    requests = [(hole, budget) for budget in BUDGETS for hole in result.holes]
    batch_file = WORK / "batches" / f"{result.spec.label}.jsonl"
    answers = run_batch(module, REPO, root, requests, batch_file)
    count = len(result.holes)
    for i, budget in enumerate(BUDGETS):
        chunk = answers[i * count : (i + 1) * count]
        record(result, "holepilot", budget, [answer.prompt for answer in chunk])
        record(result, "surfaced", budget, [answer.surfaced for answer in chunk])
        result.elapsed_ms[budget] = [answer.elapsed_ms for answer in chunk]
        result.latency[f"over_budget_{budget}"] = sum(
            count_tokens(a.prompt) > budget for a in chunk
        )
    result.latency.update(latency_summary(answers))
    result.latency["slowest_files"] = slowest_files(result.holes, answers)
    cold_s, cold_ok = cold_first_answer_s(module, REPO, root, result.holes[0])
    result.latency["cold_s"] = round(cold_s, 3) if cold_ok else None


def latency_summary(answers: list[Answer]) -> dict[str, object]:
    """Warm latency leaves out the first answer, which pays for the engine's start."""
    errors = [a.error for a in answers if a.error]
    elapsed = [a.elapsed_ms for a in answers[1:] if not a.error]
    return {
        "first_ms": round(answers[0].elapsed_ms, 1) if answers else None,
        "requests": len(answers),
        "errors": len(errors),
        "first_errors": sorted(set(errors))[:5],
        "p50_ms": round(percentile(elapsed, 0.50), 1),
        "p95_ms": round(percentile(elapsed, 0.95), 1),
    }


def slowest_files(
    holes: list[Hole], answers: list[Answer], limit: int = 5
) -> list[dict[str, object]]:
    """Files whose requests take longest (median over their holes and budgets)."""
    by_path: dict[str, list[float]] = {}
    for index, answer in enumerate(answers):
        if not answer.error:
            by_path.setdefault(holes[index % len(holes)].path, []).append(answer.elapsed_ms)
    medians = sorted(
        ((statistics.median(times), path) for path, times in by_path.items()), reverse=True
    )
    return [{"path": path, "median_ms": round(median, 1)} for median, path in medians[:limit]]


def recall_table(scores: dict[tuple[str, int], Scores]) -> dict[str, dict[int, float | None]]:
    return {
        method: {
            b: (scores[method, b].overall.recall if (method, b) in scores else None)
            for b in BUDGETS
        }
        for method in METHODS
    }


def merged_scores(results: list[PackageResult]) -> dict[tuple[str, int], Scores]:
    merged: dict[tuple[str, int], Scores] = {}
    for result in results:
        for key, scores in result.scores.items():
            merged.setdefault(key, Scores()).merge(scores)
    return merged


def package_json(result: PackageResult) -> dict[str, object]:
    return {
        "version": result.spec.version,
        "files": result.files,
        "candidate_holes": result.candidates,
        "holes": len(result.holes),
        "definitions": result.definitions,
        "recall": {f"{m}@{b}": s.to_json() for (m, b), s in sorted(result.scores.items())},
        "latency": result.latency,
        "holepilot_most_missed": most_missed(result.scores["holepilot", BUDGETS[-1]])
        if ("holepilot", BUDGETS[-1]) in result.scores
        else [],
        "hole_list": [
            {
                **hole.to_json(),
                "found": {f"{m}@{b}": f[i] for (m, b), f in sorted(result.found.items())},
                "elapsed_ms": {str(b): times[i] for b, times in sorted(result.elapsed_ms.items())},
            }
            for i, hole in enumerate(result.holes)
        ],
    }


def engine_commit() -> str:
    """The repository's commit, with ``+dirty`` when the engine's packages have local changes."""
    git = ["git", "-C", str(REPO)]
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    status = [*git, "status", "--porcelain", "--", "context", "completion", "lsp_server"]
    dirty = subprocess.run(status, capture_output=True, text=True).stdout.strip()
    return f"{head}+dirty" if head and dirty else head


def write_outputs(
    args: argparse.Namespace, results: list[PackageResult], module: str | None
) -> None:
    merged = merged_scores(results)
    payload = {
        "config": {
            "packages": [r.spec.label for r in results],
            "holes_per_package": args.holes,
            "seed": args.seed,
            "budgets": list(BUDGETS),
            "holepilot_entry": module,
            "engine_commit": engine_commit(),
            "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
            "cpu_count": os.cpu_count(),
        },
        "overall": {f"{m}@{b}": s.to_json() for (m, b), s in sorted(merged.items())},
        "packages": {r.spec.name: package_json(r) for r in results},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    labels = ", ".join(r.spec.label for r in results)
    args.svg.parent.mkdir(parents=True, exist_ok=True)
    args.svg.write_text(
        recall_svg(recall_table(merged), BUDGETS, f"Definition recall ({labels})"), encoding="utf-8"
    )


def breakdown_rows(
    scores: dict[tuple[str, int], Scores],
) -> list[tuple[str, dict[str, tuple[float, int]]]]:
    rows = []
    for (method, budget), score in sorted(scores.items()):
        slices = {**score.by_kind, **{f"name {k}": t for k, t in score.by_visibility.items()}}
        rows.append((f"{method}@{budget}", {k: (t.recall, t.total) for k, t in slices.items()}))
    return rows


def print_report(results: list[PackageResult]) -> None:
    rows = [
        (r.spec.label, f"{len(r.holes)} / {r.definitions}", recall_table(r.scores)) for r in results
    ]
    total = sum(r.definitions for r in results)
    rows.append(
        (
            "all",
            f"{sum(len(r.holes) for r in results)} / {total}",
            recall_table(merged_scores(results)),
        )
    )
    print(recall_markdown(rows, BUDGETS))
    print()
    print("Recall of all packages by hole kind and by where the buffer still shows the name:")
    print(breakdown_markdown(breakdown_rows(merged_scores(results))))
    latency_rows = [
        {"package": r.spec.label, "files": r.files, **r.latency} for r in results if r.latency
    ]
    if latency_rows:
        print()
        print(latency_markdown(latency_rows))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    module = None if args.skip_holepilot else entry_module(REPO)
    if module is None and not args.skip_holepilot:
        log.warning("no holepilot entry point answers `context --help`: baselines only")
    results: list[PackageResult] = []
    for name in args.packages.split(","):
        result, index, root = prepare_package(spec_of(name.strip()), args.holes, args.seed)
        run_baselines(result, index)
        if module is not None and result.holes:
            run_holepilot(result, module, root)
        results.append(result)
    print_report(results)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nLoad average at the end: {load} on {os.cpu_count()} CPUs (latency is only comparable when idle)."
    )
    write_outputs(args, results, module)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
