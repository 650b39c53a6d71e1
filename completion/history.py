"""The edit history of a workspace: recent changes, rendered as compact diffs or snapshots.

Every buffer change is recorded as ``(path, old_text, new_text)``. Continuous typing in the
same region of the same file (no pause longer than ``pause_s``) coalesces into one step, so
one step reads like one intention ("renamed a parameter", "wrote a loop"). Steps of all
files are kept in time order, bounded by ``max_steps`` and by ``max_bytes`` of text.

Two views feed the prompts: :meth:`EditHistory.render_diffs` (unified diffs within a token
budget, for FIM context) and :meth:`EditHistory.steps_for` (whole-file snapshots, for the
history messages of a CursorCore conversation).
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path

from completion.tokens import count_tokens
from context.positions import common_head, common_tail
from context.workspace import read_source

logger = logging.getLogger(__name__)

DEFAULT_PAUSE_S = 2.0
DEFAULT_MAX_BYTES = 2_000_000
NEAR_LINES = 2  # an edit this close to the previous one counts as the same region
GIT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class EditStep:
    """One step: ``path`` went from ``old_text`` to ``new_text`` between two instants."""

    path: str
    old_text: str
    new_text: str
    started: float
    updated: float

    @cached_property
    def size(self) -> int:
        """Bytes of text the step holds (computed once: trimming runs on every keystroke)."""
        return len(self.old_text.encode("utf-8", "surrogatepass")) + len(
            self.new_text.encode("utf-8", "surrogatepass")
        )


def changed_lines(old_text: str, new_text: str) -> tuple[int, int, int]:
    """``(start, old_end, new_end)``: lines ``old[start:old_end]`` became
    ``new[start:new_end]`` once the common leading and trailing lines are set aside."""
    # Lines are counted from the common head and tail of the two texts, found by comparing
    # characters in C: a keystroke in a 50 000-line file costs well under a millisecond.
    head = common_head(old_text, new_text)
    start = old_text.count("\n", 0, head)
    if _ends_line(old_text, head) and _ends_line(new_text, head):
        start += 1
    old_lines, new_lines = old_text.count("\n") + 1, new_text.count("\n") + 1
    start = min(start, old_lines, new_lines)
    back = common_tail(old_text, new_text)
    a, b = len(old_text) - back, len(new_text) - back
    tail = old_text.count("\n", a)
    if (a == 0 or old_text[a - 1] == "\n") and (b == 0 or new_text[b - 1] == "\n"):
        tail += 1
    tail = min(tail, min(old_lines, new_lines) - start)
    return start, old_lines - tail, new_lines - tail


def _ends_line(text: str, at: int) -> bool:
    return at == len(text) or text[at] == "\n"


def unified_diff(path: str, old_text: str, new_text: str, context: int = 1) -> str:
    """A compact unified diff (``context`` lines around each change), without a final newline."""
    lines = difflib.unified_diff(
        old_text.split("\n"),
        new_text.split("\n"),
        f"a/{path}",
        f"b/{path}",
        n=context,
        lineterm="",
    )
    return "\n".join(lines)


class EditHistory:
    """Recent edits of one workspace, oldest first."""

    def __init__(
        self,
        max_steps: int = 20,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        pause_s: float = DEFAULT_PAUSE_S,
        root: str | os.PathLike[str] | None = None,
    ) -> None:
        self.max_steps = max_steps
        self.max_bytes = max_bytes
        self.pause_s = pause_s
        self.root = Path(root) if root is not None else None
        self._steps: list[EditStep] = []

    @property
    def steps(self) -> tuple[EditStep, ...]:
        return tuple(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    def record(self, path: str, old_text: str, new_text: str, now: float | None = None) -> None:
        """Record one change; ``now`` is a monotonic time in seconds (default: the clock)."""
        if old_text == new_text or self.max_steps <= 0:
            return
        now = time.monotonic() if now is None else now
        last = self._steps[-1] if self._steps else None
        if last is not None and self._continues(last, path, old_text, new_text, now):
            self._steps.pop()
            if last.old_text != new_text:  # typing that undid itself leaves no step
                self._steps.append(EditStep(path, last.old_text, new_text, last.started, now))
        else:
            self._steps.append(EditStep(path, old_text, new_text, now, now))
        self._trim()

    def _continues(
        self, last: EditStep, path: str, old_text: str, new_text: str, now: float
    ) -> bool:
        """Whether this change is more of the same typing as the last step."""
        if last.path != path or last.new_text != old_text or now - last.updated > self.pause_s:
            return False
        start, old_end, _ = changed_lines(old_text, new_text)
        region_start, _, region_end = changed_lines(last.old_text, last.new_text)
        return start <= region_end + NEAR_LINES and old_end >= region_start - NEAR_LINES

    def _trim(self) -> None:
        excess = len(self._steps) - self.max_steps
        if excess > 0:
            del self._steps[:excess]
        total = sum(step.size for step in self._steps)
        while self._steps and total > self.max_bytes:
            total -= self._steps.pop(0).size

    def display_path(self, path: str) -> str:
        """``path`` relative to the root when it lies inside it, with forward slashes."""
        if self.root is not None:
            try:
                return Path(path).relative_to(self.root).as_posix()
            except ValueError:
                pass
        return path.replace(os.sep, "/")

    def render_diffs(self, budget_tokens: int, exclude_path: str | None = None) -> str:
        """Unified diffs of the steps, oldest to newest, in at most ``budget_tokens`` tokens.
        When the budget is short the newest steps are kept. ``exclude_path`` leaves out one
        file (typically the current one, whose text the prompt already shows)."""
        diffs = [
            unified_diff(self.display_path(step.path), step.old_text, step.new_text)
            for step in reversed(self._steps)
            if step.path != exclude_path
        ]
        kept: list[str] = []  # newest first
        used = 0
        for diff in diffs:
            cost = count_tokens(diff + "\n")
            if used + cost > budget_tokens:
                break
            kept.append(diff)
            used += cost
        text = "\n".join(reversed(kept))
        # Token counts of parts need not add up exactly: check the whole, drop the oldest.
        while kept and count_tokens(text) > budget_tokens:
            kept.pop()
            text = "\n".join(reversed(kept))
        return text

    def steps_for(self, path: str) -> list[str]:
        """Whole-file snapshots of ``path`` before each of its steps, oldest first: the
        history of a CursorCore conversation whose current code is the latest text."""
        return [step.old_text for step in self._steps if step.path == path]

    @classmethod
    def from_snapshots(
        cls,
        paths: Sequence[str | os.PathLike[str]],
        *,
        path: str | None = None,
        current: str | None = None,
        max_steps: int | None = None,
    ) -> EditHistory:
        """History from snapshot files, oldest first (``a.py.1 a.py.2 ...``): one step per
        consecutive pair, and one from the last snapshot to ``current`` when it is given.
        ``path`` names the file (default: the first snapshot's name without ``.<number>``)."""
        texts = [read_source(Path(p)) for p in paths]
        if current is not None:
            texts.append(current)
        if path is None:
            path = re.sub(r"\.\d+$", "", os.fspath(paths[0])) if paths else ""
        history = cls(max_steps if max_steps is not None else max(len(texts), 1))
        for index, (old, new) in enumerate(pairwise(texts)):
            if old != new:
                history._append_step(EditStep(path, old, new, float(index), float(index)))
        return history

    @classmethod
    def from_git_diff(
        cls, root: str | os.PathLike[str], path: str | os.PathLike[str], max_steps: int = 20
    ) -> EditHistory:
        """One step: the committed text of ``path`` (``HEAD``) to its working-tree text.
        Without a ``git`` binary, a repository, or a committed version: an empty history."""
        history = cls(max_steps, root=root)
        committed = _git_head_text(Path(root), Path(path))
        if committed is None:
            return history
        file = Path(root) / path
        working = read_source(file) if file.exists() else ""
        if working != committed:
            history._append_step(EditStep(os.fspath(path), committed, working, 0.0, 0.0))
        return history

    def _append_step(self, step: EditStep) -> None:
        if self.max_steps > 0:
            self._steps.append(step)
            self._trim()


def clip_snapshots(
    snapshots: Sequence[str], current_text: str, first_line: int, end_line: int
) -> list[str]:
    """Each snapshot cut to the lines that became lines ``first_line:end_line`` of
    ``current_text``, so that a history shown next to a window of the current file lines up
    with it. Snapshots are oldest first; a cut ends with a newline unless it reaches the end
    of its file, like ``text[start:end]`` of whole lines."""
    clipped: list[str] = []
    newer = current_text.split("\n")
    low, high = first_line, end_line
    for snapshot in reversed(snapshots):
        older = snapshot.split("\n")
        low, high = _older_range(older, newer, low, high)
        tail = "\n" if high < len(older) else ""
        clipped.append("\n".join(older[low:high]) + tail)
        newer = older
    return clipped[::-1]


def _older_range(older: list[str], newer: list[str], low: int, high: int) -> tuple[int, int]:
    """The lines of ``older`` that became ``newer[low:high]``; a changed block that the
    range touches is taken whole."""
    opcodes = difflib.SequenceMatcher(None, older, newer, autojunk=False).get_opcodes()
    start, end = len(older), len(older)
    for tag, i1, _, j1, j2 in opcodes:
        if j1 <= low < j2:
            start = i1 + (low - j1) if tag == "equal" else i1
            break
    for tag, i1, i2, j1, j2 in opcodes:
        if j1 < high <= j2:
            end = i1 + (high - j1) if tag == "equal" else i2
            break
    return min(start, end), end


def _git_head_text(root: Path, path: Path) -> str | None:
    """The text of ``path`` at ``HEAD`` of the repository holding ``root``, or None."""
    git = shutil.which("git")
    if git is None or not root.is_dir():
        return None
    try:
        relative = path.relative_to(root) if path.is_absolute() else path
        done = subprocess.run(
            [git, "-C", str(root), "show", f"HEAD:./{relative.as_posix()}"],
            capture_output=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        logger.info("git history unavailable for %s: %s", path, error)
        return None
    if done.returncode != 0:
        logger.debug("git show failed for %s: %s", path, done.stderr.decode(errors="replace"))
        return None
    return done.stdout.decode("utf-8", errors="replace")
