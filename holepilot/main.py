"""``holepilot serve`` runs the language server, every other subcommand the CLI. Each front end
is imported only when it runs: the CLI starts without loading the LSP stack."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["serve"]:
        from lsp_server.main import serve

        return serve(args[1:])
    from cli.main import main as cli_main

    return cli_main(args)
