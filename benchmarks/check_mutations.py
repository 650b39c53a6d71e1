"""Mutation benchmark of the checkers: are the mistakes a model makes flagged, and are true
fillings left alone?

    python benchmarks/check_mutations.py [--packages httpx,rich,attrs] [--holes 50] [--no-pyright]
                                         [--out results.json]

Holes are mined from real packages as in the recall benchmark (right-hand sides, return values,
call statements that use definitions of other modules). Each true filling is mutated once per
kind (misspelled attribute, misspelled name, extra argument, missing argument, wrong keyword,
unbalanced bracket, a value of the wrong type), spliced into the buffer and checked; a problem
counts only when it is *new* (not in the buffer with the hole empty) and its message names the
mistake. A mutation counts only when it really is an error: with pyright, when pyright reports a
new error for it against the true filling; without, when its new identifier exists nowhere in the
package (names, attributes, keywords) or it breaks the syntax.
"""

from __future__ import annotations

import argparse
import asyncio
import builtins
import json
import logging
import random
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.check_mutants import KINDS, Mutation, mutations, names_the_problem  # noqa: E402
from benchmarks.recall_index import PackageIndex  # noqa: E402
from benchmarks.recall_mining import Hole, cursor_offset, mine_holes, sample_holes  # noqa: E402
from benchmarks.recall_packages import ensure_package, spec_of  # noqa: E402
from completion.check import check_text, new_problems, splice  # noqa: E402
from completion.model import Diagnostic  # noqa: E402
from completion.pyright import PyrightChecker  # noqa: E402
from context.api import Analyzer  # noqa: E402

log = logging.getLogger("check_mutations")
WORK = REPO / "benchmarks" / ".work"
DEFAULT_PACKAGES = ("httpx", "rich", "attrs")
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
ANNOTATED_TARGET = re.compile(r"^\s*[\w.]+\s*:[^=]+=\s*$")


@dataclass
class Outcome:
    package: str
    path: str
    line: int
    kind: str  # "true" or a mutation kind
    token: str
    filling: str
    builtin: list[str]  # new problems of the built-in layer
    pyright: list[str] | None  # new pyright errors; None without pyright
    real: bool | None  # the mutation really is an error (None for true fillings)
    builtin_hit: bool = False
    pyright_hit: bool = False


@dataclass
class Timings:
    builtin_ms: list[float] = field(default_factory=list)
    builtin_cpu_ms: list[float] = field(default_factory=list)  # on a busy machine, wall time lies
    pyright_ms: list[float] = field(default_factory=list)
    pyright_warm_ms: list[float] = field(default_factory=list)


