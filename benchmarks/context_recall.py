"""Context-recall benchmark: does the prompt hold the cross-file definitions the hole needs?

    python benchmarks/context_recall.py [--split tuning|test|all] [--packages a,b] [--holes 64]
                                        [--out results.json] [--svg recall.svg] [--skip-holepilot]

Holes sit at eight kinds of position; the definitions each hole's true code uses are found by
jedi on the true code (an oracle independent of holepilot). See benchmarks/README.md for the
rules (packages and their split, hole kinds, oracle, header rule, baselines, budgets).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.packages import PackageSpec, selected_packages, spec_of, split_of  # noqa: E402
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
    ENTRY_MODULES,
    Answer,
    cold_first_answer_s,
    entry_module,
    percentile,
    run_batch,
)
from benchmarks.recall_index import DEFINITION_KINDS  # noqa: E402
from benchmarks.recall_mining import Hole, Mined, mine_oracle_holes, package_sources  # noqa: E402
from benchmarks.recall_oracle import GOTO_TIMEOUT_S, Oracle, OracleCache  # noqa: E402
from benchmarks.recall_packages import ensure_package, resolved  # noqa: E402
from benchmarks.recall_report import (  # noqa: E402
    breakdown_markdown,
    latency_markdown,
    oracle_markdown,
    recall_markdown,
    recall_svg,
)
from benchmarks.recall_sites import HOLE_KINDS  # noqa: E402
from completion.tokens import count_tokens  # noqa: E402

log = logging.getLogger("context_recall")
WORK = REPO / "benchmarks" / ".work"
DEFAULT_HOLES = 64
DEFAULT_SEED = 20240611
SPLIT_ORDER = ("tuning", "test", "other")


@dataclass
class PackageResult:
    spec: PackageSpec
    mined: Mined
    files: int
    split: str = "other"  # "tuning" | "test" | "other" (pinned by hand)
    oracle_s: float = 0.0
    scores: dict[tuple[str, int], Scores] = field(default_factory=dict)
    latency: dict[str, object] = field(default_factory=dict)
    found: dict[tuple[str, int], list[list[bool]]] = field(default_factory=dict)
    elapsed_ms: dict[int, list[float]] = field(default_factory=dict)  # holepilot, per budget

    @property
    def holes(self) -> list[Hole]:
        return self.mined.holes

    @property
    def definitions(self) -> int:
        return sum(len(hole.definitions) for hole in self.holes)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--split", choices=("tuning", "test", "all"), default="tuning", help="which package set"
    )
    parser.add_argument(
        "--packages", default=None, help="comma-separated, instead of --split; NAME==VERSION pins"
    )
    parser.add_argument("--holes", type=int, default=DEFAULT_HOLES, help="holes per package")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--oracle-timeout", type=float, default=GOTO_TIMEOUT_S, help="seconds per jedi goto"
    )
    parser.add_argument("--out", type=Path, default=WORK / "recall-results.json")
    parser.add_argument("--svg", type=Path, default=WORK / "recall.svg")
    parser.add_argument("--skip-holepilot", action="store_true", help="baselines only")
    parser.add_argument(
        "--engine",
        type=Path,
        default=REPO,
        help="directory holding the engine's packages to run (default: this repository), "
        "e.g. an export of an older commit",
    )
    parser.add_argument(
        "--entry",
        default=None,
        help="the engine's command-line module (default: the first of "
        f"{', '.join(ENTRY_MODULES)} that offers `context --batch`)",
    )
    args = parser.parse_args(argv)
    if args.holes < 1:
        parser.error("--holes must be at least 1")
    return args


def prepare_package(
    spec: PackageSpec, limit: int, seed: int, timeout_s: float = GOTO_TIMEOUT_S
) -> tuple[PackageResult, dict[str, str], Path]:
    """Download and unpack the package, then mine its holes with the (cached) oracle."""
    root = ensure_package(spec, WORK)
    sources = package_sources(root, spec.imports)
    started = time.perf_counter()
    oracle = Oracle(root, spec.imports, timeout_s)
    cache = OracleCache(WORK / "oracle" / f"{spec.label}.json")
    mined = mine_oracle_holes(spec.name, sources, oracle, cache, limit, seed)
    elapsed = time.perf_counter() - started
    log.info(
        "%s: %d files, %d sites, %d examined (%d resolved now, %d timeouts), %d holes in %.0f s",
        spec.label,
        len(sources),
        sum(mined.sites.values()),
        mined.examined,
        mined.resolved,
        mined.timeouts,
        len(mined.holes),
        elapsed,
    )
    split = split_of(spec.name) or "other"
    result = PackageResult(spec, mined, len(sources), split, round(elapsed, 1))
    return result, sources, root


def record(result: PackageResult, method: str, budget: int, prompts: list[str]) -> None:
    found = found_per_hole(result.holes, prompts)
    result.scores[method, budget] = score_found(result.holes, found)
    result.found[method, budget] = found


def run_baselines(result: PackageResult, sources: dict[str, str]) -> None:
    windows = WindowIndex(sources.items())
    for budget in BUDGETS:
        for method, prompts in baseline_prompts(result.holes, windows, budget).items():
            record(result, method, budget, prompts)


def run_holepilot(result: PackageResult, module: str, root: Path, engine: Path = REPO) -> None:
    requests = [(hole, budget) for budget in BUDGETS for hole in result.holes]
    batch_file = WORK / "batches" / f"{result.spec.label}.jsonl"
    answers = run_batch(module, engine, root, requests, batch_file)
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
    if result.split != "test":
        result.latency["slowest_files"] = slowest_files(result.holes, answers)
    cold_s, cold_ok = cold_first_answer_s(module, engine, root, result.holes[0])
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


def oracle_json(result: PackageResult) -> dict[str, object]:
    mined = result.mined
    return {
        "sites": mined.sites,
        "examined": mined.examined,
        "resolved_now": mined.resolved,
        "timeouts_now": mined.timeouts,
        "ambiguous_now": mined.ambiguous,
        "timeouts_in_holes": sum(hole.timeouts for hole in mined.holes),
        "seconds": result.oracle_s,
    }


def package_json(result: PackageResult) -> dict[str, object]:
    """A package's results. For a test-split package only aggregates: no hole, no miss list."""
    data: dict[str, object] = {
        "version": result.spec.version,
        "split": result.split,
        "files": result.files,
        "holes": len(result.holes),
        "definitions": result.definitions,
        "oracle": oracle_json(result),
        "recall": {f"{m}@{b}": s.to_json() for (m, b), s in sorted(result.scores.items())},
        "latency": result.latency,
    }
    if result.split == "test":
        return data
    if ("holepilot", BUDGETS[-1]) in result.scores:
        data["holepilot_most_missed"] = most_missed(result.scores["holepilot", BUDGETS[-1]])
    data["hole_list"] = [
        {
            **hole.to_json(),
            "found": {f"{m}@{b}": f[i] for (m, b), f in sorted(result.found.items())},
            "elapsed_ms": {str(b): times[i] for b, times in sorted(result.elapsed_ms.items())},
        }
        for i, hole in enumerate(result.holes)
    ]
    return data


