"""The offline filler on held-out holes: how often does the ``static`` backend answer, how often
is its answer the true code, and how often would the checker flag what it offers?

    python benchmarks/static_filler.py [--split tuning|test|all] [--packages httpx,rich]
                                       [--holes 25] [--seed 7]

Holes are mined as for the recall benchmark (right-hand sides, return values, call statements;
:mod:`benchmarks.recall_mining`). Each hole is asked twice, as the editor asks: invoked (the
filling is shown with its problems) and automatic (a filling the checker still flags is held
back). Per split, the table gives the holes, the invoked answers, those equal to the true code
(whitespace aside), those the checker flags, those shown on an automatic trigger, and the answers
that are placeholders rather than code (``Any()``, a ``...`` argument).

Tune on ``--split tuning`` only; ``--split test`` is the held-out number.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.packages import selected_packages, split_of  # noqa: E402
from benchmarks.recall_index import PackageIndex  # noqa: E402
from benchmarks.recall_mining import Hole, mine_holes, sample_holes  # noqa: E402
from benchmarks.recall_packages import ensure_package, resolved, spec_of  # noqa: E402
from completion.api import Engine  # noqa: E402
from completion.errors import HolepilotError  # noqa: E402
from completion.model import HoleRequest  # noqa: E402
from completion.settings import Settings  # noqa: E402

log = logging.getLogger("static_filler")
WORK = REPO / "benchmarks" / ".work"
PLACEHOLDER = re.compile(r"(?<!\w)Any\(\)|[(,=]\s*\.\.\.\s*[,)]")


@dataclass
class Tally:
    holes: int = 0
    answered: int = 0
    matched: int = 0
    flagged: int = 0
    shown_automatic: int = 0
    placeholders: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def same_code(answer: str, expected: str) -> bool:
    """Equal but for whitespace."""
    return re.sub(r"\s+", "", answer) == re.sub(r"\s+", "", expected) != ""


def is_placeholder(answer: str) -> bool:
    """``Any()`` or a literal ``...`` passed as an argument: not code worth showing."""
    return bool(PLACEHOLDER.search(answer))


async def score_hole(engine: Engine, root: Path, hole: Hole) -> Tally:
    tally = Tally(holes=1)
    path = str(root / hole.path)
    line, column = hole.line - 1, hole.column - 1
    try:
        invoked = await engine.complete(HoleRequest(path, line, column, text=hole.text, trigger="explicit"))
        automatic = await engine.complete(HoleRequest(path, line, column, text=hole.text, trigger="automatic"))
    except HolepilotError as error:
        log.warning("%s:%d: %s", hole.path, hole.line, error)
        return tally
    if invoked.text.strip():
        tally.answered = 1
        tally.matched = int(same_code(invoked.text, hole.expected))
        tally.flagged = int(not invoked.verified)
        tally.placeholders = int(is_placeholder(invoked.text))
    tally.shown_automatic = int(bool(automatic.text.strip()) and not automatic.held_back_reason)
    return tally


async def run_package(name: str, limit: int, seed: int) -> tuple[Tally, str]:
    spec = resolved(spec_of(name), WORK)
    root = ensure_package(spec, WORK)
    holes = sample_holes(mine_holes(PackageIndex(root, spec.imports), spec.name), limit, seed)
    engine = Engine(root, Settings(backend="static"))
    tally = Tally()
    for hole in holes:
        tally.add(await score_hole(engine, root, hole))
    return tally, split_of(spec.name) or "by hand"


def _share(count: int, total: int) -> str:
    return f"{count} ({100 * count / total:.1f} %)" if total else "–"


def markdown(rows: list[tuple[str, str, Tally]]) -> str:
    out = ["| package | split | holes | answered | true code | flagged | shown (automatic) | placeholders |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    total = Tally()
    for label, split, t in rows:
        total.add(t)
        out.append(f"| {label} | {split} | {t.holes} | {t.answered} | {t.matched} | {t.flagged} | "
                   f"{t.shown_automatic} | {t.placeholders} |")
    out.append(f"| **all** | | {total.holes} | {_share(total.answered, total.holes)} | "
               f"{_share(total.matched, total.answered)} | {_share(total.flagged, total.answered)} | "
               f"{_share(total.shown_automatic, total.holes)} | {total.placeholders} |")
    return "\n".join(out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--split", default="tuning", choices=("tuning", "test", "all"))
    parser.add_argument("--packages", help="comma-separated packages instead of a split")
    parser.add_argument("--holes", type=int, default=25, help="holes per package (default: 25)")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> int:
    rows: list[tuple[str, str, Tally]] = []
    for name in selected_packages(args.packages, args.split):
        tally, split = await run_package(name, args.holes, args.seed)
        rows.append((name, split, tally))
        log.info("%s: %d holes", name, tally.holes)
    print(markdown(rows))
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
