"""Typing replay: real files typed through the real server over LSP, with a scripted model that
is right most of the time and plausibly wrong otherwise; how fast, how costly and how often wrong
are the ghost texts?

Segments of real files (of this repository, or ``--root``) are cut out and typed back one
keystroke at a time on a line of their own, nothing after the cursor (an Enter brings the next
line's indentation, as an editor's auto-indent does), each keystroke a ``didChange`` followed by an automatic ``inlineCompletion`` request, at
human intervals (longer after a line or a punctuation mark, now and then a pause to think). A
correct suggestion of a few characters is sometimes accepted (one keystroke, and the acceptance
report the editor sends). The model, an OpenAI-compatible FIM server on 127.0.0.1, finds the
cursor in the file from the prompt's prefix and answers the true continuation, or, at a rate
of ``--wrong``, a plausibly wrong one: a misspelled member, a call with an argument too many or
too few, a misspelled name. Each wrong answer is labelled with its kind; a misspelled name the line
binds (``new-binding``) is valid code no checker can tell from an intended name, and is also
reported apart.

Reported: keystroke-to-ghost-text latency (p50/p95, from the ``didChange`` to an answer with an
item), model requests and generated tokens (streamed chunks, about one token each) per 100
keystrokes, the share of the shown suggestions that were wrong (goal <= 2 %), and the share of
the model's correct answers that were held back (goal <= 5 %). "Checker off" is the same run
with nothing held back: every answer the model gave is shown as it came. The files are taken in
an order fixed by a hash of the seed and their paths (or from ``--paths``), so the sample stays
put as the repository grows.

    python benchmarks/typing_replay.py [--root DIR] [--files 20] [--lines 8] [--paths FILE]
                                       [--wrong 0.15] [--accept 0.5] [--seed 7] [--server-log FILE]
    python benchmarks/typing_replay.py --split tuning|test [--files 40] ...

``--split`` types files of the benchmark packages (``benchmarks/packages.py``, unpacked under
``benchmarks/.work/src`` as the recall benchmark does) instead: all the split's files ordered
together by the seed's hash, one server per package with its source tree as the workspace. Tune
on ``tuning``; ``test`` is run once to report (it prints no per-position notes).
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import hashlib
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / ".work"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.packages import SPLITS, split_packages  # noqa: E402
from benchmarks.recall_packages import ensure_package, spec_of  # noqa: E402
from benchmarks.typing_burst import Burst, change, drain, inline_params, make_client, percentile  # noqa: E402
from context.brackets import OpenBrackets  # noqa: E402
from tests.support.llm_script import Rule  # noqa: E402
from tests.support.llm_server import ScriptedLLMServer  # noqa: E402

PREFIX_MARK, SUFFIX_MARK = "<fim_prefix>", "<fim_suffix>"
PREFIX_TAIL = 400  # characters of the prompt's prefix that locate the cursor in the file
ANSWER_LINES = 3  # lines of true continuation after the current one (a model goes on)
SKIP_DIRS = {".venv", ".git", "node_modules", ".cache", ".work", "build", "dist", "__pycache__"}
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
MEMBER = re.compile(r"\.([A-Za-z_]\w{2,})")
STRING = re.compile(r"[rbfu]*(\"[^\"]*\"?|'[^']*'?)", re.I)  # code to leave alone: a string's words
ACCEPT_MIN_CHARS = 4  # shorter suggestions are typed, not accepted
GOAL_WRONG, GOAL_HELD = 0.02, 0.05


# -- what is typed -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Segment:
    """Lines of ``text`` cut out, then typed back: ``[start, end)`` (offsets) from the first
    line's start to the last line's end, its newline left in place, so the line being typed
    has nothing after the cursor, as when new lines are typed between existing ones."""

    path: Path
    text: str
    start: int
    end: int

    @property
    def typed(self) -> str:
        return self.text[self.start : self.end]


def segments(root: Path, files: int, lines: int, seed: int, paths: list[str] | None = None) -> list[Segment]:
    """One segment of ``lines`` indented code lines from each of ``files`` Python files: the files
    of ``paths`` (relative to ``root``) in that order, or else every file ordered by a hash of the
    seed and its path. Each file's segment is picked with a generator seeded by the seed and its
    path, so a file added, removed or edited elsewhere leaves the other files' segments alone."""
    if paths is not None:
        return cut([(root, root / p) for p in paths], files, lines, seed)
    return cut(ordered([root], seed), files, lines, seed)


