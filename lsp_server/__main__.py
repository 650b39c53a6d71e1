"""``python -m lsp_server [--tcp HOST:PORT] ...``: the language server, ``serve`` by default."""

from __future__ import annotations

import sys

from completion.tokens import warm_up_in_background

# The tokenizer's tables load while pygls and the engine are imported (a third of a second).
warm_up_in_background()

from lsp_server.main import main  # noqa: E402


def _argv(args: list[str]) -> list[str]:
    if not args or args[0].startswith("-"):
        return ["serve", *args]
    return args


if __name__ == "__main__":
    sys.exit(main(_argv(sys.argv[1:])))
