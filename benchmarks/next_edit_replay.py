"""The next-edit replay benchmark: replayed from real commit histories, does holepilot's
deterministic engine (the ripple of an edited definition, repeated edits) propose the place the
author edited next?

    .venv/bin/python benchmarks/next_edit_replay.py                      # this repository's history
    .venv/bin/python benchmarks/next_edit_replay.py --repo ../other --commits 20

Each commit's Python diff (modified files; ``git log -p -U0``) is split into hunks in file order
(files as git lists them, hunks top to bottom). For k = 1, 2, …, the first k hunks are applied as
the edit history — each hunk one step, its file before and after it — and the files are written
in that state into a copy of the repository at the commit's parent; the engine is asked as a
front end asks it after the k-th hunk (``Engine.next_edits`` with the file's new text; the text
before comes from the history; static backend, no model). A case is a **hit at n** when one of
the first n proposed edits touches the lines of hunk k+1 (for a pure insertion: the line before
or after it) in its file as it stands.

Reported: the cases, how many got any proposal, hit@1 and hit@3 over all cases and over the
cases with a proposal, and the answer time per request (the workspace indexed first, as the
language server does; every request is timed). Commits are read with ``git`` (read-only: ``log``,
``show``, ``archive``, ``diff``); the copy lives in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from completion.api import Engine
from completion.history import EditHistory
from completion.next_edits import NextEditsRequest
from completion.settings import Settings
from context.ripple_model import RippleEdit

log = logging.getLogger("benchmarks.next_edit_replay")
HERE = Path(__file__).resolve().parents[1]
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
STEP_SECONDS = 60.0  # history steps this far apart never coalesce into one


class ReplayError(Exception):
    """A repository the replay cannot read."""


@dataclass(frozen=True)
class Hunk:
    """One hunk of a file's diff: 0-based line ranges, ``[start, start + count)``, in the parent's
    text (``old``) and the commit's (``new``); a count of 0 is an insertion before ``start``."""

    path: str  # relative to the repository
    old_start: int
    old_count: int
    new_start: int
    new_count: int

    @classmethod
    def parse(cls, path: str, header: str) -> Hunk | None:
        match = HUNK.match(header)
        if match is None:
            return None
        a, b, c, d = match.groups()
        old_count, new_count = int(b if b is not None else 1), int(d if d is not None else 1)
        old_start = int(a) - 1 if old_count else int(a)
        new_start = int(c) - 1 if new_count else int(c)
        return cls(path, old_start, old_count, new_start, new_count)


@dataclass
class Commit:
    sha: str
    parent: str
    hunks: list[Hunk] = field(default_factory=list)

    def files(self) -> list[str]:
        return list(dict.fromkeys(h.path for h in self.hunks))


@dataclass
class Case:
    commit: str
    k: int  # hunks applied
    proposed: int = 0
    hit_at: int | None = None  # 1-based rank of the first proposal on the next hunk
    elapsed_ms: float = 0.0


# -- reading the history ----------------------------------------------------------------------------
def git(repo: Path, *args: str) -> bytes:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReplayError(f"git {args[0]} failed in {repo}: {message[-1] if message else done.returncode}")
    return done.stdout


def check_repository(repo: Path) -> Path:
    if not repo.is_dir():
        raise ReplayError(f"{repo} is not a directory")
    try:
        top = git(repo, "rev-parse", "--show-toplevel").decode().strip()
    except (ReplayError, OSError) as error:
        raise ReplayError(f"{repo} is not a git repository ({error})") from None
    return Path(top)


def parse_log(text: str) -> list[Commit]:
    """Commits of ``git log -p -U0 --format='commit %H %P'`` output, hunks in file order."""
    commits: list[Commit] = []
    path: str | None = None
    for line in text.split("\n"):
        if line.startswith("commit "):
            parts = line.split()
            commits.append(Commit(parts[1], parts[2] if len(parts) > 2 else ""))
            path = None
        elif line.startswith("diff --git "):
            path = None
        elif line.startswith("+++ "):
            target = line[4:]
            path = target[2:] if target.startswith("b/") else None
        elif line.startswith("@@") and commits and path is not None and path.endswith(".py"):
            hunk = Hunk.parse(path, line)
            if hunk is not None:
                commits[-1].hunks.append(hunk)
    return commits