class Bench:
    """Checks the variants of one package's holes with both layers."""

    def __init__(self, package: str, root: Path, pyright: PyrightChecker | None, vocabulary: set[str]) -> None:
        self.package = package
        self.root = root
        self.analyzer = Analyzer(root)
        self.pyright = pyright
        self.vocabulary = vocabulary
        self.timings = Timings()
        self.opened: set[Path] = set()

    def builtin(self, path: Path, text: str) -> list[Diagnostic]:
        started, cpu = time.perf_counter(), time.process_time()
        found = check_text(self.analyzer, path, text)
        self.timings.builtin_ms.append((time.perf_counter() - started) * 1000)
        self.timings.builtin_cpu_ms.append((time.process_time() - cpu) * 1000)
        return found

    async def real(self, path: Path, text: str) -> list[Diagnostic] | None:
        if self.pyright is None:
            return None
        started = time.perf_counter()
        found = await self.pyright.diagnose(path, text)
        elapsed = (time.perf_counter() - started) * 1000
        self.timings.pyright_ms.append(elapsed)
        if path in self.opened:
            self.timings.pyright_warm_ms.append(elapsed)
        self.opened.add(path)
        return [d for d in found if d.severity == "error"]

    async def run_hole(self, hole: Hole, rng: random.Random) -> list[Outcome]:
        path = self.root / hole.path
        start = cursor_offset(hole.text, hole.line, hole.column)
        line = hole.line - 1
        prefix_line = hole.text[hole.text.rfind("\n", 0, start) + 1 : start]
        whole = hole.kind == "return" or bool(ANNOTATED_TARGET.match(prefix_line))
        before_b = self.builtin(path, hole.text)
        before_p = await self.real(path, hole.text)

        async def check(filling: str) -> tuple[list[Diagnostic], list[Diagnostic] | None, list[Diagnostic] | None]:
            text = splice(hole.text, start, start, filling)
            count = filling.count("\n") + 1
            new_b = new_problems(before_b, self.builtin(path, text), line, 1, count)
            after_p = await self.real(path, text)
            new_p = new_problems(before_p, after_p, line, 1, count) if after_p is not None and before_p is not None \
                else None
            return new_b, new_p, after_p

        true_b, true_p, true_after = await check(hole.expected)
        out = [Outcome(self.package, hole.path, hole.line, "true", "", hole.expected, [d.message for d in true_b],
                       [d.message for d in true_p] if true_p is not None else None, None)]
        for mutation in mutations(hole.expected, rng, self.vocabulary, whole):
            new_b, new_p, after_p = await check(mutation.text)
            out.append(self.judge(mutation, hole, new_b, new_p, after_p, true_after, line))
        return out

    def judge(self, mutation: Mutation, hole: Hole, new_b: list[Diagnostic], new_p: list[Diagnostic] | None,
              after_p: list[Diagnostic] | None, true_after: list[Diagnostic] | None, line: int) -> Outcome:
        if after_p is not None and true_after is not None:
            against_true = new_problems(true_after, after_p, line, hole.expected.count("\n") + 1,
                                        mutation.text.count("\n") + 1)
            real: bool = bool(against_true)
        else:
            real = mutation.kind == "bracket" or (mutation.kind in ("attribute", "name", "wrong_keyword")
                                                  and mutation.token not in self.vocabulary)
        return Outcome(
            self.package, hole.path, hole.line, mutation.kind, mutation.token, mutation.text,
            [d.message for d in new_b], [d.message for d in new_p] if new_p is not None else None, real,
            builtin_hit=any(names_the_problem(mutation.kind, mutation.token, d.message, d.source) for d in new_b),
            pyright_hit=any(names_the_problem(mutation.kind, mutation.token, d.message, "pyright")
                            for d in new_p or []),
        )


def package_vocabulary(root: Path, imports: tuple[str, ...]) -> set[str]:
    """Every identifier written anywhere in the package, and the builtins."""
    words = set(dir(builtins))
    for name in imports:
        for file in (root / name).rglob("*.py"):
            words.update(IDENTIFIER.findall(file.read_text(encoding="utf-8", errors="replace")))
    return words


async def run_package(name: str, limit: int, seed: int, use_pyright: bool) -> tuple[list[Outcome], Timings, dict[str, object]]:
    spec = spec_of(name)
    root = ensure_package(spec, WORK)
    index = PackageIndex(root, spec.imports)
    holes = sample_holes(mine_holes(index, spec.name), limit, seed)
    pyright = PyrightChecker(root, timeout=120) if use_pyright else None
    bench = Bench(spec.name, root, pyright, package_vocabulary(root, spec.imports))
    rng = random.Random(seed)
    outcomes: list[Outcome] = []
    try:
        for number, hole in enumerate(holes, 1):
            outcomes += await bench.run_hole(hole, rng)
            if number % 10 == 0:
                log.info("%s: %d/%d holes", spec.label, number, len(holes))
    finally:
        if pyright is not None:
            await pyright.aclose()
    info: dict[str, object] = {"package": spec.label, "files": len(index.modules), "holes": len(holes)}
    return outcomes, bench.timings, info


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.1f} %)" if total else "–"