def split_segments(split: str, files: int, lines: int, seed: int) -> list[tuple[Path, list[Segment]]]:
    """The segments of ``files`` files of the packages of ``split`` (those of the recall benchmark,
    unpacked under ``benchmarks/.work/src``), all the packages' files ordered together by the
    seed's hash; grouped by package source tree (each the workspace root of one server), in the
    order of :data:`benchmarks.packages.SPLITS`."""
    roots = [ensure_package(spec_of(name), WORK) for name in split_packages(split)]
    chosen = cut(ordered(roots, seed), files, lines, seed)
    return [(root, group) for root in roots if (group := [s for s in chosen if s.path.is_relative_to(root)])]


def ordered(roots: list[Path], seed: int) -> list[tuple[Path, Path]]:
    """Every Python file under ``roots`` (with its root), ordered by a hash of the seed and its path
    relative to its root."""
    found = [(root, p) for root in roots for p in root.rglob("*.py")
             if not SKIP_DIRS & set(p.relative_to(root).parts)]
    return sorted(found, key=lambda pair: _order(seed, pair[1].relative_to(pair[0]).as_posix()))


def cut(candidates: list[tuple[Path, Path]], files: int, lines: int, seed: int) -> list[Segment]:
    """A segment from each of the first ``files`` of ``candidates`` (root, file) that have one."""
    out: list[Segment] = []
    for root, path in candidates:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        name = path.relative_to(root).as_posix()
        chosen = pick_segment(path, text, lines, random.Random(f"{seed}:{name}"))
        if chosen is not None:
            out.append(chosen)
        if len(out) >= files:
            break
    return out


def _order(seed: int, name: str) -> str:
    return hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()


# What goes on a statement a segment would leave without its beginning.
CONTINUATIONS = ("else", "elif", "except", "finally", "case")


def pick_segment(path: Path, text: str, lines: int, rng: random.Random) -> Segment | None:
    """``lines`` consecutive code lines inside a block (no docstring, no comment, no blank line)
    that are whole statements: no bracket open where they start or end, the line after them
    neither closes a bracket nor continues a compound statement, and the code after them is
    indented no deeper than their first line (no block they opened goes on below them): typing
    new lines between existing ones leaves the code after them whole."""
    rows = text.split("\n")
    brackets = OpenBrackets()
    at_rest = []  # whether no bracket is open at the start of each row
    for row in rows:
        at_rest.append(not brackets.stack)
        brackets.feed(row + "\n")
    at_rest.append(not brackets.stack)

    def whole(first: int) -> bool:
        after = rows[first + lines].strip() if first + lines < len(rows) else ""
        following = next((r for r in rows[first + lines :] if r.strip() and not r.strip().startswith("#")), "")
        return (at_rest[first] and at_rest[first + lines] and not after.startswith((")", "]", "}"))
                and re.match(rf"({'|'.join(CONTINUATIONS)})\b", after) is None
                and _indent(following) <= _indent(rows[first]))

    starts = [i for i in range(len(rows) - lines)
              if all(_codelike(r) for r in rows[i : i + lines]) and whole(i)]
    if not starts:
        return None
    first = rng.choice(starts)
    start = sum(len(r) + 1 for r in rows[:first])
    end = start + sum(len(r) + 1 for r in rows[first : first + lines]) - 1
    return Segment(path, text, start, end)


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip())


def _codelike(row: str) -> bool:
    stripped = row.strip()
    return (row.startswith("    ") and bool(stripped) and not stripped.startswith(("#", '"', "'", "@"))
            and '"""' not in row and "'''" not in row and len(row) <= 100)


@dataclass(frozen=True)
class Key:
    """One keystroke: the text it inserts and the wait before it."""

    text: str
    wait_s: float


