"""The process that answers jedi questions for :mod:`context.jedi_types`, one JSON line each.

    {"id": 1, "root": "...", "path": "...", "text": "...", "line": 0, "column": 4}
    -> {"id": 1, "types": [["pkg.mod.Class", false], ...]}   or   {"id": 1, "error": "..."}

It runs apart from the engine (jedi parses and imports a great deal, and ``ast`` objects must not
be built by two threads of one interpreter at once), at a lower priority, and ends when its input
does.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any

JEDI_KINDS = frozenset({"instance", "class"})


def answer(request: dict[str, Any], projects: dict[str, Any]) -> list[list[object]]:
    import jedi

    root = str(request["root"])
    if root not in projects:
        projects[root] = jedi.Project(root)
    script = jedi.Script(str(request["text"]), path=str(request["path"]), project=projects[root])
    out: list[list[object]] = []
    for name in script.infer(int(request["line"]) + 1, int(request["column"])):
        full_name = name.full_name
        if name.type in JEDI_KINDS and full_name and not name.in_builtin_module():
            found: list[object] = [full_name, name.type == "class"]
            if found not in out:
                out.append(found)
    return out


def main() -> int:
    with contextlib.suppress(OSError):
        os.nice(5)  # the engine's own answers come first
    projects: dict[str, Any] = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        request: object = None
        try:
            request = json.loads(line)
            assert isinstance(request, dict), "not an object"
            reply: dict[str, object] = {"id": request["id"], "types": answer(request, projects)}
        except Exception as error:  # broken code jedi cannot handle: said, not fatal
            reply = {"id": request.get("id") if isinstance(request, dict) else None,
                     "error": f"{type(error).__name__}: {error}"[:300]}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
