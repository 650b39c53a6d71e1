"""Mutation benchmark of the checkers: are the mistakes a model makes caught, and are true
fillings left alone?

    python benchmarks/check_mutations.py [--split tuning|test|all] [--packages httpx,rich]
                                         [--holes 30] [--no-pyright] [--true-only] [--out results.json]

Holes are mined from the pinned packages of :mod:`benchmarks.packages` (right-hand sides, return
values, call statements that use definitions of other modules). Each true filling is mutated once
per kind (misspelled attribute, misspelled name, extra argument, missing argument, wrong keyword,
unbalanced bracket, a value of the wrong type), spliced into the buffer and checked.

Three verdicts are scored, each on what the filling *introduced*
(:func:`completion.check.introduced`: new against the buffer without the filling, and on the
filled span): the built-in checker's, pyright's (the errors of the rules the verdict uses,
:data:`completion.check.PYRIGHT_RULES`), and the combined verdict the engine uses (both,
:func:`completion.check.combined`). A mutation is caught when a charged diagnostic names the
mistake; a true filling is a false alarm when anything is charged to it.

A mutation counts only when it really is an error: with pyright, when pyright (every rule)
reports a new error for it against the true filling; without, when its new identifier exists
nowhere in the package (names, attributes, keywords) or it breaks the syntax.

``--true-only`` checks the true fillings alone (no mutation): the false alarms on many holes,
in a fraction of the time.

Tune on ``--split tuning`` only; run ``--split test`` to report, not to look at.
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
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.check_mutants import GROUPS, KINDS, Mutation, mutations, names_the_problem  # noqa: E402
from benchmarks.packages import selected_packages, split_of  # noqa: E402
from benchmarks.recall_index import PackageIndex  # noqa: E402
from benchmarks.recall_mining import Hole, cursor_offset, mine_holes, sample_holes  # noqa: E402
from benchmarks.recall_packages import ensure_package, resolved, spec_of  # noqa: E402
from completion.check import Checker, Edit, check_text, combined, introduced, precise, splice  # noqa: E402
from completion.errors import CheckerError  # noqa: E402
from completion.pyright import PyrightChecker  # noqa: E402
from context.api import Analyzer  # noqa: E402
from context.model import Diagnostic  # noqa: E402

log = logging.getLogger("check_mutations")
WORK = REPO / "benchmarks" / ".work"
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
ANNOTATED_TARGET = re.compile(r"^\s*[\w.]+\s*:[^=]+=\s*$")
VERDICTS = ("builtin", "pyright", "combined")  # scored; "pyright_all" is pyright with every rule
PYRIGHT_TIMEOUT_S = 60.0  # generous caps: a benchmark waits for the answer a user would get
PYRIGHT_START_S = 240.0
LARGE_LINES = 400  # the latency table has a row for buffers at least this long


@dataclass(frozen=True)
class Found:
    """Both checkers' diagnostics of one buffer; ``pyright`` None when it was not asked or did
    not answer."""

    builtin: list[Diagnostic]
    pyright: list[Diagnostic] | None
    text: str | None = None  # the buffer (the verdict drops type errors against pyright's guesses)


@dataclass
class Outcome:
    package: str
    path: str
    line: int
    kind: str  # "true" or a mutation kind
    token: str
    filling: str
    charged: dict[str, list[dict[str, str]]]  # verdict -> diagnostics charged (source, code, message)
    hits: dict[str, bool]  # verdict -> a charged message names the mistake
    real: bool | None  # the mutation really is an error (None for true fillings)
    callee: str = ""  # the called name, for a wrong keyword


@dataclass
class Timings:
    builtin_ms: list[float] = field(default_factory=list)
    builtin_cpu_ms: list[float] = field(default_factory=list)  # on a busy machine, wall time lies
    builtin_large_ms: list[float] = field(default_factory=list)  # buffers of LARGE_LINES lines or more
    pyright_warm_ms: list[float] = field(default_factory=list)
    verdict_ms: list[float] = field(default_factory=list)  # one filling: both checkers at once
    pyright_failures: int = 0

    def extend(self, other: Timings) -> None:
        for key in ("builtin_ms", "builtin_cpu_ms", "builtin_large_ms", "pyright_warm_ms", "verdict_ms"):
            getattr(self, key).extend(getattr(other, key))
        self.pyright_failures += other.pyright_failures


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


def verdicts(before: Found, after: Found, edit: Edit) -> dict[str, list[Diagnostic]]:
    """What each verdict charges to a filling (``after`` is the buffer with it)."""
    out = {"builtin": introduced(before.builtin, after.builtin, edit)}
    if before.pyright is None or after.pyright is None:
        out["combined"] = out["builtin"]
        return out
    out["pyright"] = introduced(precise(before.pyright, before.text), precise(after.pyright, after.text), edit)
    out["pyright_all"] = introduced(errors(before.pyright), errors(after.pyright), edit)
    out["combined"] = introduced(combined(before.builtin, before.pyright, before.text),
                                 combined(after.builtin, after.pyright, after.text), edit)
    return out


def really_an_error(mutation: Mutation, true_found: Found, found: Found, edit: Edit, vocabulary: set[str]) -> bool:
    """The oracle: pyright (every rule) finds a new error anywhere against the true filling;
    without pyright, a new identifier unknown to the package, or a broken syntax."""
    if true_found.pyright is not None and found.pyright is not None:
        return bool(introduced(errors(true_found.pyright), errors(found.pyright), edit, anywhere=True))
    return mutation.kind == "bracket" or (mutation.kind in ("attribute", "name", "wrong_keyword")
                                          and mutation.token not in vocabulary)


def judged(hole: Hole, package: str, mutation: Mutation | None, charged: dict[str, list[Diagnostic]],
           real: bool | None) -> Outcome:
    kind, token, callee = (mutation.kind, mutation.token, mutation.callee) if mutation else ("true", "", "")
    hits = {name: mutation is not None and any(names_the_problem(kind, token, d.message, d.source, callee)
                                               for d in found)
            for name, found in charged.items()}
    return Outcome(package, hole.path, hole.line, kind, token, mutation.text if mutation else hole.expected,
                   {name: [{"source": d.source, "code": d.code, "message": d.message} for d in found]
                    for name, found in charged.items()}, hits, real, callee)


Builtin = Callable[[Path, str], list[Diagnostic]]


class Bench:
    """Checks the variants of one package's holes with both checkers."""

    def __init__(self, package: str, root: Path, builtin: Builtin, pyright: Checker | None,
                 vocabulary: set[str], *, true_only: bool = False) -> None:
        self.package = package
        self.true_only = true_only  # check the true fillings, not their mutations
        self.root = root
        self.check_builtin = builtin
        self.pyright = pyright
        self.vocabulary = vocabulary
        self.timings = Timings()
        self.opened: set[Path] = set()
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="builtin-checker")

    async def found(self, path: Path, text: str) -> Found:
        """Both checkers at once, as the engine runs them (the built-in one on a thread of its
        own while pyright answers)."""
        builtin = asyncio.get_running_loop().run_in_executor(self.thread, self._builtin, path, text)
        try:
            pyright = await self._pyright(path, text)
        finally:
            found = await builtin
        return Found(found, pyright, text)

    def _builtin(self, path: Path, text: str) -> list[Diagnostic]:
        started, cpu = time.perf_counter(), time.thread_time()
        found = self.check_builtin(path, text)
        self.timings.builtin_ms.append((time.perf_counter() - started) * 1000)
        if text.count("\n") >= LARGE_LINES:
            self.timings.builtin_large_ms.append(self.timings.builtin_ms[-1])
        self.timings.builtin_cpu_ms.append((time.thread_time() - cpu) * 1000)
        return found

    async def _pyright(self, path: Path, text: str) -> list[Diagnostic] | None:
        if self.pyright is None:
            return None
        started = time.perf_counter()
        try:
            found = await self.pyright.diagnose(path, text)
        except CheckerError as error:
            self.timings.pyright_failures += 1
            log.warning("%s: pyright did not answer for %s (%s)", self.package, path.name, error)
            return None
        if path in self.opened:
            self.timings.pyright_warm_ms.append((time.perf_counter() - started) * 1000)
        self.opened.add(path)
        return found

    async def run_hole(self, hole: Hole, rng: random.Random) -> list[Outcome]:
        path = self.root / hole.path
        start = cursor_offset(hole.text, hole.line, hole.column)
        prefix_line = hole.text[hole.text.rfind("\n", 0, start) + 1 : start]
        whole = hole.kind == "return" or bool(ANNOTATED_TARGET.match(prefix_line))
        before = await self.found(path, hole.text)

        async def checked(filling: str) -> tuple[Found, dict[str, list[Diagnostic]]]:
            started = time.perf_counter()
            found = await self.found(path, splice(hole.text, start, start, filling))
            charged = verdicts(before, found, Edit.of(hole.text, start, start, filling))
            self.timings.verdict_ms.append((time.perf_counter() - started) * 1000)
            return found, charged

        true_found, true_charged = await checked(hole.expected)
        out = [judged(hole, self.package, None, true_charged, None)]
        if self.true_only:
            return out
        true_text = splice(hole.text, start, start, hole.expected)
        for mutation in mutations(hole.expected, rng, self.vocabulary, whole):
            found, charged = await checked(mutation.text)
            edit = Edit.of(true_text, start, start + len(hole.expected), mutation.text)
            real = really_an_error(mutation, true_found, found, edit, self.vocabulary)
            out.append(judged(hole, self.package, mutation, charged, real))
        return out