def keystrokes(typed: str, rng: random.Random, base_ms: float) -> list[Key]:
    """The keystrokes typing ``typed``: a character each, an Enter with the next line's
    indentation, at human intervals (longer after a line or punctuation, now and then a pause).
    The first line's indentation is one keystroke too: the Enter on the line above brought it."""
    keys: list[Key] = []
    index = 0
    previous = ""
    indent = re.match(r"[ \t]+", typed)
    if indent is not None:
        keys.append(Key(indent.group(0), max(25.0, rng.gauss(base_ms, base_ms / 3)) / 1000))
        index, previous = indent.end(), "\n"
    while index < len(typed):
        char = typed[index]
        if char == "\n":
            indent = re.match(r"[ \t]*", typed[index + 1 :])
            text = "\n" + (indent.group(0) if indent else "")
        elif char in " \t" and previous == "\n":
            index += 1
            continue  # the indentation came with the Enter
        else:
            text = char
        wait = rng.gauss(base_ms, base_ms / 3)
        if previous in ("\n", ":", ",", "(", ")"):
            wait += rng.uniform(base_ms, 4 * base_ms)
        if rng.random() < 0.03:
            wait += rng.uniform(800, 2000)  # thinking
        keys.append(Key(text, max(25.0, wait) / 1000))
        index += len(text) if char == "\n" else 1
        previous = char
    return keys


# -- the scripted model ---------------------------------------------------------------------------
def continuation(text: str, at: int) -> str:
    """The true text after ``at``: the rest of its line and :data:`ANSWER_LINES` more."""
    end = at
    for _ in range(ANSWER_LINES + 1):
        newline = text.find("\n", end + (1 if end > at else 0))
        if newline == -1:
            return text[at:]
        end = newline
    return text[at:end]


# What kind of mistake a wrong answer is. A misspelled name or attribute of ``self`` that the line
# binds (an assignment or loop target, a parameter) is a new name: valid code no checker can tell
# from an intended one, counted apart.
KINDS = ("member", "name", "keyword", "extra-argument", "dropped-argument", "new-binding")
UNSEEABLE = frozenset({"new-binding"})


def wrong_version(answer: str, rng: random.Random) -> str | None:
    """A plausibly wrong version of the first line of ``answer`` (see :func:`mistake`)."""
    found = mistake(answer, rng)
    return found[0] if found is not None else None


def mistake(answer: str, rng: random.Random, typed: str = "") -> tuple[str, str] | None:
    """A plausibly wrong version of the first line of ``answer`` and its kind (:data:`KINDS`): a
    misspelled member, an argument too many or too few, or a misspelled name; None when there is
    nothing to get wrong. ``typed`` is what the line holds before the answer: the kind is told
    from the whole line (``def wr`` + ``ite(self, tetx)`` misspells a parameter)."""
    line, _, rest = answer.partition("\n")
    tail = "\n" + rest if rest or answer.endswith("\n") else ""
    makers = [_misspelled_member, _wrong_arity, _misspelled_name]
    rng.shuffle(makers)
    for make in makers:
        found = make(line, rng, typed)
        if found is not None and found[0] != line:
            return found[0] + tail, found[1]
    return None


def _misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if word[i] != word[i + 1] else word[:i] + word[i + 1 :]


def _quoted(line: str, typed: str) -> list[tuple[int, int]]:
    """The spans of ``line`` inside strings, the strings the line's ``typed`` start opened
    included (``"co`` typed, ``nnection.start"`` answered: no member in it), and its comment: a
    misspelled word there is no mistake in the code."""
    whole = typed + line
    spans = [m.span() for m in STRING.finditer(whole)]
    comment = next((i for i, char in enumerate(whole) if char == "#" and not any(a <= i < b for a, b in spans)), None)
    if comment is not None:
        spans.append((comment, len(whole)))
    return [(a - len(typed), b - len(typed)) for a, b in spans if b > len(typed)]


def _misspelled_member(line: str, rng: random.Random, typed: str = "") -> tuple[str, str] | None:
    quoted = _quoted(line, typed)
    found = [m for m in MEMBER.finditer(line) if not any(a <= m.start() < b for a, b in quoted)]
    if not found:
        return None
    match = rng.choice(found)
    wrong = line[: match.start(1)] + _misspell(match.group(1), rng) + line[match.end(1) :]
    return wrong, _name_kind(typed + line, len(typed) + match.start(1), "member")


def _wrong_arity(line: str, rng: random.Random, typed: str = "") -> tuple[str, str] | None:
    if (typed + line).lstrip().startswith(("def ", "async def ", "class ")):
        return None  # parameters or bases, not a call's arguments
    calls = [m for m in re.finditer(r"\w\(([^()]*)\)", line)]
    if not calls:
        return None
    match = rng.choice(calls)
    inner = match.group(1)
    args = [a for a in inner.split(",") if a.strip()]
    if args and rng.random() < 0.5:
        changed, kind = ",".join(args[:-1]).strip(), "dropped-argument"
    else:
        changed, kind = (f"{inner}, None" if inner.strip() else "None"), "extra-argument"
    return line[: match.start(1)] + changed + line[match.end(1) :], kind


