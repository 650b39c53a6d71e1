"""One function per subcommand; each builds the engine, calls its facade and prints the result.
Errors are raised (:class:`~cli.args.UsageError`, the context and completion error trees) for
:func:`cli.main.main` to turn into one line and an exit code."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from cli.args import UsageError, parse_position, parse_range, root_of, settings_of
from cli.batch import JsonObject, checked_path, hole_request, next_edit_fields, run_batch
from cli.output import (
    check_json,
    checkers_line,
    completion_json,
    diagnostic_line,
    edit_json,
    error_count,
    next_edits_json,
    pretty_json,
    write_completion,
    write_context,
    write_next_edits,
)
from completion.acceptance import acceptance_stats, stats_table
from completion.api import Engine
from completion.check import Checked
from completion.doctor import format_report, run_doctor
from completion.history import EditHistory
from completion.jsonio import context_json
from completion.model import EditRequest, HoleRequest
from completion.next_edits import NextEditsReport, NextEditsRequest
from completion.settings import Settings
from context.workspace import read_source

Answer = Callable[[Engine, JsonObject], Awaitable[JsonObject]]  # one line of a batch


def _settings(args: argparse.Namespace) -> Settings:
    settings, warnings = settings_of(args)
    for warning in warnings:
        print(f"holepilot: warning: {warning}", file=sys.stderr)
    return settings


def _batch(args: argparse.Namespace, answer: Answer) -> int:
    """``--batch``: every line answered by ``answer(engine, line)``, one engine for all."""
    engine = Engine(root_of(args, None), _settings(args))

    async def run() -> None:
        try:
            await run_batch(args.batch, functools.partial(answer, engine), sys.stdout)
        finally:
            await engine.aclose()

    asyncio.run(run())
    return 0


def _use_history(engine: Engine, args: argparse.Namespace, path: str) -> None:
    """``--history`` snapshot files (oldest first, the file itself last) or ``--git-history``
    (the working-tree diff against HEAD) become the engine's edit history."""
    resolved = Path(path).resolve()
    if args.history:
        current = read_source(resolved)
        engine.use_history(EditHistory.from_snapshots(args.history, path=str(resolved), current=current))
    elif args.git_history:
        if not resolved.is_relative_to(engine.root):
            raise UsageError(f"--git-history: {path} is outside the workspace {engine.root}")
        engine.use_history(EditHistory.from_git_diff(engine.root, resolved.relative_to(engine.root)))


# -- one line of a batch ----------------------------------------------------------------------
async def context_line(engine: Engine, line: JsonObject) -> JsonObject:
    return context_json(await engine.context_async(hole_request(line)))


async def completion_line(engine: Engine, line: JsonObject) -> JsonObject:
    return completion_json(await engine.complete(hole_request(line)))


async def check_line(engine: Engine, line: JsonObject, pyright: bool | None = None) -> JsonObject:
    path, text = checked_path(line)
    started = time.perf_counter()
    checked = await engine.check_file(path, text, pyright=pyright)
    return check_json(path, checked, (time.perf_counter() - started) * 1000)


# -- the subcommands ---------------------------------------------------------------------------
def context(args: argparse.Namespace) -> int:
    if args.batch:
        return _batch(args, context_line)
    path, line, column = parse_position(args.position)
    engine = Engine(root_of(args, path), _settings(args))
    report = engine.context(HoleRequest(path, line, column))
    engine.save_index()  # the next cold start reads the summaries back
    if args.json:
        sys.stdout.write(pretty_json(context_json(report)))
    else:
        write_context(report, sys.stdout)
    return 0


def complete(args: argparse.Namespace) -> int:
    if args.batch:
        return _batch(args, completion_line)
    path, line, column = parse_position(args.position)
    engine = Engine(root_of(args, path), _settings(args))
    _use_history(engine, args, path)

    async def run() -> None:
        try:
            request = HoleRequest(path, line, column, trigger=args.trigger)
            report = await engine.complete(request, n=args.n)
        finally:
            await engine.aclose()
        if args.json:
            sys.stdout.write(pretty_json(completion_json(report)))
            return
        write_completion(report, sys.stdout, sys.stderr)

    asyncio.run(run())
    return 0


def edit(args: argparse.Namespace) -> int:
    start_line, start_column, end_line, end_column = parse_range(args.range)
    request = EditRequest(
        args.path, start_line, start_column, end_line, end_column, args.instruction,
        format=args.format,
    )
    engine = Engine(root_of(args, args.path), _settings(args))
    _use_history(engine, args, args.path)

    async def run() -> int:
        try:
            report = await engine.edit(request)
        finally:
            await engine.aclose()
        if report.note and report.new_text == report.old_text:
            print(f"holepilot: {report.note}", file=sys.stderr)
            return 3  # asked for an edit, and there can be none
        sys.stdout.write(pretty_json(edit_json(report)) if args.json else report.diff)
        if args.write and report.new_text != report.old_text:
            try:
                Path(args.path).write_text(report.new_text, encoding="utf-8")
            except OSError as error:
                raise UsageError(f"cannot write {args.path}: {error.strerror}") from error
            print(f"holepilot: wrote {args.path}", file=sys.stderr)
        return 0

    return asyncio.run(run())


