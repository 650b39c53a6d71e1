"""The ripple benchmark: after an edit at a definition, does holepilot propose the edits every
other place needs — all of them, only them, exactly right — and fast?

    .venv/bin/python benchmarks/ripple.py --split tuning            # prints a table
    .venv/bin/python benchmarks/ripple.py --packages rich,httpx --per-package 4 --out results.json

For each package (see :mod:`benchmarks.packages`; the same tuning/test split as the recall
benchmark), functions and methods that are called from *another* module (by the oracle) are
drawn with a fixed seed; at each one four edits are made (:mod:`benchmarks.ripple_cases`):
rename it, add a parameter, remove a parameter, rename a parameter. The engine is asked, as a
front end asks it, with the file's old and new text (``Engine.next_edits``, static backend); its
proposed edits are mapped to *sites* (the identifier an edit renames, the call an edit adds an
argument to or removes one from) and scored against the true sites of the oracle
(:mod:`benchmarks.ripple_oracle`: jedi's goto on every occurrence, never holepilot's finder).

Scores, micro-averaged over the cases of an edit kind: site **recall** and **precision**
(undecided sites, where jedi lands nowhere, count neither way); **exact**: the share of cases
whose every file, once the proposals are applied, has the syntax tree expected (for renames,
removals and renamed keywords); **parse**: the share of cases whose edited files all parse;
**p50/p95**: the engine's answer time per edit, warm (the first request of a package is left
out). jedi's ``rename`` (renames) and ``get_references`` (calls to edit) are measured on the
same edits in the same run.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import logging
import random
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.packages import selected_packages, split_of
from benchmarks.recall_packages import ensure_package, resolved, spec_of
from benchmarks.ripple_cases import (
    SUFFIX,
    ArgumentRemover,
    Function,
    Offsets,
    Param,
    Renamer,
    add_parameter,
    callee_position,
    dump,
    functions_of,
    remove_parameter,
    rename,
    rename_parameter,
)
from benchmarks.ripple_oracle import JediOracle, Site, Source, Truth, renamed_sites
from completion.api import Engine
from completion.next_edits import NextEditsRequest
from completion.settings import Settings
from context.positions import common_head, common_tail, utf16_to_code_points
from context.ripple_model import RippleEdit, apply_edits

log = logging.getLogger("benchmarks.ripple")
WORK = Path(__file__).resolve().parent / ".work"
KINDS = ("rename", "add", "remove", "keyword")
EXACT_KINDS = ("rename", "remove", "keyword")
MAX_OCCURRENCES = 100  # names written more often are not drawn (jedi would take minutes a name)


@dataclass(frozen=True)
class Setup:
    """How a case was made: the edited file's new text, the parameter it changed, and for a
    removal the index of the argument to remove at each true call site (-1: by keyword)."""

    edited: str
    param: Param | None = None
    removals: dict[Site, int] = field(default_factory=dict)


@dataclass
class Case:
    package: str
    kind: str
    function: str
    relative: str
    sites: list[Site]
    undecided: list[Site]
    proposed: list[Site] = field(default_factory=list)
    exact: bool | None = None
    parses: bool = True
    elapsed_ms: float = 0.0
    edits: int = 0
    holes: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # the engine's steps (ripple, fill, total)
    jedi_proposed: list[Site] | None = None
    jedi_exact: bool | None = None
    jedi_parses: bool = True
    jedi_ms: float | None = None

    def counts(self, proposed: list[Site]) -> tuple[int, int, int]:
        """(true positives, false positives, false negatives)."""
        truth, unsure, mine = set(self.sites), set(self.undecided), set(proposed)
        return len(mine & truth), len(mine - truth - unsure), len(truth - mine)


# -- one package ----------------------------------------------------------------------------------
def package_sources(root: Path, imports: tuple[str, ...]) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for name in imports:
        for path in sorted((root / name).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            source = Source.read(path.resolve(), relative)
            if source is not None:
                out[relative] = source
    return out


def candidates(sources: dict[str, Source], seed: int) -> list[Function]:
    """Functions whose name is written, called, in another module; in a seeded random order."""
    found: list[Function] = []
    for relative, source in sources.items():
        for fn in functions_of(source.path, relative, source.text):
            pattern = re.compile(rf"\b{re.escape(fn.name)}\s*\(")
            total = sum(len(re.findall(rf"\b{re.escape(fn.name)}\b", s.text)) for s in sources.values())
            if total > MAX_OCCURRENCES:
                continue
            if any(pattern.search(s.text) for r, s in sources.items() if r != relative):
                found.append(fn)
    random.Random(seed).shuffle(found)
    return found


def calls_passing(truth: Truth, param: Param, fn: Function) -> dict[Site, int]:
    """Call sites passing ``param``: the index of its positional argument, -1 by keyword."""
    out: dict[Site, int] = {}
    for site, call in truth.calls.items():
        if param.name in call.keywords:
            out[site] = -1
            continue
        position = param.index - (fn.implicit if call.bound else 0)
        if param.kind == "pos" and not call.starred and 0 <= position < call.positional:
            out[site] = position
    return out


def spread_calls(truth: Truth) -> set[Site]:
    return {s for s, c in truth.calls.items() if c.spread}


def keyword_sites(truth: Truth, sources: dict[str, Source], name: str) -> set[Site]:
    """Positions of ``name=`` in the true calls."""
    return _keywords_at(sources, [s for s, call in truth.calls.items() if name in call.keywords], name)


def undecided_keywords(truth: Truth, sources: dict[str, Source], name: str) -> set[Site]:
    """Positions of ``name=`` in the calls whose callee is undecided: whether the keyword must
    change is as undecided as the call."""
    return _keywords_at(sources, sorted(truth.undecided), name)


def _keywords_at(sources: dict[str, Source], callees: list[Site], name: str) -> set[Site]:
    out: set[Site] = set()
    for site in callees:
        source = sources[site.relative]
        for node in _calls_at(source, site):
            for keyword in node.keywords:
                if keyword.arg == name:
                    out.add(Site(site.relative, *source.offsets.position(source.offsets.start(keyword))))
    return out


def _calls_at(source: Source, site: Site) -> list[ast.Call]:
    return [n for n in ast.walk(source.tree) if isinstance(n, ast.Call)
            and callee_position(n, source.offsets) == (site.line, site.column)]


def choose_parameter(fn: Function, truth: Truth, for_keyword: bool) -> Param | None:
    own = [p for p in fn.params if p.index >= fn.implicit and p.kind in (("pos", "kwonly") if for_keyword else ("pos",))]
    if not own:
        return None
    def passed(p: Param) -> int:
        if for_keyword:
            return sum(1 for c in truth.calls.values() if p.name in c.keywords)
        return len(calls_passing(truth, p, fn))
    return max(reversed(own), key=passed)


# -- mapping proposals to sites --------------------------------------------------------------------
class Mapper:
    """Proposed edits (offsets of the current texts) to sites of the old texts."""

    def __init__(self, sources: dict[str, Source], root: Path, relative: str, old: str, new: str) -> None:
        self.sources = sources
        self.root = root
        self.relative = relative
        head = common_head(old, new)
        tail = common_tail(old, new, min(len(old), len(new)) - head)
        self.head, self.old_end, self.new_end = head, len(old) - tail, len(new) - tail
        self.new_offsets = Offsets(new)

    def old_offset(self, relative: str, line: int, character: int) -> int | None:
        if relative != self.relative:
            return self.sources[relative].offsets.starts[line] + character
        offset = self.new_offsets.starts[line] + character
        if offset < self.head:
            return offset
        if offset >= self.new_end:
            return offset - (self.new_end - self.old_end)
        return None

    def site(self, edit: dict[str, Any], kind: str) -> Site | None:
        relative = Path(edit["path"]).relative_to(self.root).as_posix()
        start = edit["range"]["start"]
        line_text = (self.new_offsets if relative == self.relative else self.sources[relative].offsets).lines.lines[start["line"]]
        column = utf16_to_code_points(line_text, start["character"])
        offset = self.old_offset(relative, start["line"], column)
        if offset is None:
            return None
        source = self.sources[relative]
        if kind in ("rename", "keyword"):
            return Site(relative, *source.offsets.position(offset))
        return self.call_of(source, offset)

    def call_of(self, source: Source, offset: int) -> Site | None:
        best: tuple[int, ast.Call] | None = None
        for node in ast.walk(source.tree):
            if isinstance(node, ast.Call):
                start = source.offsets.end(node.func)
                end = source.offsets.end(node)  # just after its ")": an edit right after an inner call is not in it
                if start <= offset < end and (best is None or start > best[0]):
                    best = (start, node)
        if best is None:
            return None
        at = callee_position(best[1], source.offsets)
        return Site(source.relative, *at) if at else None


def new_position(mapper: Mapper, site: Site) -> tuple[int, int]:
    """A site of the edited file's old text, in its new text."""
    offset = mapper.sources[site.relative].offsets.starts[site.line] + site.column
    if offset >= mapper.old_end:
        offset += mapper.new_end - mapper.old_end
    return mapper.new_offsets.position(offset)