def _misspelled_name(line: str, rng: random.Random, typed: str = "") -> tuple[str, str] | None:
    quoted = _quoted(line, typed)
    words = [m for m in IDENTIFIER.finditer(line)
             if len(m.group(0)) >= 4 and not any(a <= m.start() < b for a, b in quoted)]
    if not words:
        return None
    match = rng.choice(words)
    wrong = line[: match.start()] + _misspell(match.group(0), rng) + line[match.end() :]
    after = line[match.end() :].lstrip()
    whole, start = typed + line, len(typed) + match.start()
    if whole[:start].endswith("."):
        kind = "member"
    elif after.startswith("=") and not after.startswith("==") and "(" in whole[:start] and start not in _bound(whole):
        kind = "keyword"
    else:
        kind = "name"
    return wrong, _name_kind(whole, start, kind)


def _name_kind(line: str, start: int, kind: str) -> str:
    """``new-binding`` when the word at ``start`` is a name (or an attribute of ``self``/``cls``)
    that the line binds, else ``kind``."""
    return "new-binding" if start in _bound(line) else kind


def _bound(line: str) -> set[int]:
    """Where the names the line binds start: assignment, loop, ``with`` and ``import`` targets,
    ``def`` and ``class`` names, parameters, and attributes of ``self`` or ``cls`` assigned to.
    Empty for a line that does not parse on its own (a statement going on below)."""
    indent = len(line) - len(line.lstrip())
    code = line.strip()
    if code.endswith(":"):
        code += " pass"
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(indent + node.col_offset)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) \
                and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls") \
                and node.end_col_offset is not None:
            out.add(indent + node.end_col_offset - len(node.attr))
        elif isinstance(node, ast.arg):
            out.add(indent + node.col_offset)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            keyword = "class " if isinstance(node, ast.ClassDef) else "def "
            out.add(indent + code.find(keyword, node.col_offset) + len(keyword))
    return out


@dataclass
class Answered:
    at: int  # offset of the cursor in the file
    text: str
    correct: bool
    file: str = ""
    kind: str = ""  # a wrong answer's kind of mistake (:data:`KINDS`)


def locate(text: str, prefix: str) -> int | None:
    """The offset in ``text`` right after the end of ``prefix`` (its last
    :data:`PREFIX_TAIL` characters, less the leading lines that are not in ``text``: the file's
    path a FIM prompt starts with)."""
    tail = prefix[-PREFIX_TAIL:]
    while tail:
        found = text.find(tail)
        if found != -1:
            return found + len(tail)
        newline = tail.find("\n")
        if newline == -1:
            return None
        tail = tail[newline + 1 :]
    return None


class Oracle:
    """Locates the cursor from a FIM prompt and answers, deterministically per position."""

    def __init__(self, wrong_rate: float, seed: int) -> None:
        self.wrong_rate = wrong_rate
        self.seed = seed
        self.text = ""
        self.file = ""
        self.answers: list[Answered] = []
        self._lock = threading.Lock()

    def answer(self, prompt: str) -> str:
        at = locate(self.text, prompt.split(SUFFIX_MARK, 1)[0].split(PREFIX_MARK)[-1])
        if at is None:
            return ""
        true = continuation(self.text, at)
        rng = random.Random(f"{self.seed}:{at}")
        typed = self.text[self.text.rfind("\n", 0, at) + 1 : at]
        wrong = mistake(true, rng, typed) if rng.random() < self.wrong_rate else None
        text, kind = wrong if wrong is not None else (true, "")
        with self._lock:
            self.answers.append(Answered(at, text, wrong is None, self.file, kind))
        return text


class ReplayModel(ScriptedLLMServer):
    """The scripted server's wire formats, answered by the :class:`Oracle`."""

    def __init__(self, oracle: Oracle) -> None:
        super().__init__([])
        self.oracle = oracle

    def pick(self, method: str, path: str, text: str) -> Rule | None:
        if method != "POST":
            return super().pick(method, path, text)
        try:
            body = json.loads(text)
        except ValueError:
            return None
        prompt = body.get("prompt") if isinstance(body, dict) else None
        return Rule(answer=self.oracle.answer(prompt if isinstance(prompt, str) else ""))


