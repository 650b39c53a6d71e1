"""The unbudgeted diagnostic row counts every definition an answer lists."""

from __future__ import annotations

import json

from benchmarks.recall_holepilot import parse_answer
from benchmarks.recall_index import Definition
from benchmarks.recall_scoring import hits


def test_surfaced_holds_the_member_blocks_of_classes_used_nearby() -> None:
    answer = {
        "prompt": "p",
        "nearby_members": [
            {"name": "pkg.readers.Reader", "kind": "members",
             "text": "# self.reader: Reader\nclass Reader:\n    def expect(self, token: str) -> bool: ..."},
        ],
    }
    surfaced = parse_answer(json.dumps(answer)).surfaced
    assert hits(surfaced, [Definition("pkg/readers.py", "Reader.expect", 7, "method")]) == [True]