# -- the runner --------------------------------------------------------------------------------------
class PackageRun:
    """The cases of one package: ``root`` holds its import packages ``imports``."""

    def __init__(self, label: str, root: Path, imports: tuple[str, ...], per_package: int, seed: int,
                 jedi_baseline: bool, index_first: bool = False) -> None:
        self.label = label
        self.root = root.resolve()
        self.sources = package_sources(self.root, imports)
        self.oracle = JediOracle(self.root, self.sources)
        self.per_package = per_package
        self.seed = seed
        self.jedi_baseline = jedi_baseline
        self.index_first = index_first
        self.cases: list[Case] = []
        self.first_ms: float | None = None

    def run(self) -> list[Case]:
        engine = Engine(self.root, Settings(backend="static"))
        if self.index_first:  # as a language server does when it starts
            asyncio.run(engine.index_workspace_async())
        try:
            accepted = 0
            for fn in candidates(self.sources, self.seed):
                if accepted >= self.per_package:
                    break
                truth = self.oracle.truth(fn)
                if truth.calls_elsewhere(fn.relative) == 0:
                    continue
                accepted += 1
                log.info("%s: %s (%d sites)", self.label, fn.qualname, len(truth.references))
                for kind in KINDS:
                    made = self.case(kind, fn, truth)
                    if made is not None:
                        case, setup = made
                        asyncio.run(self.ask(engine, case, fn, setup))
                        if self.jedi_baseline:
                            self.jedi(case, fn, truth, setup)
                        self.cases.append(case)
        finally:
            asyncio.run(engine.aclose())
        return self.cases

    def case(self, kind: str, fn: Function, truth: Truth) -> tuple[Case, Setup] | None:
        def made(setup: Setup, sites: set[Site], undecided: set[Site]) -> tuple[Case, Setup]:
            case = Case(self.label, kind, fn.qualname, fn.relative, sorted(sites), sorted(undecided))
            return case, setup

        text = self.sources[fn.relative].text
        if kind == "rename":
            return made(Setup(rename(text, fn)), truth.references, truth.undecided)
        if kind == "add":
            added = add_parameter(text, fn)
            if added is None:
                return None
            spread = spread_calls(truth)
            return made(Setup(added[0]), set(truth.calls) - spread, truth.undecided | spread)
        param = choose_parameter(fn, truth, for_keyword=kind == "keyword")
        if param is None:
            return None
        if kind == "remove":
            passing = calls_passing(truth, param, fn)
            unsure = {s for s in spread_calls(truth) if s not in passing}
            return made(Setup(remove_parameter(text, fn, param), param, passing), set(passing),
                        truth.undecided | unsure)
        uses, unsure = self.oracle.body_uses(fn, param)
        sites = keyword_sites(truth, self.sources, param.name) | uses
        unsure |= undecided_keywords(truth, self.sources, param.name)
        return made(Setup(rename_parameter(text, param), param), sites, unsure | truth.undecided)

    async def ask(self, engine: Engine, case: Case, fn: Function, setup: Setup) -> None:
        old = self.sources[fn.relative].text
        started = time.perf_counter()
        report = await engine.next_edits(NextEditsRequest(str(fn.path), text=setup.edited, previous=old))
        case.elapsed_ms = (time.perf_counter() - started) * 1000
        case.timings = {k: round(v, 1) for k, v in report.timings.items()}
        if self.first_ms is None:
            self.first_ms = case.elapsed_ms
        edits = [e for e in report.to_json()["edits"] if e["kind"] not in ("repeat", "predicted")]
        case.edits, case.holes = len(edits), len(report.holes)
        mapper = Mapper(self.sources, self.root, fn.relative, old, setup.edited)
        case.proposed = sorted({s for e in edits if (s := mapper.site(e, case.kind)) is not None})
        texts = self.apply(fn, report.edits, setup)
        case.parses = all(dump(t) is not None for t in texts.values())
        if case.kind in EXACT_KINDS:
            # An edit at an undecided site may be right or wrong: it is left out of the verdict.
            unsure = set(case.undecided)
            decided = tuple(e for e, j in zip(report.edits, report.to_json()["edits"], strict=True)
                            if mapper.site(j, case.kind) not in unsure)
            case.exact = self.exact(case, fn, mapper, self.apply(fn, decided, setup), setup)

    def apply(self, fn: Function, edits: tuple[RippleEdit, ...], setup: Setup) -> dict[str, str]:
        """Every edited file's text once the proposals are applied (relative path → text)."""
        by_file: dict[str, list[RippleEdit]] = {}
        for e in edits:
            by_file.setdefault(Path(e.path).relative_to(self.root).as_posix(), []).append(e)
        by_file.setdefault(fn.relative, [])
        return {rel: apply_edits(setup.edited if rel == fn.relative else self.sources[rel].text, es)
                for rel, es in by_file.items()}

    def expected(self, case: Case, fn: Function, mapper: Mapper, relative: str, sites: set[Site],
                 setup: Setup) -> str | None:
        """The syntax tree a file must have: its tree transformed at the true sites."""
        edited = relative == fn.relative
        text = setup.edited if edited else self.sources[relative].text
        positions = {new_position(mapper, s) if edited else (s.line, s.column) for s in sites if s.relative == relative}
        tree = ast.parse(text)
        if case.kind == "rename":
            tree = Renamer(text, positions, fn.name, fn.name + SUFFIX).visit(tree)
        else:
            assert setup.param is not None
            if case.kind == "keyword":
                tree = Renamer(text, positions, setup.param.name, setup.param.name + SUFFIX).visit(tree)
            else:
                calls = {new_position(mapper, s) if edited else (s.line, s.column): setup.removals.get(s, -1)
                         for s in sites if s.relative == relative}
                tree = ArgumentRemover(text, calls, setup.param.name).visit(tree)
        return ast.dump(tree)

    def exact(self, case: Case, fn: Function, mapper: Mapper, texts: dict[str, str], setup: Setup) -> bool:
        """Whether every file has the expected tree: the proposals applied (those at decided
        sites, and those at no site at all) against the true sites transformed."""
        sites = set(case.sites)
        files = {s.relative for s in sites} | set(texts)
        for relative in files:
            actual = texts.get(relative, setup.edited if relative == fn.relative else self.sources[relative].text)
            if dump(actual) != self.expected(case, fn, mapper, relative, sites, setup):
                return False
        return True

    # -- jedi ---------------------------------------------------------------------------------------
    def jedi(self, case: Case, fn: Function, truth: Truth, setup: Setup) -> None:
        """jedi's answer to the same edit: ``rename`` for renames, ``get_references`` (its
        calls) for added and removed parameters."""
        if case.kind in ("rename", "keyword"):
            param = setup.param
            old_name = param.name if param is not None and case.kind == "keyword" else fn.name
            line, column = (param.line, param.column) if param is not None and case.kind == "keyword" else (
                fn.line, fn.column)
            changed, case.jedi_ms = self.oracle.rename(fn.relative, line, column, old_name + SUFFIX)
            found: set[Site] = set()
            for relative, new in changed.items():
                if relative in self.sources:
                    found |= renamed_sites(self.sources[relative].text, new, relative, old_name)
            found.discard(Site(fn.relative, line, column))
            case.jedi_proposed = sorted(found)
            case.jedi_parses = all(dump(t) is not None for t in changed.values())
            case.jedi_exact = self.jedi_exact(case, changed, found | {Site(fn.relative, line, column)}, old_name)
            return
        references, case.jedi_ms = self.oracle.references(fn)
        calls = {s for s in references if s in truth.calls or self._is_callee(s)}
        if case.kind == "remove":
            calls = {s for s in calls if s not in truth.calls or s in setup.removals}
        case.jedi_proposed = sorted(calls)

    def _is_callee(self, site: Site) -> bool:
        source = self.sources.get(site.relative)
        return source is not None and bool(_calls_at(source, site))

    def jedi_exact(self, case: Case, changed: dict[str, str], found: set[Site], old_name: str) -> bool:
        sites = set(case.sites) | (set(case.undecided) & found)
        definition = {s for s in found if s not in case.sites and s not in case.undecided}
        files = {s.relative for s in sites} | set(changed)
        for relative in files:
            source = self.sources.get(relative)
            if source is None:
                return False
            positions = {(s.line, s.column) for s in sites | definition if s.relative == relative}
            tree = Renamer(source.text, positions, old_name, old_name + SUFFIX).visit(ast.parse(source.text))
            if dump(changed.get(relative, source.text)) != ast.dump(tree):
                return False
        return True