# -- the replay ----------------------------------------------------------------------------------
@dataclass
class Shown:
    at: int  # the cursor's offset in the file
    sent: float
    done: float | None = None
    kind: str = "pending"  # "shown" | "empty" | "stale" | "cancelled" | "error"
    text: str = ""
    command: Any = None


@dataclass
class Replay:
    keystrokes: int = 0
    accepted: int = 0
    outcomes: list[Shown] = field(default_factory=list)


async def ask(client: LanguageClient, params: types.InlineCompletionParams, shown: Shown) -> None:
    try:
        result = await client.text_document_inline_completion_async(params)
        items = list(result.items) if isinstance(result, types.InlineCompletionList) else list(result or [])
        shown.kind = "shown" if items else "empty"
        if items:
            first = items[0].insert_text
            shown.text = first if isinstance(first, str) else first.value
            shown.command = items[0].command
    except JsonRpcException as error:
        shown.kind = {-32801: "stale", -32800: "cancelled"}.get(error.code, "error")
    shown.done = time.perf_counter()


def position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


async def replay_segment(client: LanguageClient, oracle: Oracle, segment: Segment, replay: Replay,
                         rng: random.Random, args: argparse.Namespace, version: int) -> int:
    """Type ``segment`` into its file (opened without it); the next free version."""
    oracle.text, oracle.file = segment.text, str(segment.path)
    uri = segment.path.as_uri()
    document = segment.text[: segment.start] + segment.text[segment.end :]
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri, "python", version, document)))
    cursor = segment.start  # in the file's offsets; the document is file[:cursor] + file[end:]
    pending: list[asyncio.Future[None]] = []
    keys = keystrokes(segment.typed, rng, args.interval_ms)
    starts = key_starts(keys, segment.start)
    index = 0
    last: Shown | None = None
    while index < len(keys):
        await asyncio.sleep(keys[index].wait_s)
        insert = keys[index].text[cursor - starts[index] :]  # an accept may have typed part of it
        accepting = _acceptable(last, segment, cursor) and rng.random() < args.accept
        if accepting:
            assert last is not None
            insert = last.text
        line, column = position(segment.text, cursor)
        version += 1
        client.text_document_did_change(change(uri, version, line, column, insert))
        if accepting and last is not None and last.command is not None and last.command.arguments:
            client.protocol.notify("holepilot/didAcceptCompletion", last.command.arguments[0])
            replay.accepted += 1
        cursor += len(insert)
        replay.keystrokes += 1
        while index < len(keys) and starts[index] + len(keys[index].text) <= cursor:
            index += 1
        shown = Shown(cursor, time.perf_counter())
        replay.outcomes.append(shown)
        params = inline_params(uri, *position(segment.text, cursor), True)
        pending.append(asyncio.ensure_future(ask(client, params, shown)))
        last = shown
    await asyncio.wait_for(asyncio.gather(*pending), 120)
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    return version + 1


def key_starts(keys: list[Key], start: int) -> list[int]:
    """The offset each keystroke types at."""
    out = []
    for key in keys:
        out.append(start)
        start += len(key.text)
    return out


def _acceptable(last: Shown | None, segment: Segment, cursor: int) -> bool:
    """The suggestion shown for the current text is true, long enough, and inside the segment."""
    if last is None or last.kind != "shown" or last.at != cursor or len(last.text) < ACCEPT_MIN_CHARS:
        return False
    return segment.text.startswith(last.text, cursor) and cursor + len(last.text) <= segment.end


# -- the scores ----------------------------------------------------------------------------------
@dataclass
class Scores:
    keystrokes: int
    accepted: int
    latencies_ms: list[float]
    shown: int
    shown_wrong: int
    distinct: int  # shown suggestions that are not the rest of the one shown before, typed along
    distinct_wrong: int
    correct_answered: int  # answered requests whose model answer was right and had a first line
    correct_held: int
    requests: int
    tokens: int
    wrong_kinds: Counter[str] = field(default_factory=Counter)  # wrong shown per keystroke, by kind
    distinct_kinds: Counter[str] = field(default_factory=Counter)  # distinct wrong shown, by kind
    notes: list[str] = field(default_factory=list)  # where each distinct wrong one and held-back right one was

    def per_100(self, count: int) -> float:
        return 100 * count / self.keystrokes if self.keystrokes else 0.0

    @property
    def unseeable(self) -> tuple[int, int]:
        """Wrong shown per keystroke and distinct wrong shown whose mistake no checker can see."""
        return (sum(self.wrong_kinds[k] for k in UNSEEABLE), sum(self.distinct_kinds[k] for k in UNSEEABLE))