def package_vocabulary(root: Path, imports: tuple[str, ...]) -> set[str]:
    """Every identifier written anywhere in the package, and the builtins."""
    words = set(dir(builtins))
    for name in imports:
        for file in (root / name).rglob("*.py"):
            words.update(IDENTIFIER.findall(file.read_text(encoding="utf-8", errors="replace")))
    return words


async def run_package(name: str, limit: int, seed: int, use_pyright: bool, true_only: bool = False,
                      ) -> tuple[list[Outcome], Timings, dict[str, object]]:
    spec = resolved(spec_of(name), WORK)
    root = ensure_package(spec, WORK)
    index = PackageIndex(root, spec.imports)
    holes = sample_holes(mine_holes(index, spec.name), limit, seed)
    analyzer = Analyzer(root)
    pyright = PyrightChecker(root, timeout=PYRIGHT_TIMEOUT_S, start_timeout=PYRIGHT_START_S) if use_pyright else None
    bench = Bench(spec.name, root, lambda path, text: check_text(analyzer, path, text), pyright,
                  package_vocabulary(root, spec.imports), true_only=true_only)
    rng = random.Random(seed)
    outcomes: list[Outcome] = []
    try:
        for number, hole in enumerate(holes, 1):
            outcomes += await bench.run_hole(hole, rng)
            if number % 10 == 0:
                log.info("%s: %d/%d holes", spec.label, number, len(holes))
    finally:
        bench.thread.shutdown()
        if pyright is not None:
            await pyright.aclose()
    info: dict[str, object] = {"package": spec.label, "name": spec.name, "split": split_of(spec.name) or "by hand",
                               "files": len(index.modules), "holes": len(holes)}
    return outcomes, bench.timings, info


