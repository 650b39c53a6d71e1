"""The language server with every file it opens recorded: ``python -m tests.fuzz.record_opens
[serve options]`` appends each opened path to the file named by ``HOLEPILOT_OPENED_LOG``.

A Python audit hook sees every ``open`` of the process (``open()``, ``io.open``, ``os.open``,
``Path.read_*``), whichever library does it; the fuzz test checks the record against the
folders the server may read.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

RECORD_ENV = "HOLEPILOT_OPENED_LOG"


def record_opens(path: str) -> None:
    record = open(path, "a", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    lock = threading.Lock()

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event != "open" or not isinstance(args[0], str | bytes | os.PathLike):
            return  # an already open descriptor
        name = os.path.abspath(os.fsdecode(args[0]))
        with lock:
            record.write(name.replace("\n", "\\n") + "\n")
            record.flush()

    sys.addaudithook(hook)


def main() -> int:
    record_opens(os.environ[RECORD_ENV])
    from lsp_server.main import main as holepilot

    return holepilot(["serve", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