def is_correct(text: str, shown: str, at: int) -> bool:
    return bool(shown) and text.startswith(shown, at)


def score(replay: Replay, answers: dict[tuple[str, int], Answered], texts: dict[int, Segment], requests: int,
          tokens: int, checker: bool) -> Scores:
    """The scores of the run; ``checker`` False: what showing every model answer would have given
    (a held-back answer shown as the model gave it). ``texts`` maps the outcomes' index to the
    segment typed; ``answers`` (file, cursor offset) to the model's answer there."""
    latencies: list[float] = []
    shown = wrong = correct = held = distinct = distinct_wrong = 0
    kinds: Counter[str] = Counter()
    distinct_kinds: Counter[str] = Counter()
    notes: list[str] = []
    before: Shown | None = None
    for number, outcome in enumerate(replay.outcomes):
        if outcome.kind in ("stale", "cancelled", "error", "pending"):
            continue
        segment = texts[number]
        text = segment.text
        model = answers.get((str(segment.path), outcome.at))
        first_line = model.text.split("\n", 1)[0] if model else ""
        if outcome.kind == "shown":
            shown += 1
            bad = not is_correct(text, outcome.text, outcome.at)
            wrong += bad
            kind = mistake_of(outcome, segment, answers) if bad else ""
            kinds[kind] += bad
            if not typed_along(before, outcome):
                distinct += 1
                distinct_wrong += bad
                distinct_kinds[kind] += bad
                if bad:
                    notes.append(_note(f"wrong shown ({kind})", segment, outcome.at, outcome.text))
            before = outcome
            if outcome.done is not None:
                latencies.append((outcome.done - outcome.sent) * 1000)
        elif not checker and model is not None and first_line.strip():
            shown += 1  # held back, shown without the checker
            distinct += 1
            wrong += not model.correct
            distinct_wrong += not model.correct
            kinds[model.kind] += not model.correct
            distinct_kinds[model.kind] += not model.correct
        if model is not None and model.correct and first_line.strip():
            correct += 1
            if checker and outcome.kind == "empty":
                held += 1
                notes.append(_note("right held back", segment, outcome.at, model.text))
    return Scores(replay.keystrokes, replay.accepted, latencies, shown, wrong, distinct, distinct_wrong, correct,
                  held, requests, tokens, +kinds, +distinct_kinds, notes)


def _note(what: str, segment: Segment, at: int, text: str) -> str:
    line, column = position(segment.text, at)
    typed = segment.text[segment.text.rfind("\n", 0, at) + 1 : at]
    return f"{what}: {segment.path.name}:{line + 1}:{column + 1}: {typed.strip()!r} + {text.split(chr(10))[0]!r}"


def mistake_of(outcome: Shown, segment: Segment, answers: dict[tuple[str, int], Answered]) -> str:
    """The kind of mistake of the wrong model answer a wrong suggestion shows: the answer given at
    the cursor, or at an earlier offset the user has typed along from; "unknown" when none fits."""
    first = outcome.text.split("\n", 1)[0]
    for at in range(outcome.at, max(segment.start, outcome.at - 400) - 1, -1):
        model = answers.get((str(segment.path), at))
        if model is None or model.correct or not model.text.startswith(segment.text[at : outcome.at]):
            continue
        rest = model.text[outcome.at - at :].split("\n", 1)[0]
        if rest.startswith(first) or first.startswith(rest):
            return model.kind
    return "unknown"


def typed_along(before: Shown | None, outcome: Shown) -> bool:
    """``outcome`` shows the rest of the suggestion shown ``before``, the user having typed its
    first characters (the type-ahead cache's doing): the same suggestion, not a new one."""
    if before is None or outcome.at <= before.at:
        return False
    return before.text[outcome.at - before.at :] == outcome.text


def share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f} % ({count}/{total})" if total else "–"


