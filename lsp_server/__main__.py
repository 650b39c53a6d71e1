"""``python -m lsp_server [--tcp HOST:PORT] ...``: the language server, ``serve`` by default."""

from __future__ import annotations

import sys

from lsp_server.main import main


def _argv(args: list[str]) -> list[str]:
    if not args or args[0].startswith("-"):
        return ["serve", *args]
    return args


if __name__ == "__main__":
    sys.exit(main(_argv(sys.argv[1:])))
