"""The headless CLI: ``holepilot context | complete | edit | check | doctor``.

Positions are ``PATH:LINE:COL``, 1-based like compiler messages, columns in characters.
Exit codes: 0 success, 1 ``check`` found errors, 2 bad input, 3 backend failure, 4 bad settings.
Bad input gets one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from completion import jsonio
from completion.api import Engine
from completion.doctor import format_report, run_doctor
from completion.errors import ConfigError, HolepilotError
from completion.history import EditHistory
from completion.model import EditRequest, HoleRequest
from completion.settings import BACKENDS, EDIT_FORMATS, FIM_PROFILES, Settings, parse_settings
from context.errors import ContextError
from context.workspace import find_root

log = logging.getLogger(__name__)
POSITION = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+)$")
RANGE = re.compile(r"^(\d+):(\d+)-(\d+):(\d+)$")


class UsageError(Exception):
    """A bad argument or request line."""


def parse_position(spec: str) -> tuple[str, int, int]:
    match = POSITION.match(spec)
    if match is None:
        raise UsageError(f"position {spec!r} must be PATH:LINE:COL (1-based)")
    line, col = int(match.group("line")), int(match.group("col"))
    if line < 1 or col < 1:
        raise UsageError(f"position {spec!r}: LINE and COL start at 1")
    return match.group("path"), line - 1, col - 1


def _settings(args: argparse.Namespace) -> Settings:
    settings, warnings = _parsed_settings(args)
    for warning in warnings:
        print(f"holepilot: warning: {warning}", file=sys.stderr)
    return settings


def _parsed_settings(args: argparse.Namespace) -> tuple[Settings, list[str]]:
    raw: dict[str, Any] = {}
    env_backend = os.environ.get("HOLEPILOT_BACKEND")
    if env_backend:
        raw["backend"] = env_backend
    for key in (
        "backend",
        "base_url",
        "model",
        "profile",
        "max_rounds",
        "budget",
        "python",
        "format",
    ):
        value = getattr(args, key, None)
        if value is not None:
            raw[
                {"profile": "fim_profile", "budget": "budget_tokens", "format": "edit_format"}.get(
                    key, key
                )
            ] = value
    if getattr(args, "pyright", False):
        raw["pyright"] = True
    return parse_settings(raw)


def _root(args: argparse.Namespace, path: str | None) -> Path:
    if args.root:
        return Path(args.root).resolve()
    return find_root(Path(path).resolve()) if path else Path.cwd()


def _print_context(report: Any, out: TextIO) -> None:
    h = report.hole
    out.write(f"hole {Path(h.path).name}:{h.line + 1}:{h.column + 1} ({h.hole_kind})\n")
    out.write(
        f"expected type: {h.expected_type or 'unknown'}"
        + (f"  ({h.expected_type_source})" if h.expected_type_source else "")
        + "\n"
    )
    if h.call:
        out.write(f"call: {h.call.signature}  [parameter {h.call.active_name}]\n")
    if h.receiver:
        out.write(f"receiver: {h.receiver}: {h.receiver_type or 'unknown'}\n")
    sections = [
        ("typing context", [f"{b.name}: {b.type or '?'}  ({b.kind})" for b in h.typing_context]),
        ("relevant types", [d.text for d in h.relevant_types]),
        ("relevant headers", [f"{d.text}    # fit {d.score}" for d in h.relevant_headers]),
        ("receiver members", [d.text for d in h.receiver_members]),
        ("definitions used nearby", [d.text for d in h.cross_file]),
    ]
    for title, items in sections:
        if items:
            out.write(f"\n== {title}\n" + "\n".join(items) + "\n")
    out.write(
        f"\n== prompt ({report.prompt_tokens}/{report.budget} tokens, {report.elapsed_ms:.1f} ms)\n"
    )
    out.write(report.prompt + "\n")


# -- batch -------------------------------------------------------------------------------------
def _batch_lines(source: str) -> Iterator[tuple[int, str]]:
    stream = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
    try:
        for number, line in enumerate(stream, 1):
            if line.strip():
                yield number, line
    finally:
        if stream is not sys.stdin:
            stream.close()


def _hole_request(obj: Any, default_budget: int | None) -> HoleRequest:
    if not isinstance(obj, dict) or "path" not in obj:
        raise UsageError("each line must be a JSON object with at least 'path'")
    try:
        line, column = int(obj.get("line", 1)), int(obj.get("column", 1))
    except (TypeError, ValueError) as error:
        raise UsageError("'line' and 'column' must be numbers") from error
    if line < 1 or column < 1:
        raise UsageError("'line' and 'column' start at 1")
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        raise UsageError("'text' must be a string")
    budget = obj.get("budget", default_budget)
    return HoleRequest(
        str(obj["path"]), line - 1, column - 1, text, int(budget) if budget else None
    )


def _jsonl(result: dict[str, Any]) -> str:
    """One JSON line, ASCII only: line separators inside strings (U+2028, form feeds) stay escaped
    so that every consumer splits lines where we do."""
    return json.dumps(result, ensure_ascii=True) + "\n"


def _run_batch(source: str, handle: Callable[[Any], dict[str, Any]]) -> int:
    for number, line in _batch_lines(source):
        try:
            result = handle(json.loads(line))
        except json.JSONDecodeError as error:
            result = {"error": f"line {number}: invalid JSON ({error.msg})"}
        except (UsageError, ContextError, HolepilotError) as error:
            result = {"error": f"line {number}: {error}"}
        sys.stdout.write(_jsonl(result))
        sys.stdout.flush()
    return 0


# -- commands ----------------------------------------------------------------------------------
def cmd_context(args: argparse.Namespace) -> int:
    if args.batch:
        engine = Engine(_root(args, None), _settings(args))
        status = _run_batch(
            args.batch,
            lambda obj: jsonio.context_json(engine.context(_hole_request(obj, args.budget))),
        )
        engine.analyzer.workspace.disk.save()
        return status
    path, line, col = parse_position(args.position)
    engine = Engine(_root(args, path), _settings(args))
    report = engine.context(HoleRequest(path, line, col, None, args.budget))
    engine.analyzer.workspace.disk.save()  # the next cold start reads the summaries back
    if args.json:
        print(json.dumps(jsonio.context_json(report), ensure_ascii=False, indent=1))
    else:
        _print_context(report, sys.stdout)
    return 0


def _load_history(engine: Engine, args: argparse.Namespace, path: str) -> None:
    """``--history`` snapshot files (oldest first, the file itself last) or ``--git-history``
    (the working-tree diff against HEAD) become the engine's edit history."""
    resolved = Path(path).resolve()
    if args.history:
        history = EditHistory.from_snapshots(args.history, path=str(resolved),
                                             current=resolved.read_text(encoding="utf-8"))
    elif args.git_history:
        history = EditHistory.from_git_diff(engine.root, resolved.relative_to(engine.root))
    else:
        return
    history.root = engine.root
    engine.history = history


