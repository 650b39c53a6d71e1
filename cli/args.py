"""The command line: the parser (whose errors are one line), positions, ranges and the settings
that flags carry, each checked as the settings tree checks it."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import NoReturn

from completion.model import BACKENDS, EDIT_FORMATS, FIM_PROFILES
from completion.settings import Settings, checked_setting, parse_settings
from context.workspace import find_root

POSITION = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+)$")
RANGE = re.compile(r"^(\d+):(\d+)-(\d+):(\d+)$")
ARGUMENT = re.compile(r"^argument (?P<name>[^:]+): ")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Flags that set a setting of the same meaning: flag name -> setting name.
SETTING_FLAGS = {
    "backend": "backend",
    "base_url": "base_url",
    "model": "model",
    "profile": "fim_profile",
    "max_rounds": "max_rounds",
    "budget": "budget_tokens",
    "python": "python",
    "format": "edit_format",
}
DESCRIPTION = (
    "A typed-hole code assistant for Python: what a type checker knows at a hole, fillings "
    "checked against diagnostics, edits by instruction, and diagnostics of files. Positions "
    "are PATH:LINE:COL, 1-based, columns in characters."
)
EPILOG = (
    "exit codes: 0 success, 1 check found errors or doctor a failed check, 2 bad input, "
    "3 the backend or the model failed, 4 bad settings"
)


class UsageError(Exception):
    """A bad argument or request line (exit code 2)."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the command and its help."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {one_line(message)} (see {self.prog} --help)\n")


def one_line(message: str) -> str:
    """argparse's ``argument -n: must be at least 1`` as ``-n must be at least 1``."""
    match = ARGUMENT.match(message)
    if match:
        rest = message[match.end() :]
        message = match["name"] + (" " if rest.startswith("must ") else ": ") + rest
    return " ".join(message.split())


def version() -> str:
    try:
        return metadata.version("holepilot")
    except metadata.PackageNotFoundError:
        return "(not installed: run from a source tree)"


# -- values ------------------------------------------------------------------------------------
def parse_position(spec: str) -> tuple[str, int, int]:
    """``PATH:LINE:COL`` (1-based) as the path and 0-based line and column."""
    match = POSITION.match(spec)
    if match is None:
        raise UsageError(f"position {spec!r} must be PATH:LINE:COL (1-based)")
    line, col = int(match.group("line")), int(match.group("col"))
    if line < 1 or col < 1:
        raise UsageError(f"position {spec!r}: LINE and COL start at 1")
    return match.group("path"), line - 1, col - 1


def parse_range(spec: str) -> tuple[int, int, int, int]:
    """``L1:C1-L2:C2`` (1-based, start before end) as 0-based lines and columns."""
    match = RANGE.match(spec)
    if match is None:
        raise UsageError(f"--range {spec!r} must be L1:C1-L2:C2 (1-based)")
    l1, c1, l2, c2 = (int(g) - 1 for g in match.groups())
    if min(l1, c1, l2, c2) < 0:
        raise UsageError(f"--range {spec!r}: lines and columns start at 1")
    if (l2, c2) < (l1, c1):
        raise UsageError(f"--range {spec!r} ends before it starts")
    return l1, c1, l2, c2


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"must be a whole number, not {text!r}") from None


def setting_flag(name: str, convert: Callable[[str], object] = str) -> Callable[[str], object]:
    """An argparse ``type`` that checks a flag as the setting ``name`` is checked."""

    def check(text: str) -> object:
        try:
            return checked_setting(name, convert(text))
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from error

    return check


def at_least_one(text: str) -> int:
    try:
        number = _whole_number(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def log_level(text: str) -> str:
    level = text.upper()
    if level not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"must be one of {', '.join(LOG_LEVELS)}, not {text!r}")
    return level


# -- what the arguments mean -------------------------------------------------------------------
def settings_of(args: argparse.Namespace) -> tuple[Settings, list[str]]:
    """The settings the flags (checked already) and ``HOLEPILOT_BACKEND`` ask for, and the
    warnings of the environment's value."""
    raw: dict[str, object] = {}
    env_backend = os.environ.get("HOLEPILOT_BACKEND")
    if env_backend:
        raw["backend"] = env_backend
    for flag, name in SETTING_FLAGS.items():
        value = getattr(args, flag, None)
        if value is not None:
            raw[name] = value
    if getattr(args, "pyright", False):
        raw["pyright"] = True
    return parse_settings(raw)


def root_of(args: argparse.Namespace, path: str | None) -> Path:
    if args.root:
        return Path(args.root).resolve()
    return find_root(Path(path).resolve()) if path else Path.cwd()