# -- the report -----------------------------------------------------------------------------------
def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.1f} %)" if total else "–"


def _stats(values: list[float]) -> dict[str, float | int | None]:
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "n": len(values)}


def summarize(outcomes: list[Outcome], timings: Timings) -> dict[str, object]:
    """Catch per kind (detailed and grouped) and per verdict, false alarms, latency."""
    def counts(kinds: tuple[str, ...]) -> dict[str, int]:
        real = [o for o in outcomes if o.kind in kinds and o.real]
        row = {"applied": sum(o.kind in kinds for o in outcomes), "real": len(real)}
        for name in VERDICTS:
            row[name] = sum(o.hits.get(name, False) for o in real)
        return row

    trues = [o for o in outcomes if o.kind == "true"]
    with_pyright = [o for o in trues if "pyright" in o.charged]
    # misspelled identifiers (unknown to the whole package) that pyright's oracle does not call
    # errors, mostly members of receivers whose type pyright does not know
    unjudged = [o for o in outcomes if o.kind in ("attribute", "name", "wrong_keyword") and o.real is False]
    false_alarms: dict[str, int | None] = {
        name: sum(bool(o.charged.get(name)) for o in (with_pyright if name.startswith("pyright") else trues))
        if trues and (with_pyright or not name.startswith("pyright")) else None
        for name in (*VERDICTS, "pyright_all")
    }
    return {
        "kinds": {kind: counts((kind,)) for kind in KINDS},
        "groups": {group: counts(kinds) for group, kinds in GROUPS.items()},
        "all": counts(KINDS),
        "misspelled_unjudged": {"count": len(unjudged),
                                **{name: sum(o.hits.get(name, False) for o in unjudged) for name in VERDICTS}},
        "true_fillings": len(trues),
        "true_fillings_with_pyright": len(with_pyright),
        "false_alarms": false_alarms,
        "pyright_failures": timings.pyright_failures,
        "latency_ms": {"builtin": _stats(timings.builtin_ms), "builtin_cpu": _stats(timings.builtin_cpu_ms),
                       "builtin_large": _stats(timings.builtin_large_ms),
                       "pyright_warm": _stats(timings.pyright_warm_ms), "verdict": _stats(timings.verdict_ms)},
    }