def engine_commit(engine: Path = REPO) -> str | None:
    """The engine's commit, with ``+dirty`` when its packages have local changes; ``None`` for
    an engine outside a git checkout (an export)."""
    if not (engine / ".git").exists():
        return None
    git = ["git", "-C", str(engine)]
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    status = [*git, "status", "--porcelain", "--", "context", "completion", "lsp_server"]
    dirty = subprocess.run(status, capture_output=True, text=True).stdout.strip()
    return f"{head}+dirty" if head and dirty else head


def groups(results: list[PackageResult]) -> list[tuple[str, list[PackageResult]]]:
    """Results by split, in a fixed order."""
    return [
        (split, [r for r in results if r.split == split])
        for split in SPLIT_ORDER
        if any(r.split == split for r in results)
    ]


def write_outputs(
    args: argparse.Namespace, results: list[PackageResult], module: str | None, seconds: float
) -> None:
    payload = {
        "config": {
            "split": args.split if args.packages is None else None,
            "packages": [r.spec.label for r in results],
            "holes_per_package": args.holes,
            "seed": args.seed,
            "budgets": list(BUDGETS),
            "hole_kinds": list(HOLE_KINDS),
            "holepilot_entry": module,
            "engine": str(args.engine),
            "engine_commit": engine_commit(args.engine),
            "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
            "cpu_count": os.cpu_count(),
            "seconds": round(seconds, 1),
        },
        "splits": {
            split: {f"{m}@{b}": s.to_json() for (m, b), s in sorted(merged_scores(members).items())}
            for split, members in groups(results)
        },
        "packages": {r.spec.name: package_json(r) for r in results},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    labels = ", ".join(r.spec.label for r in results)
    args.svg.parent.mkdir(parents=True, exist_ok=True)
    args.svg.write_text(
        recall_svg(recall_table(merged_scores(results)), BUDGETS, f"Definition recall ({labels})"),
        encoding="utf-8",
    )


def slice_rows(
    scores: dict[tuple[str, int], Scores], slices: str
) -> list[tuple[str, dict[str, tuple[float, int]]]]:
    """Rows of (method@budget, {slice: (recall, pairs)}) for the ``by_kind`` (hole kinds) or the
    ``by_definition`` slices, in a fixed column order."""
    order = HOLE_KINDS if slices == "by_kind" else DEFINITION_KINDS
    rows = []
    for method in METHODS:
        for budget in BUDGETS:
            if (method, budget) not in scores:
                continue
            tallies = getattr(scores[method, budget], slices)
            cells = {k: (tallies[k].recall, tallies[k].total) for k in order if k in tallies}
            rows.append((f"{method}@{budget}", cells))
    return rows


def package_row(result: PackageResult) -> tuple[str, str, dict[str, dict[int, float | None]]]:
    return (
        result.spec.label,
        f"{len(result.holes)} / {result.definitions}",
        recall_table(result.scores),
    )


def total_row(
    label: str, members: list[PackageResult]
) -> tuple[str, str, dict[str, dict[int, float | None]]]:
    holes = sum(len(r.holes) for r in members)
    definitions = sum(r.definitions for r in members)
    return (label, f"{holes} / {definitions}", recall_table(merged_scores(members)))


def print_report(results: list[PackageResult]) -> None:
    split_groups = groups(results)
    rows = []
    for split, members in split_groups:
        rows += [package_row(r) for r in members]
        rows.append(total_row(f"**{split} total**", members))
    if len(split_groups) > 1:
        rows.append(total_row("**all**", results))
    print(recall_markdown(rows, BUDGETS))
    for split, members in split_groups:
        merged = merged_scores(members)
        print(f"\nRecall of the {split} packages by hole kind (recall, definitions):")
        print(breakdown_markdown(slice_rows(merged, "by_kind"), HOLE_KINDS))
        print(f"\nRecall of the {split} packages by kind of definition:")
        print(breakdown_markdown(slice_rows(merged, "by_definition"), DEFINITION_KINDS))
    print("\nOracle (jedi on the true code):")
    oracle_rows = [
        {"package": r.spec.label, "holes": len(r.holes), **oracle_json(r)} for r in results
    ]
    print(oracle_markdown(oracle_rows))
    latency_rows = [
        {"package": r.spec.label, "files": r.files, **r.latency} for r in results if r.latency
    ]
    if latency_rows:
        print()
        print(latency_markdown(latency_rows))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    try:
        names = selected_packages(args.packages, args.split)
        specs = [resolved(spec_of(name), WORK) for name in names]
    except ValueError as error:
        print(f"context_recall: {error}", file=sys.stderr)
        return 2
    candidates = (args.entry,) if args.entry else ENTRY_MODULES
    module = None if args.skip_holepilot else entry_module(args.engine, candidates)
    if module is None and not args.skip_holepilot:
        log.warning("no holepilot entry point answers `context --help`: baselines only")
    results: list[PackageResult] = []
    for spec in specs:
        result, sources, root = prepare_package(spec, args.holes, args.seed, args.oracle_timeout)
        run_baselines(result, sources)
        if module is not None and result.holes:
            run_holepilot(result, module, root, args.engine)
        results.append(result)
    print_report(results)
    seconds = time.perf_counter() - started
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nRun time {seconds:.0f} s. Load average at the end: {load} on {os.cpu_count()} CPUs "
        "(latency is only comparable when idle)."
    )
    write_outputs(args, results, module, seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