def _pyright_choice(args: argparse.Namespace) -> bool | None:
    """``check``'s basedpyright: required (--pyright), left out (--no-pyright), or used when
    installed (neither)."""
    if args.pyright and args.no_pyright:
        raise UsageError("--pyright and --no-pyright exclude each other")
    return True if args.pyright else False if args.no_pyright else None


def check(args: argparse.Namespace) -> int:
    choice = _pyright_choice(args)
    if args.batch:
        said: set[str] = set()

        async def line_of(engine: Engine, line: JsonObject) -> JsonObject:
            result = await check_line(engine, line, choice)
            not_run = result.get("not_run")
            for name, reason in not_run.items() if isinstance(not_run, dict) else ():
                if name not in said:  # said once, not on every line
                    said.add(name)
                    print(f"holepilot: {name} did not run: {reason}", file=sys.stderr)
            return result

        return _batch(args, line_of)
    engine = Engine(root_of(args, args.path), _settings(args))

    async def run() -> Checked:
        try:
            return await engine.check_file(args.path, pyright=choice)
        finally:
            await engine.aclose()

    started = time.perf_counter()
    checked = asyncio.run(run())
    if args.json:
        elapsed_ms = (time.perf_counter() - started) * 1000
        sys.stdout.write(pretty_json(check_json(args.path, checked, elapsed_ms)))
        if len(checked.checkers) < len(checked.runs):
            print(checkers_line(checked), file=sys.stderr)
    else:
        for d in checked.diagnostics:
            print(diagnostic_line(args.path, d))
        print(checkers_line(checked), file=sys.stderr)
    return 1 if error_count(checked.diagnostics) else 0


def _shown_paths(root: Path, relative: bool) -> Callable[[str], str]:
    """How ``next-edit`` names files: relative to the root when the request's path was
    relative (and the file lies inside it), else absolute."""

    def shown(path: str) -> str:
        resolved = Path(path)
        return resolved.relative_to(root).as_posix() if relative and resolved.is_relative_to(root) else path

    return shown


async def _next_edits(engine: Engine, path: str, text: str | None, previous: str,
                      max_edits: int | None) -> NextEditsReport:
    request = NextEditsRequest(path, text=text, previous=previous)
    if max_edits is not None:
        request = dataclasses.replace(request, max_edits=max_edits)
    return await engine.next_edits_to_show(request)


async def next_edit_line(engine: Engine, line: JsonObject, max_edits: int | None = None) -> JsonObject:
    path, text, previous = next_edit_fields(line)
    started = time.perf_counter()
    report = await _next_edits(engine, path, text, previous, max_edits)
    shown = _shown_paths(engine.root, not Path(path).is_absolute())
    return next_edits_json(path, report, shown, (time.perf_counter() - started) * 1000)


def next_edit(args: argparse.Namespace) -> int:
    if args.batch:
        if args.previous:
            raise UsageError("--previous is for one file; a --batch line carries its own 'previous'")
        return _batch(args, functools.partial(next_edit_line, max_edits=args.max_edits))
    if not args.previous:
        raise UsageError(f"next-edit {args.path} needs --previous OLD_FILE, the file before the edit")
    read_source(Path(args.path))  # one clear line when it cannot be read
    previous = read_source(Path(args.previous))
    engine = Engine(root_of(args, args.path), _settings(args))
    started = time.perf_counter()

    async def run() -> NextEditsReport:
        try:  # the file is read from disk, and read again if it changes meanwhile
            return await _next_edits(engine, str(Path(args.path).resolve()), None, previous, args.max_edits)
        finally:
            await engine.aclose()

    report = asyncio.run(run())
    shown = _shown_paths(Path.cwd().resolve(), not Path(args.path).is_absolute())
    if args.json:
        elapsed_ms = (time.perf_counter() - started) * 1000
        sys.stdout.write(pretty_json(next_edits_json(args.path, report, shown, elapsed_ms)))
    else:
        write_next_edits(report, shown, sys.stdout, sys.stderr)
    return 0


def doctor(args: argparse.Namespace) -> int:
    settings, warnings = settings_of(args)
    engine = Engine(root_of(args, None), settings)

    async def run() -> bool:
        try:
            report = await run_doctor(engine, sample=not args.no_sample, warnings=warnings)
        finally:
            await engine.aclose()
        sys.stdout.write(pretty_json(report.to_json()) if args.json else format_report(report))
        return report.ok

    return 0 if asyncio.run(run()) else 1


def stats(args: argparse.Namespace) -> int:
    """The sums of the acceptance log (the default log may not exist yet: all zeros)."""
    path = Path(args.log) if args.log else None
    if path is not None and not path.is_file():
        raise UsageError(f"no acceptance log at {args.log}")
    try:
        summary = acceptance_stats(path)
    except OSError as error:
        raise UsageError(f"cannot read the acceptance log {args.log or ''}: {error.strerror or error}") from error
    sys.stdout.write(pretty_json(summary.to_json()) if args.json else stats_table(summary) + "\n")
    return 0


def serve(args: argparse.Namespace) -> int:
    raise UsageError("the language server starts from the holepilot command: holepilot serve")


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "context": context,
    "complete": complete,
    "edit": edit,
    "check": check,
    "next-edit": next_edit,
    "doctor": doctor,
    "stats": stats,
    "serve": serve,
}