def _row(label: str, c: dict[str, int]) -> str:
    return (f"| {label} | {c['applied']} | {c['real']} | " + " | ".join(_rate(c[name], c["real"]) for name in VERDICTS)
            + " |")


def markdown(summary: dict[str, object], packages: list[dict[str, object]]) -> str:
    groups, total = summary["groups"], summary["all"]
    assert isinstance(groups, dict) and isinstance(total, dict)
    rows = ["| mistake | applied | real errors | built-in | pyright | combined verdict |",
            "|---|---:|---:|---:|---:|---:|"]
    rows += [_row(group, c) for group, c in groups.items()]
    rows.append(_row("**all**", total))
    alarms, trues = summary["false_alarms"], int(summary["true_fillings"])  # type: ignore[call-overload]
    with_pyright = int(summary["true_fillings_with_pyright"])  # type: ignore[call-overload]
    assert isinstance(alarms, dict)

    def alarm(name: str) -> str:
        count = alarms.get(name)
        return _rate(count, with_pyright if name.startswith("pyright") else trues) if count is not None else "–"

    rows += ["", "| true fillings | built-in | pyright | pyright, every rule | combined verdict |",
             "|---:|---:|---:|---:|---:|",
             f"| {trues} | {alarm('builtin')} | {alarm('pyright')} | {alarm('pyright_all')} | {alarm('combined')} |"]
    unjudged = summary["misspelled_unjudged"]
    assert isinstance(unjudged, dict)
    if unjudged["count"]:
        rows += ["", "| misspelled names pyright does not call errors | built-in | pyright | combined verdict |",
                 "|---:|---:|---:|---:|",
                 f"| {unjudged['count']} | " + " | ".join(_rate(unjudged[name], unjudged["count"]) for name in VERDICTS)
                 + " |"]
    rows += ["", "| package | split | holes | real errors | caught (combined) | false alarms (combined) |",
             "|---|---|---:|---:|---:|---:|"]
    for package in packages:
        s = package["summary"]
        assert isinstance(s, dict)
        p_alarms = s["false_alarms"]
        rows.append(f"| {package['package']} | {package['split']} | {package['holes']} | {s['all']['real']} | "
                    f"{_rate(s['all']['combined'], s['all']['real'])} | "
                    f"{_rate(p_alarms['combined'] or 0, s['true_fillings'])} |")
    latency = summary["latency_ms"]
    assert isinstance(latency, dict)
    rows += ["", "| check of one buffer | p50 ms | p95 ms | checks |", "|---|---:|---:|---:|"]
    for label, key in (("built-in (wall)", "builtin"), ("built-in (CPU)", "builtin_cpu"),
                       (f"built-in, buffers of {LARGE_LINES}+ lines (wall)", "builtin_large"),
                       ("pyright, warm (wall)", "pyright_warm"), ("combined verdict of a filling (wall)", "verdict")):
        stats = latency.get(key, {"p50": None, "p95": None, "n": 0})  # results from before the row
        p50, p95 = stats["p50"], stats["p95"]
        rows.append(f"| {label} | {p50:.1f} | {p95:.1f} | {stats['n']} |" if p50 is not None
                    else f"| {label} | – | – | 0 |")
    failures = summary["pyright_failures"]
    if failures:
        rows.append(f"\npyright did not answer {failures} check(s): those used the built-in verdict.")
    return "\n".join(rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--split", default="tuning", choices=("tuning", "test", "all"),
                        help="the packages of benchmarks/packages.py to run (default: tuning)")
    parser.add_argument("--packages", help="comma-separated packages instead of a split (NAME or NAME==VERSION)")
    parser.add_argument("--holes", type=int, default=30, help="holes per package (default: 30)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-pyright", action="store_true", help="skip pyright (and its oracle)")
    parser.add_argument("--true-only", action="store_true",
                        help="check the true fillings only, not their mutations (the false alarms, fast)")
    parser.add_argument("--out", type=Path, help="results JSON (default: .work/check-results-SPLIT.json)")
    parser.add_argument("--rescore", type=Path, metavar="RESULTS",
                        help="judge the charged diagnostics of an earlier results file again (after a change "
                             "to how a message is matched to a mistake) and print the tables; checks nothing")
    return parser.parse_args(argv)


