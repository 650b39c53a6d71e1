"""The CLI's entry: parse the arguments, run the subcommand, and turn every error into one
line on stderr and an exit code (2 bad input, 3 the backend or the model failed, 4 bad
settings); never a traceback."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from cli.args import UsageError, build_parser, needs_a_target
from completion.errors import ConfigError, HolepilotError
from context.errors import ContextError


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        needs_a_target(args, parser)
    except SystemExit as stop:  # --help, --version, or a bad argument already said in one line
        return stop.code if isinstance(stop.code, int) else 0
    logging.basicConfig(
        level=args.log_level,
        stream=sys.stderr,
        format="holepilot %(levelname)s %(name)s: %(message)s",
    )
    from cli.commands import COMMANDS  # the engine loads once the arguments are good

    try:
        return COMMANDS[args.command](args)
    except (UsageError, ContextError, HolepilotError) as error:
        label, code = exit_for(error)
        message = " ".join(str(error).split("\n"))
        print(f"holepilot: {label}{message}", file=sys.stderr)
        return code
    except KeyboardInterrupt:
        return 130


def exit_for(error: Exception) -> tuple[str, int]:
    """The stderr label and exit code of an error: 2 bad input, 3 backend or model, 4 settings."""
    if isinstance(error, ConfigError):
        return "configuration: ", 4
    if isinstance(error, UsageError | ContextError):
        return "", 2
    return "", 3