def cmd_complete(args: argparse.Namespace) -> int:
    async def run() -> int:
        if args.batch:
            engine = Engine(_root(args, None), _settings(args))
            try:
                for number, raw in _batch_lines(args.batch):
                    try:
                        report = await engine.complete(_hole_request(json.loads(raw), args.budget))
                        result: dict[str, Any] = jsonio.completion_json(report)
                    except json.JSONDecodeError as error:
                        result = {"error": f"line {number}: invalid JSON ({error.msg})"}
                    except (UsageError, ContextError, HolepilotError) as error:
                        result = {"error": f"line {number}: {error}"}
                    sys.stdout.write(_jsonl(result))
                    sys.stdout.flush()
            finally:
                await engine.aclose()
            return 0
        hole_path, line, col = parse_position(args.position)
        engine = Engine(_root(args, hole_path), _settings(args))
        _load_history(engine, args, hole_path)
        try:
            report = await engine.complete(
                HoleRequest(hole_path, line, col, None, args.budget), n=args.n
            )
        finally:
            await engine.aclose()
        if args.json:
            print(json.dumps(jsonio.completion_json(report), ensure_ascii=False, indent=1))
        else:
            print(report.text)
            for d in report.diagnostics:
                print(f"holepilot: note: the filling still has: {d.message}", file=sys.stderr)
        return 0

    return asyncio.run(run())


def cmd_edit(args: argparse.Namespace) -> int:
    match = RANGE.match(args.range)
    if match is None:
        raise UsageError(f"--range {args.range!r} must be L1:C1-L2:C2 (1-based)")
    l1, c1, l2, c2 = (int(g) - 1 for g in match.groups())
    if min(l1, c1, l2, c2) < 0:
        raise UsageError("--range lines and columns start at 1")

    async def run() -> int:
        engine = Engine(_root(args, args.path), _settings(args))
        _load_history(engine, args, args.path)
        try:
            report = await engine.edit(
                EditRequest(args.path, l1, c1, l2, c2, args.instruction, None, args.format)
            )
        finally:
            await engine.aclose()
        if args.json:
            print(json.dumps(jsonio.edit_json(report), ensure_ascii=False, indent=1))
        else:
            sys.stdout.write(report.diff or "")
        if args.write and report.new_text != report.old_text:
            Path(args.path).write_text(report.new_text, encoding="utf-8")
            print(f"holepilot: wrote {args.path}", file=sys.stderr)
        return 0

    return asyncio.run(run())