def table(on: Scores, off: Scores) -> str:
    unseen_on, unseen_off = on.unseeable, off.unseeable
    rows = [
        ("keystrokes (accepts among them)", f"{on.keystrokes} ({on.accepted})", "same"),
        ("keystroke to ghost text p50 (ms)", f"{percentile(on.latencies_ms, 0.5):.0f}", "same"),
        ("keystroke to ghost text p95 (ms)", f"{percentile(on.latencies_ms, 0.95):.0f}", "same"),
        ("model requests per 100 keystrokes", f"{on.per_100(on.requests):.1f}", "same"),
        ("generated tokens per 100 keystrokes", f"{on.per_100(on.tokens):.0f}", "same"),
        ("keystrokes with a suggestion shown", str(on.shown), str(off.shown)),
        (f"shown that were wrong, per keystroke (goal <= {GOAL_WRONG:.0%})", share(on.shown_wrong, on.shown),
         share(off.shown_wrong, off.shown)),
        ("distinct suggestions shown that were wrong", share(on.distinct_wrong, on.distinct),
         share(off.distinct_wrong, off.distinct)),
        ("  the same, misspelled new names left out, per keystroke",
         share(on.shown_wrong - unseen_on[0], on.shown - unseen_on[0]),
         share(off.shown_wrong - unseen_off[0], off.shown - unseen_off[0])),
        ("  the same, misspelled new names left out, distinct",
         share(on.distinct_wrong - unseen_on[1], on.distinct - unseen_on[1]),
         share(off.distinct_wrong - unseen_off[1], off.distinct - unseen_off[1])),
        (f"correct ones held back (goal <= {GOAL_HELD:.0%})", share(on.correct_held, on.correct_answered),
         share(off.correct_held, off.correct_answered)),
    ]
    return _markdown(("measure", "checker on", "checker off"), rows)


def kinds_table(on: Scores, off: Scores, answers: list[Answered]) -> str:
    """Wrong answers by kind of mistake: how many the model gave, and how many distinct ones were
    shown with the checker on and off (per keystroke in brackets)."""
    given = Counter(a.kind for a in answers if not a.correct)
    rows = []
    for kind in [*KINDS, "unknown"]:
        if not (given[kind] or on.distinct_kinds[kind] or off.distinct_kinds[kind]):
            continue
        label = kind + (" (no checker can see it)" if kind in UNSEEABLE else "")
        rows.append((label, str(given[kind]), f"{on.distinct_kinds[kind]} ({on.wrong_kinds[kind]})",
                     f"{off.distinct_kinds[kind]} ({off.wrong_kinds[kind]})"))
    return _markdown(("wrong answer", "model answers", "shown, checker on", "shown, checker off"), rows)