# -- the parser --------------------------------------------------------------------------------
def _history_options(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--history", nargs="+", metavar="SNAPSHOT",
                       help="earlier versions of the file, oldest first: the recent edits")
    group.add_argument("--git-history", action="store_true",
                       help="use the working-tree diff against HEAD as the recent edits")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--root", help="workspace root (default: nearest pyproject.toml, setup.py or .git)"
    )
    p.add_argument(
        "--python", help="interpreter of the workspace environment (third-party imports)"
    )
    p.add_argument("--budget", type=setting_flag("budget_tokens", _whole_number),
                   help="prompt token budget (128 to 131072)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--backend", choices=BACKENDS)
    p.add_argument("--base-url", dest="base_url")
    p.add_argument("--model")
    p.add_argument("--profile", choices=FIM_PROFILES, help="FIM prompt format")
    p.add_argument("--max-rounds", dest="max_rounds", type=setting_flag("max_rounds", _whole_number),
                   help="error rounds (0 to 5)")
    p.add_argument("--pyright", action="store_true", help="also check with pyright")


def _batch(p: argparse.ArgumentParser) -> None:
    p.add_argument("--batch", metavar="FILE", help="JSONL requests, one a line (- for stdin)")


def build_parser() -> Parser:
    parser = Parser(prog="holepilot", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"holepilot {version()}")
    parser.add_argument(
        "--log-level", type=log_level, default=os.environ.get("HOLEPILOT_LOG", "WARNING"),
        help=f"{', '.join(LOG_LEVELS)} (default: $HOLEPILOT_LOG or WARNING)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = sub.add_parser("context", help="what a type checker knows at a hole, and the prompt")
    p.add_argument("position", nargs="?", help="PATH:LINE:COL")
    _batch(p)
    _common(p)
    p = sub.add_parser("complete", help="fill the hole at PATH:LINE:COL")
    p.add_argument("position", nargs="?", help="PATH:LINE:COL")
    _batch(p)
    p.add_argument("-n", type=at_least_one, default=1, help="number of candidates")
    p.add_argument("--trigger", choices=("automatic", "explicit"), default="explicit",
                   help="automatic: as ghost text while typing, a filling with problems left is "
                   "held back; explicit (default): it is shown with its problems")
    _history_options(p)
    _common(p)
    p = sub.add_parser("edit", help="apply an instruction to a range (inline chat)")
    p.add_argument("path")
    p.add_argument("--range", required=True, help="L1:C1-L2:C2 (1-based)")
    p.add_argument("--instruction", required=True)
    p.add_argument("--format", choices=EDIT_FORMATS, help="answer format: whole file, "
                   "locate and change, search and replace")
    p.add_argument("--write", action="store_true", help="apply the edit to the file")
    _history_options(p)
    _common(p)
    p = sub.add_parser("check", help="diagnostics of a file")
    p.add_argument("path", nargs="?")
    _batch(p)
    _common(p)
    p.add_argument("--no-pyright", action="store_true", help="check with the built-in checker only "
                   "(by default basedpyright joins when installed; --pyright requires it)")
    p = sub.add_parser("next-edit", help="the edits that follow an edit of PATH (the ripple of a "
                       "changed definition), each checked")
    p.add_argument("path", nargs="?", help="the edited file")
    p.add_argument("--previous", metavar="OLD_FILE", help="the file's text before the edit")
    p.add_argument("--max-edits", dest="max_edits", type=at_least_one,
                   help="edits proposed at most; the rest are counted as more (default 200)")
    _batch(p)
    _common(p)
    p = sub.add_parser("doctor", help="check the backend, model, FIM profile, pyright and the index")
    p.add_argument("--no-sample", action="store_true", help="skip the sample completion")
    _common(p)
    p = sub.add_parser("stats", help="suggestions shown, accepted, partially accepted and held "
                       "back, by trigger kind, from the acceptance log")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--log", metavar="FILE", help="the acceptance log to read (default: the one the "
                   "language server writes, under the user cache directory)")
    p = sub.add_parser(
        "serve", add_help=False,
        help="run the language server on stdio, or --tcp HOST:PORT (see holepilot serve --help)",
    )
    p.add_argument("serve_args", nargs=argparse.REMAINDER)
    return parser


def needs_a_target(args: argparse.Namespace, parser: Parser) -> None:
    """context and complete need a position, check and next-edit a path, unless they read a batch."""
    command = args.command
    target = {"context": "position", "complete": "position", "check": "path", "next-edit": "path"}.get(command)
    if target is None or args.batch or getattr(args, target):
        return
    what = "PATH:LINE:COL" if target == "position" else "PATH"
    sub = f"{parser.prog} {command}"
    parser.exit(2, f"{sub}: needs {what} or --batch FILE (usage: {sub} {what} [options] | "
                   f"{sub} --batch FILE [options]; see {sub} --help)\n")