# -- the report -----------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def scores(cases: list[Case], jedi: bool) -> dict[str, float | int | None]:
    tp = fp = fn = 0
    exact: list[bool] = []
    parses: list[bool] = []
    times: list[float] = []
    for case in cases:
        proposed = case.jedi_proposed if jedi else case.proposed
        if proposed is None:
            continue
        t, f, n = case.counts(proposed)
        tp, fp, fn = tp + t, fp + f, fn + n
        verdict = case.jedi_exact if jedi else case.exact
        if verdict is not None:
            exact.append(verdict)
        parses.append(case.jedi_parses if jedi else case.parses)
        ms = case.jedi_ms if jedi else case.elapsed_ms
        if ms is not None:
            times.append(ms)
    return {
        "cases": len(parses),
        "sites": tp + fn,
        "recall": tp / (tp + fn) if tp + fn else None,
        "precision": tp / (tp + fp) if tp + fp else None,
        "exact": sum(exact) / len(exact) if exact else None,
        "parse": sum(parses) / len(parses) if parses else None,
        "p50_ms": statistics.median(times) if times else None,
        "p95_ms": percentile(times, 0.95) if times else None,
    }


def _fmt(value: float | int | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    return str(value) if isinstance(value, int) else f"{value:.{digits}f}"


def table(cases: list[Case], warm: list[Case]) -> str:
    lines = ["| method | edit | cases | sites | recall | precision | exact | parse | p50 ms | p95 ms |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for method, jedi in (("holepilot", False), ("jedi", True)):
        for kind in (*KINDS, "all"):
            chosen = [c for c in cases if kind == "all" or c.kind == kind]
            timed = [c for c in warm if kind == "all" or c.kind == kind]
            s = scores(chosen, jedi)
            if s["cases"] == 0:
                continue
            t = scores(timed, jedi)
            lines.append(f"| {method} | {kind} | {s['cases']} | {s['sites']} | {_fmt(s['recall'])} | "
                         f"{_fmt(s['precision'])} | {_fmt(s['exact'])} | {_fmt(s['parse'])} | "
                         f"{_fmt(t['p50_ms'], 0)} | {_fmt(t['p95_ms'], 0)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--split", default="tuning", choices=("tuning", "test", "all"))
    parser.add_argument("--packages", help="comma-separated names (NAME==VERSION pins any pure-Python wheel)")
    parser.add_argument("--per-package", type=int, default=6, help="definitions drawn per package")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--no-jedi", action="store_true", help="skip the jedi baseline")
    parser.add_argument("--index-first", action="store_true",
                        help="index the workspace before the first request, as the language server does")
    parser.add_argument("--out", type=Path, help="JSON results (per case: only for tuning packages)")
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for noisy in ("completion", "context", "parso", "jedi"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    cases: list[Case] = []
    warm: list[Case] = []
    firsts: dict[str, float | None] = {}
    for name in selected_packages(args.packages, args.split):
        spec = resolved(spec_of(name), args.work)  # a hand-pinned package's real import names
        root = ensure_package(spec, args.work)
        run = PackageRun(spec.label, root, spec.imports, args.per_package, args.seed, not args.no_jedi,
                         args.index_first)
        found = run.run()
        cases += found
        warm += found[1:]
        firsts[run.label] = run.first_ms
        print(f"{run.label}: {len(found)} cases, first answer {_fmt(run.first_ms, 0)} ms", file=sys.stderr)
        if args.out:  # after each package: a long run interrupted keeps what it measured
            write_results(args.out, args.split, args.seed, cases, firsts)
    print(table(cases, warm))
    return 0


def write_results(out: Path, split: str, seed: int, cases: list[Case], firsts: dict[str, float | None]) -> None:
    """The scores as JSON, with every case of the tuning packages (never those of the test set)."""
    data: dict[str, Any] = {"split": split, "seed": seed, "first_ms": firsts,
                            "holepilot": {k: scores([c for c in cases if c.kind == k], False) for k in KINDS},
                            "jedi": {k: scores([c for c in cases if c.kind == k], True) for k in KINDS}}
    data["cases"] = [asdict(c) for c in cases if split_of(c.package.rsplit("-", 1)[0]) != "test"]
    out.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