def rejudged(outcome: Outcome) -> Outcome:
    """``outcome`` with its hits judged again from the diagnostics charged to it."""
    hits = {name: outcome.kind != "true" and any(names_the_problem(outcome.kind, outcome.token, d["message"],
                                                                   d["source"], outcome.callee) for d in found)
            for name, found in outcome.charged.items()}
    return Outcome(**{**asdict(outcome), "hits": hits})


def rescore(results: Path) -> int:
    data = json.loads(results.read_text(encoding="utf-8"))
    outcomes = [rejudged(Outcome(**o)) for o in data["outcomes"]]
    timings = Timings(**data["timings"])
    packages = []
    for package in data["packages"]:
        own = [o for o in outcomes if o.package == package["name"]]
        packages.append({**package, "summary": summarize(own, Timings())})
    print(markdown(summarize(outcomes, timings), packages))
    print(f"\n{len(packages)} packages, {len(outcomes)} checked fillings (judged again from {results.name}; "
          f"checked in {data['elapsed_s'] / 60:.1f} min)")
    return 0


async def run(args: argparse.Namespace,
              package_runner: Callable[..., Awaitable[tuple[list[Outcome], Timings, dict[str, object]]]] = run_package,
              ) -> int:
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    timings = Timings()
    packages: list[dict[str, object]] = []
    out = args.out or WORK / f"check-results-{'custom' if args.packages else args.split}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    for name in selected_packages(args.packages, args.split):
        runner_args = (name, args.holes, args.seed, not args.no_pyright)
        found, package_timings, info = await (package_runner(*runner_args, True) if getattr(args, "true_only", False)
                                              else package_runner(*runner_args))
        outcomes += found
        packages.append({**info, "summary": summarize(found, package_timings)})
        timings.extend(package_timings)
        summary = summarize(outcomes, timings)
        elapsed = time.perf_counter() - started
        out.write_text(json.dumps({"packages": packages, "summary": summary, "elapsed_s": round(elapsed, 1),
                                   "timings": asdict(timings), "outcomes": [asdict(o) for o in outcomes]},
                                  indent=1), encoding="utf-8")
    print(markdown(summarize(outcomes, timings), packages))
    print(f"\n{len(packages)} packages, {len(outcomes)} checked fillings in {(time.perf_counter() - started) / 60:.1f} min")
    log.info("results written to %s (after each package)", out)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    logging.getLogger("pygls").setLevel(logging.WARNING)  # it logs every message body at INFO
    args = parse_args(argv)
    if args.rescore:
        return rescore(args.rescore)
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