def cmd_check(args: argparse.Namespace) -> int:
    def one(path: str, text: str | None, engine: Engine) -> dict[str, Any]:
        started = time.perf_counter()
        diagnostics = engine.check(path, text)
        return {
            "path": path,
            "diagnostics": [d.to_json() for d in diagnostics],
            "errors": sum(d.severity == "error" for d in diagnostics),
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    if args.batch:
        engine = Engine(_root(args, None), _settings(args))

        def handle(obj: Any) -> dict[str, Any]:
            if not isinstance(obj, dict) or "path" not in obj:
                raise UsageError("each line must be a JSON object with at least 'path'")
            return one(str(obj["path"]), obj.get("text"), engine)

        return _run_batch(args.batch, handle)
    engine = Engine(_root(args, args.path), _settings(args))
    result = one(args.path, None, engine)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for d in result["diagnostics"]:
            print(
                f"{args.path}:{d['line']}:{d['column']}: {d['severity']}: {d['message']} [{d['source']}]"
            )
    return 1 if result["errors"] else 0


def cmd_doctor(args: argparse.Namespace) -> int:
    settings, warnings = _parsed_settings(args)

    async def run() -> int:
        engine = Engine(_root(args, None), settings)
        try:
            report = await run_doctor(engine, sample=not args.no_sample, warnings=warnings)
        finally:
            await engine.aclose()
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        else:
            sys.stdout.write(format_report(report))
        return 0 if report.ok else 1

    return asyncio.run(run())


def _history_options(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--history", nargs="+", metavar="SNAPSHOT",
                       help="earlier versions of the file, oldest first: the recent edits")
    group.add_argument("--git-history", action="store_true",
                       help="use the working-tree diff against HEAD as the recent edits")


def _common(p: argparse.ArgumentParser, *, model: bool = True) -> None:
    p.add_argument(
        "--root", help="workspace root (default: nearest pyproject.toml, setup.py or .git)"
    )
    p.add_argument(
        "--python", help="interpreter of the workspace environment (third-party imports)"
    )
    p.add_argument("--budget", type=int, help="prompt token budget")
    p.add_argument("--json", action="store_true", help="print JSON")
    if model:
        p.add_argument("--backend", choices=BACKENDS)
        p.add_argument("--base-url", dest="base_url")
        p.add_argument("--model")
        p.add_argument("--profile", choices=FIM_PROFILES, help="FIM prompt format")
        p.add_argument("--max-rounds", dest="max_rounds", type=int)
        p.add_argument("--pyright", action="store_true", help="also check with pyright")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="holepilot", description=__doc__.split("\n")[0])
    parser.add_argument("--log-level", default=os.environ.get("HOLEPILOT_LOG", "WARNING"))
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("context", help="what a type checker knows at a hole, and the prompt")
    p.add_argument("position", nargs="?", help="PATH:LINE:COL")
    p.add_argument("--batch", help="JSONL requests (- for stdin)")
    _common(p)
    p.set_defaults(func=cmd_context)
    p = sub.add_parser("complete", help="fill the hole at PATH:LINE:COL")
    p.add_argument("position", nargs="?", help="PATH:LINE:COL")
    p.add_argument("--batch", help="JSONL requests (- for stdin)")
    p.add_argument("-n", type=int, default=1, help="number of candidates")
    _history_options(p)
    _common(p)
    p.set_defaults(func=cmd_complete)
    p = sub.add_parser("edit", help="apply an instruction to a range (inline chat)")
    p.add_argument("path")
    p.add_argument("--range", required=True, help="L1:C1-L2:C2 (1-based)")
    p.add_argument("--instruction", required=True)
    p.add_argument("--format", choices=EDIT_FORMATS)
    p.add_argument("--write", action="store_true", help="apply the edit to the file")
    _history_options(p)
    _common(p)
    p.set_defaults(func=cmd_edit)
    p = sub.add_parser("check", help="diagnostics of a file")
    p.add_argument("path", nargs="?")
    p.add_argument("--batch", help="JSONL requests (- for stdin)")
    _common(p)
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("doctor", help="check the backend, model, FIM profile, pyright and the index")
    p.add_argument("--no-sample", action="store_true", help="skip the sample completion")
    _common(p)
    p.set_defaults(func=cmd_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="holepilot %(levelname)s %(name)s: %(message)s",
    )
    if args.command in ("context", "complete") and not args.batch and not args.position:
        parser.error(f"{args.command} needs PATH:LINE:COL or --batch FILE")
    if args.command == "check" and not args.batch and not args.path:
        parser.error("check needs PATH or --batch FILE")
    try:
        return int(args.func(args))
    except (UsageError, ContextError, HolepilotError) as error:
        label, code = _exit_for(error)
        print(f"holepilot: {label}{error}", file=sys.stderr)
        return code
    except KeyboardInterrupt:
        return 130


def _exit_for(error: Exception) -> tuple[str, int]:
    """The stderr label and exit code of an error: 2 bad input, 3 backend, 4 settings."""
    if isinstance(error, ConfigError):
        return "configuration: ", 4
    if isinstance(error, UsageError | ContextError):
        return "", 2
    return "", 3


if __name__ == "__main__":
    sys.exit(main())