def read_commits(repo: Path, limit: int, scan: int) -> list[Commit]:
    """The ``limit`` newest commits (of the ``scan`` newest) with a parent and at least two
    hunks in modified Python files, oldest first."""
    raw = git(repo, "log", "-p", "-U0", "--no-merges", "--no-renames", "--diff-filter=M", "--no-color",
              "--no-ext-diff", "--format=commit %H %P", f"-n{scan}", "--", "*.py")
    found = [c for c in parse_log(raw.decode("utf-8", "replace")) if c.parent and len(c.hunks) >= 2]
    return list(reversed(found[:limit]))


def show(repo: Path, rev: str, path: str) -> str | None:
    try:
        return git(repo, "show", f"{rev}:{path}").decode("utf-8")
    except (ReplayError, UnicodeDecodeError):
        return None


# -- file states ---------------------------------------------------------------------------------------
def states(old: str, new: str, hunks: list[Hunk]) -> list[str]:
    """The file's text after its first j hunks, j = 0 … len(hunks)."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out = [old]
    for h in hunks:
        out.append("".join(new_lines[: h.new_start + h.new_count] + old_lines[h.old_start + h.old_count :]))
    return out


def target_lines(hunk: Hunk) -> tuple[int, int]:
    """The lines (0-based, inclusive) of a hunk in its file once the hunks above it are applied."""
    if hunk.old_count == 0:
        return max(0, hunk.new_start - 1), hunk.new_start
    return hunk.new_start, hunk.new_start + hunk.old_count - 1


def rank_of_hit(edits: tuple[RippleEdit, ...], path: Path, lines: tuple[int, int]) -> int | None:
    low, high = lines
    for rank, edit in enumerate(edits, 1):
        if Path(edit.path) == path and edit.span.start_line <= high and edit.span.end_line >= low:
            return rank
    return None


# -- the workspace copy ----------------------------------------------------------------------------------
class Checkout:
    """A copy of the repository's Python files at one revision, moved from revision to revision
    by writing the files that differ (every write gets a new modification time, so caches keyed
    by file stamps see it)."""

    def __init__(self, repo: Path, root: Path) -> None:
        self.repo = repo
        self.root = root
        self.rev: str | None = None
        self._clock = time.time_ns()

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self._clock += 1_000_000
        os.utime(path, ns=(self._clock, self._clock))
        return path

    def move_to(self, rev: str) -> None:
        if self.rev is None:
            archive = git(self.repo, "archive", "--format=tar", rev, "--", "*.py")
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(self.root, filter="data")
            (self.root / "pyproject.toml").touch()
        elif self.rev != rev:
            changed = git(self.repo, "diff", "--name-status", "--no-renames", self.rev, rev, "--", "*.py")
            for line in changed.decode("utf-8", "replace").splitlines():
                status, _, relative = line.partition("\t")
                if status.startswith("D"):
                    (self.root / relative).unlink(missing_ok=True)
                    continue
                text = show(self.repo, rev, relative)
                if text is not None:
                    self.write(relative, text)
        self.rev = rev


# -- the replay ------------------------------------------------------------------------------------------
async def replay_commit(engine: Engine, checkout: Checkout, commit: Commit, per_commit: int) -> list[Case]:
    """The cases of one commit: after each of its first hunks, is the next one proposed?"""
    checkout.move_to(commit.parent)
    by_file: dict[str, list[str]] = {}
    for relative in commit.files():
        old, new = show(checkout.repo, commit.parent, relative), show(checkout.repo, commit.sha, relative)
        if old is None or new is None:
            return []
        by_file[relative] = states(old, new, [h for h in commit.hunks if h.path == relative])
    history = EditHistory(max_steps=engine.settings.history_max_steps)
    engine.use_history(history)
    done: dict[str, int] = {}  # hunks of each file applied
    cases: list[Case] = []
    try:
        for k, hunk in enumerate(commit.hunks[:-1], 1):
            if k > per_commit:
                break
            j = done.get(hunk.path, 0)
            before, after = by_file[hunk.path][j], by_file[hunk.path][j + 1]
            done[hunk.path] = j + 1
            path = checkout.write(hunk.path, after).resolve()
            history.record(str(path), before, after, now=k * STEP_SECONDS)
            started = time.perf_counter()
            report = await engine.next_edits(NextEditsRequest(str(path), text=after))
            case = Case(commit.sha[:10], k, len(report.edits), elapsed_ms=(time.perf_counter() - started) * 1000)
            following = commit.hunks[k]
            case.hit_at = rank_of_hit(report.edits, (checkout.root / following.path).resolve(), target_lines(following))
            cases.append(case)
    finally:
        for relative, texts in by_file.items():
            if done.get(relative):
                checkout.write(relative, texts[0])
    return cases


async def replay(repo: Path, commits: list[Commit], per_commit: int) -> list[Case]:
    cases: list[Case] = []
    with tempfile.TemporaryDirectory(prefix="replay-") as tmp:
        checkout = Checkout(repo, Path(tmp).resolve())
        engine = Engine(checkout.root, Settings(backend="static"))
        try:
            for i, commit in enumerate(commits):
                checkout.move_to(commit.parent)
                if i == 0:  # as the language server does when it starts; not timed
                    await engine.index_workspace_async()
                found = await replay_commit(engine, checkout, commit, per_commit)
                log.info("%s: %d hunks, %d cases, %d hits at 3", commit.sha[:10], len(commit.hunks), len(found),
                         sum(1 for c in found if c.hit_at is not None and c.hit_at <= 3))
                cases += found
        finally:
            await engine.aclose()
    return cases


# -- the report ------------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def summary(cases: list[Case]) -> dict[str, float | int | None]:
    proposed = [c for c in cases if c.proposed]
    times = [c.elapsed_ms for c in cases]

    def share(chosen: list[Case], n: int) -> float | None:
        return sum(1 for c in chosen if c.hit_at is not None and c.hit_at <= n) / len(chosen) if chosen else None

    return {
        "commits": len({c.commit for c in cases}),
        "cases": len(cases),
        "proposed": len(proposed),
        "hit@1": share(cases, 1),
        "hit@3": share(cases, 3),
        "hit@3 proposed": share(proposed, 3),
        "p50_ms": statistics.median(times) if times else None,
        "p95_ms": percentile(times, 0.95),
    }


def _fmt(value: float | int | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    return str(value) if isinstance(value, int) else f"{value:.{digits}f}"


def table(label: str, cases: list[Case]) -> str:
    s = summary(cases)
    return "\n".join([
        "| history | commits | cases | with a proposal | hit@1 | hit@3 | hit@3 of proposed | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {label} | {s['commits']} | {s['cases']} | {s['proposed']} | {_fmt(s['hit@1'])} | {_fmt(s['hit@3'])} | "
        f"{_fmt(s['hit@3 proposed'])} | {_fmt(s['p50_ms'], 0)} | {_fmt(s['p95_ms'], 0)} |",
    ])


def iter_lines(cases: list[Case]) -> Iterator[str]:
    for c in cases:
        yield f"{c.commit} k={c.k} proposed={c.proposed} hit_at={c.hit_at} {c.elapsed_ms:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--repo", type=Path, default=HERE, help="a local git repository (default: this one)")
    parser.add_argument("--commits", type=int, default=30, help="the newest commits replayed")
    parser.add_argument("--scan", type=int, default=500, help="newest commits searched for ones to replay")
    parser.add_argument("--per-commit", type=int, default=10, help="cases per commit (its first hunks)")
    parser.add_argument("--cases", action="store_true", help="also print every case")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for noisy in ("completion", "context"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        repo = check_repository(args.repo.resolve())
        commits = read_commits(repo, args.commits, args.scan)
    except (ReplayError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not commits:
        print(f"error: no commit of {repo} has two hunks in modified Python files", file=sys.stderr)
        return 2
    try:
        cases = asyncio.run(replay(repo, commits, args.per_commit))
    except (ReplayError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.cases:
        for line in iter_lines(cases):
            print(line)
    print(table(repo.name, cases))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