def _markdown(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    width = max(len(r[0]) for r in [header, *rows])
    out = [f"| {header[0].ljust(width)} | " + " | ".join(header[1:]) + " |",
           f"|{'-' * (width + 2)}|" + "---:|" * (len(header) - 1)]
    out += [f"| {row[0].ljust(width)} | " + " | ".join(row[1:]) + " |" for row in rows]
    return "\n".join(out)


# -- the server -----------------------------------------------------------------------------------
async def start(root: Path, model_url: str, cache: Path, log_file: Path) -> tuple[LanguageClient, Any, Burst]:
    burst = Burst()
    client = make_client(burst)
    await client.start_io(sys.executable, "-m", "lsp_server", "--log-level", "INFO", "--log-file", str(log_file),
                          cwd=str(REPO), env={**os.environ, "HOLEPILOT_CACHE_DIR": str(cache)})
    assert client._server is not None
    stderr = asyncio.ensure_future(drain(client._server.stderr))
    options = {"backend": "openai-completions", "baseUrl": model_url, "model": "scripted-model",
               "fimProfile": "starcoder", "maxRounds": 0}
    capabilities = types.ClientCapabilities(window=types.WindowClientCapabilities(work_done_progress=True))
    await client.initialize_async(types.InitializeParams(capabilities=capabilities, root_uri=root.as_uri(),
                                                         initialization_options=options))
    client.initialized(types.InitializedParams())
    return client, stderr, burst


async def run(args: argparse.Namespace) -> tuple[Scores, Scores, list[Answered]]:
    if args.split is not None:
        groups = split_segments(args.split, args.files, args.lines, args.seed)
        where = f"the {args.split} packages"
    else:
        root = args.root.resolve()
        groups = [(root, segments(root, args.files, args.lines, args.seed, args.paths))]
        where = str(root)
    if not any(chosen for _, chosen in groups):
        raise SystemExit(f"no Python file of {where} has {args.lines} lines of code in a row to type")
    oracle = Oracle(args.wrong, args.seed)
    replay = Replay()
    texts: dict[int, Segment] = {}
    with ReplayModel(oracle) as model, tempfile.TemporaryDirectory() as cache:
        for number, (root, chosen) in enumerate(groups):
            log_file = Path(cache) / f"server-{number}.log"
            if args.server_log is not None:
                log_file = args.server_log if len(groups) == 1 else \
                    args.server_log.with_name(f"{args.server_log.stem}-{root.name}{args.server_log.suffix}")
            await replay_root(root, chosen, model.url, Path(cache) / str(number), log_file, oracle, replay, texts,
                              args)
        posts = list(model.posts())
        requests, tokens = len(posts), sum(p.chunks_sent for p in posts)
    answers = {(a.file, a.at): a for a in oracle.answers}
    return (score(replay, answers, texts, requests, tokens, checker=True),
            score(replay, answers, texts, requests, tokens, checker=False), oracle.answers)


async def replay_root(root: Path, chosen: list[Segment], model_url: str, cache: Path, log_file: Path, oracle: Oracle,
                      replay: Replay, texts: dict[int, Segment], args: argparse.Namespace) -> None:
    """Type ``chosen`` (files under ``root``) through a server whose workspace is ``root``."""
    cache.mkdir(parents=True, exist_ok=True)
    client, stderr, burst = await start(root, model_url, cache, log_file)
    await asyncio.wait_for(burst.index_done.wait(), 600)
    version = 1
    for segment in chosen:
        before = len(replay.outcomes)
        name = segment.path.relative_to(root).as_posix()
        rng = random.Random(f"{args.seed}:keys:{name}")  # the file's own: the others leave it alone
        version = await replay_segment(client, oracle, segment, replay, rng, args, version)
        texts.update(dict.fromkeys(range(before, len(replay.outcomes)), segment))
        print(f"typed {len(segment.typed)} characters of {root.name}/{name}", file=sys.stderr)
    await client.shutdown_async(None)
    client.exit(None)
    stderr.cancel()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the files to type (default: this repository)")
    parser.add_argument("--split", choices=[name for name in SPLITS if name != "all"], default=None,
                        help="type files of the benchmark packages of this split instead, each package's "
                             "source tree the workspace (tune on tuning; test only reports)")
    parser.add_argument("--files", type=int, default=20, help="files, one segment each (default: 20)")
    parser.add_argument("--lines", type=int, default=8, help="lines per segment (default: 8)")
    parser.add_argument("--paths", type=Path, default=None,
                        help="a file listing the files to type, one path relative to --root a line "
                             "(default: every file, in an order fixed by the seed)")
    parser.add_argument("--wrong", type=float, default=0.15, help="share of wrong model answers (default: 0.15)")
    parser.add_argument("--accept", type=float, default=0.5,
                        help="chance a true suggestion is accepted (default: 0.5)")
    parser.add_argument("--interval-ms", type=float, default=140.0, help="mean inter-keystroke interval")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--server-log", type=Path, default=None,
                        help="keep the server's log in this file (why suggestions were held back)")
    args = parser.parse_args(argv)
    if args.split is not None and (args.paths is not None or args.root != REPO):
        parser.error("--split takes the files of its packages: give no --root or --paths with it")
    if not args.root.is_dir():
        parser.error(f"--root {args.root} is not a directory")
    if not 0 <= args.wrong <= 1 or not 0 <= args.accept <= 1:
        parser.error("--wrong and --accept are shares between 0 and 1")
    if args.files < 1 or args.lines < 1:
        parser.error("--files and --lines must be at least 1")
    if args.paths is not None:
        args.paths = read_paths(parser, args.root, args.paths)
    return args


def read_paths(parser: argparse.ArgumentParser, root: Path, listing: Path) -> list[str]:
    """The relative paths ``listing`` names (blank lines and ``#`` comments left out), each a file
    under ``root``."""
    try:
        lines = listing.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as error:
        parser.error(f"--paths {listing}: cannot read it ({error.__class__.__name__})")
    paths = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    missing = [p for p in paths if not (root / p).is_file()]
    if missing or not paths:
        parser.error(f"--paths {listing}: " + (f"no file {missing[0]} under {root}" if missing else "lists no file"))
    return paths


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    on, off, answers = asyncio.run(run(args))
    print(table(on, off))
    print()
    print(kinds_table(on, off, answers))
    if args.split != "test":  # the test split is measured, never studied: no per-position notes
        for note in on.notes:
            print(note, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