def summarize(outcomes: list[Outcome], timings: Timings) -> dict[str, object]:
    kinds: dict[str, dict[str, int]] = {}
    for kind in KINDS:
        applied = [o for o in outcomes if o.kind == kind]
        real = [o for o in applied if o.real]
        kinds[kind] = {
            "applied": len(applied), "real": len(real),
            "builtin": sum(o.builtin_hit for o in real), "pyright": sum(o.pyright_hit for o in real),
            "either": sum(o.builtin_hit or o.pyright_hit for o in real),
        }
    trues = [o for o in outcomes if o.kind == "true"]
    with_pyright = [o for o in trues if o.pyright is not None]
    return {
        "kinds": kinds,
        "true_fillings": len(trues),
        "builtin_false_positives": sum(bool(o.builtin) for o in trues),
        "pyright_false_positives": sum(bool(o.pyright) for o in with_pyright) if with_pyright else None,
        "builtin_ms": {"p50": percentile(timings.builtin_ms, 0.5), "p90": percentile(timings.builtin_ms, 0.9),
                       "n": len(timings.builtin_ms)},
        "builtin_cpu_ms": {"p50": percentile(timings.builtin_cpu_ms, 0.5),
                           "p90": percentile(timings.builtin_cpu_ms, 0.9), "n": len(timings.builtin_cpu_ms)},
        "pyright_warm_ms": {"p50": percentile(timings.pyright_warm_ms, 0.5),
                            "p90": percentile(timings.pyright_warm_ms, 0.9), "n": len(timings.pyright_warm_ms)},
        "pyright_all_ms": {"p50": percentile(timings.pyright_ms, 0.5), "n": len(timings.pyright_ms)},
    }


def markdown(summary: dict[str, object]) -> str:
    kinds = summary["kinds"]
    assert isinstance(kinds, dict)
    rows = ["| mutation | applied | real errors | built-in | pyright | either |", "|---|---:|---:|---:|---:|---:|"]
    totals = dict.fromkeys(("applied", "real", "builtin", "pyright", "either"), 0)
    for kind, c in kinds.items():
        rows.append(f"| {kind} | {c['applied']} | {c['real']} | {_rate(c['builtin'], c['real'])} | "
                    f"{_rate(c['pyright'], c['real'])} | {_rate(c['either'], c['real'])} |")
        for key in totals:
            totals[key] += c[key]
    rows.append(f"| **all** | {totals['applied']} | {totals['real']} | {_rate(totals['builtin'], totals['real'])} | "
                f"{_rate(totals['pyright'], totals['real'])} | {_rate(totals['either'], totals['real'])} |")
    trues = int(summary["true_fillings"])  # type: ignore[call-overload]
    pyright_fp = summary["pyright_false_positives"]
    rows += ["", "| true fillings | flagged by built-in | flagged by pyright |", "|---:|---:|---:|",
             f"| {trues} | {_rate(int(summary['builtin_false_positives']), trues)} | "  # type: ignore[call-overload]
             f"{_rate(int(pyright_fp), trues) if pyright_fp is not None else '–'} |"]  # type: ignore[call-overload]
    rows += ["", "| check latency | p50 ms | p90 ms | checks |", "|---|---:|---:|---:|"]
    for label, key in (("built-in (wall)", "builtin_ms"), ("built-in (CPU)", "builtin_cpu_ms"),
                       ("pyright (warm, wall)", "pyright_warm_ms")):
        stats = summary[key]
        assert isinstance(stats, dict)
        p50, p90 = stats["p50"], stats["p90"]
        rows.append(f"| {label} | {p50:.1f} | {p90:.1f} | {stats['n']} |" if p50 is not None else f"| {label} | – | – | 0 |")
    return "\n".join(rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", default=",".join(DEFAULT_PACKAGES))
    parser.add_argument("--holes", type=int, default=50, help="holes per package")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-pyright", action="store_true", help="skip pyright (and its oracle)")
    parser.add_argument("--out", type=Path, default=WORK / "check-results.json")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> int:
    outcomes: list[Outcome] = []
    timings = Timings()
    packages: list[dict[str, object]] = []
    for name in [p.strip() for p in args.packages.split(",") if p.strip()]:
        found, package_timings, info = await run_package(name, args.holes, args.seed, not args.no_pyright)
        outcomes += found
        packages.append({**info, "summary": summarize(found, package_timings)})
        for key in ("builtin_ms", "builtin_cpu_ms", "pyright_ms", "pyright_warm_ms"):
            getattr(timings, key).extend(getattr(package_timings, key))
    summary = summarize(outcomes, timings)
    print(markdown(summary))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"packages": packages, "summary": summary,
                                    "outcomes": [asdict(o) for o in outcomes]}, indent=1), encoding="utf-8")
    log.info("results written to %s", args.out)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
