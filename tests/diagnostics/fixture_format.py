"""Expectations written in fixture files, in the style of jedi's test files.

A comment line ``#! <source>[@<column>]: <message fragment>`` says the next code line must have a
problem from that check whose message contains the fragment (starting at that 0-based code-point
column when given). ``#! ok`` says the next code line must have none. Several ``#!`` lines may
stack above one code line. Any problem on a line without an expectation is a failure too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXPECTATION = re.compile(r"^\s*#!\s*(?:(ok)|(\w+)(?:@(\d+))?:\s*(.+?))\s*$")


@dataclass(frozen=True)
class Expected:
    line: int  # 0-based line of the code the comment is above
    source: str | None  # None: no problem allowed
    column: int | None
    fragment: str


def parse_expectations(text: str) -> list[Expected]:
    pending: list[tuple[str | None, int | None, str]] = []
    out: list[Expected] = []
    for index, line in enumerate(text.split("\n")):
        match = EXPECTATION.match(line)
        if match:
            ok, source, column, fragment = match.groups()
            pending.append((None, None, "") if ok else (source, int(column) if column else None, fragment))
            continue
        if pending and line.strip():
            out.extend(Expected(index, s, c, f) for s, c, f in pending)
            pending = []
    return out
