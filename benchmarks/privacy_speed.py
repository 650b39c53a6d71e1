"""What the privacy filter costs: cold indexing with and without it, and secret masking on
pathological text at two sizes (linear time means the larger takes about twice as long).

    python benchmarks/privacy_speed.py [--modules 300] [--runs 5]

Prints medians over ``--runs``. Goals: the filter (one git call, the credential scan of each
file) adds at most 0.5 ms per indexed file; masking the double-size text within 3x of the single size (no super-linear backtracking).
Exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from context.privacy import PrivacyFilter  # noqa: E402
from context.secrets import has_credential, mask_secrets  # noqa: E402
from context.workspace import Workspace  # noqa: E402

# name -> text of n repetitions
PATHOLOGICAL: dict[str, Callable[[int], str]] = {
    "one long word": lambda n: "a" * (10 * n),
    "repeated keyword": lambda n: "token" * (2 * n),
    "long list of strings": lambda n: "x = [" + '"abcdefg", ' * n + "]",
    "dict of secret-named keys": lambda n: "d = {" + '"api_key": "abcdefgh", ' * n + "}",
    "chained assignment": lambda n: "x = " + "a_" * (2 * n) + ' = "abc"',
}
SIZE = 20_000


class NoPrivacy(PrivacyFilter):
    def private_among(self, paths: object) -> set[Path]:
        return set()

    def is_private(self, path: Path, *, read_content: bool = True) -> bool:
        return False

    def content_is_secret(self, path: Path, text: str | None = None) -> bool:
        return False


def make_package(root: Path, modules: int) -> None:
    """``root/pkg`` with ``modules`` small modules (a class and a factory each)."""
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for i in range(modules):
        (pkg / f"mod{i}.py").write_text(
            f"class Thing{i}:\n    value: int = {i}\n\n\ndef make{i}() -> Thing{i}:\n    return Thing{i}()\n"
        )


def index_seconds(root: Path, privacy: type[PrivacyFilter]) -> float:
    workspace = Workspace(root)
    workspace.privacy = privacy(root)
    started = time.perf_counter()
    list(workspace.all_summaries())
    return time.perf_counter() - started


def mask_seconds(text: str) -> float:
    started = time.perf_counter()
    mask_secrets(text)
    has_credential(text)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=30)
        make_package(root, args.modules)
        (root / ".gitignore").write_text("pkg/mod0.py\n")
        plain = statistics.median(index_seconds(root, NoPrivacy) for _ in range(args.runs))
        guarded = statistics.median(index_seconds(root, PrivacyFilter) for _ in range(args.runs))
    per_file_ms = (guarded - plain) * 1000 / args.modules
    failed |= per_file_ms > 0.5
    print(f"| cold indexing of {args.modules} modules | without filter | with filter | added per file |")
    print("|---|---|---|---|")
    print(f"| median of {args.runs} | {plain * 1000:.0f} ms | {guarded * 1000:.0f} ms | {per_file_ms:.2f} ms |")
    print()
    print(f"| masking | {SIZE:,} repetitions | {2 * SIZE:,} repetitions | ratio |")
    print("|---|---|---|---|")
    for name, make in PATHOLOGICAL.items():
        single = statistics.median(mask_seconds(make(SIZE)) for _ in range(args.runs))
        double = statistics.median(mask_seconds(make(2 * SIZE)) for _ in range(args.runs))
        ratio = double / max(single, 1e-9)
        failed |= ratio > 3.0
        print(f"| {name} | {single * 1000:.1f} ms | {double * 1000:.1f} ms | {ratio:.2f} |")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
