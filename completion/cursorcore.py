"""CursorCore's Assistant-Conversation: history, current code, user instruction -> an edit.

The conversation is ChatML with three extra roles (``history``, ``current``, ``user``)::

    <|im_start|>system\\n...<|im_end|>
    <|im_start|>history\\n...<|im_end|>        one per step, oldest first
    <|im_start|>current\\n```python ...```<|im_end|>
    <|im_start|>user\\n...<|im_end|>           only with an instruction
    <|im_start|>assistant\\n<|next_start|>      the generation prompt

The answer ends with ``<|next_end|>``. Three formats for answers and history steps:

- ``wf`` whole file: the full code in a fenced block;
- ``lc`` locate and change: the current code is shown with 1-based line numbers; an edit is
  ``start,end`` (0-based, half-open line range of the old code) then a fenced block of the
  replacement lines. A history step is located in the *newer* code and carries the older
  lines, so that every location refers to code the model can see;
- ``sr`` search and replace: fenced blocks of search lines, a ``<|search_and_replace|>``
  line, then the replacement lines.

An empty fenced block means "no lines", a block holding one blank line means one empty line.
The cursor (``<|target|>``) or selection (``<|target_start|>``...``<|target_end|>``) is
inserted at character offsets of the current code only. Answers are parsed back into code
by :mod:`completion.cursorcore_answers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from itertools import pairwise

from completion.model import EDIT_FORMATS

IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
NEXT_START = "<|next_start|>"
NEXT_END = "<|next_end|>"
TARGET = "<|target|>"
TARGET_START = "<|target_start|>"
TARGET_END = "<|target_end|>"
SEARCH_AND_REPLACE = "<|search_and_replace|>"
# The cursor and selection markers, as the current code carries them.
AREA_MARKERS = (TARGET, TARGET_START, TARGET_END)
SPECIAL_TOKENS = (
    IM_START,
    IM_END,
    NEXT_START,
    NEXT_END,
    TARGET_START,
    TARGET_END,
    TARGET,
    SEARCH_AND_REPLACE,
)
FORMATS = EDIT_FORMATS
DEFAULT_SYSTEM = "You are a helpful programming assistant."

Area = int | tuple[int, int] | None
# A search text grows by at most this many context lines before it absorbs a neighbour hunk.
MAX_CONTEXT_LINES = 40
# An edit of lines: old[i1:i2] becomes new[j1:j2].
Hunk = tuple[int, int, int, int]

def check_format(fmt: str) -> None:
    """Raise ValueError unless ``fmt`` is one of :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown edit format {fmt!r}; expected one of {', '.join(FORMATS)}")


# ---------------------------------------------------------------------------- rendering


def fence(lines: Sequence[str], lang: str = "python") -> str:
    """Lines in a fenced block; the fence is longer than any backtick run opening a line."""
    runs = [len(line) - len(line.lstrip("`")) for line in lines]
    ticks = "`" * max(3, max(runs, default=0) + 1)
    return "".join([f"{ticks}{lang}\n", *(f"{line}\n" for line in lines), ticks])


def mark_area(code: str, area: Area) -> str:
    """``code`` with the cursor or selection markers inserted (offsets clamped to the code)."""
    if area is None:
        return code
    if isinstance(area, int):
        at = min(max(area, 0), len(code))
        return code[:at] + TARGET + code[at:]
    start, end = sorted(min(max(x, 0), len(code)) for x in area)
    return code[:start] + TARGET_START + code[start:end] + TARGET_END + code[end:]


def numbered(code: str) -> list[str]:
    """Lines of ``code`` prefixed with their 1-based number, as the LC format shows them."""
    return [f"{i} {line}" for i, line in enumerate(code.split("\n"), start=1)]


def current_message(current_code: str, area: Area, fmt: str, lang: str = "python") -> str:
    marked = mark_area(current_code, area)
    return fence(numbered(marked) if fmt == "lc" else marked.split("\n"), lang)


def history_messages(
    history_steps: Sequence[str], current_code: str, fmt: str, lang: str = "python"
) -> list[str]:
    """One message per history step (snapshots oldest first; a snapshot equal to its
    successor is dropped because it shows no step)."""
    check_format(fmt)
    chain = [*history_steps, current_code]
    pairs = [(a, b) for a, b in pairwise(chain) if a != b]
    if fmt == "wf":
        return [fence(older.split("\n"), lang) for older, _ in pairs]
    if fmt == "lc":
        return [lc_body(newer, older, lang) for older, newer in pairs]
    return [sr_body(older, newer, lang, unique_in_new=True) for older, newer in pairs]


def conversation_messages(
    history_steps: Sequence[str],
    current_code: str,
    user_instruction: str,
    area: Area,
    fmt: str,
    system: str = DEFAULT_SYSTEM,
    lang: str = "python",
) -> list[tuple[str, str]]:
    """The (role, content) pairs of the conversation, before the assistant's turn."""
    messages = [("system", system)]
    messages += [("history", m) for m in history_messages(history_steps, current_code, fmt, lang)]
    messages.append(("current", current_message(current_code, area, fmt, lang)))
    if user_instruction:
        messages.append(("user", user_instruction))
    return messages


def render_conversation(
    history_steps: Sequence[str],
    current_code: str,
    user_instruction: str,
    area: Area,
    fmt: str,
    system: str = DEFAULT_SYSTEM,
    lang: str = "python",
) -> str:
    """The raw prompt for a CursorCore model, ending with the generation prompt."""
    messages = conversation_messages(
        history_steps, current_code, user_instruction, area, fmt, system, lang
    )
    turns = [f"{IM_START}{role}\n{content}{IM_END}" for role, content in messages]
    return "\n".join(turns) + f"\n{IM_START}assistant\n{NEXT_START}"


# ---------------------------------------------------------------------------- chat APIs

_FORMAT_RULES = {
    "wf": "the whole modified file in one fenced code block",
    "lc": (
        "for each changed place, a line 'start,end' (0-based, end exclusive: the lines of the "
        "numbered current code that are replaced; 'n,n' inserts before line n+1) followed by a "
        "fenced code block of the replacement lines (an empty block deletes them)"
    ),
    "sr": (
        f"for each changed place, a fenced code block holding lines copied exactly from the "
        f"current code, then a line {SEARCH_AND_REPLACE}, then the replacement lines"
    ),
}
_HISTORY_RULES = {
    "wf": "Each programming-process step is an earlier version of the whole file.",
    "lc": (
        "Each programming-process step says which lines of the next version (0-based "
        "'start,end') were, in that earlier version, the lines of its code block."
    ),
    "sr": "Each programming-process step is an edit, in the answer format, made at that time.",
}
_EXAMPLE = ("a = 1\nb = 2\nc = a + b", "i = 1\nb = 2\nc = a + b", "i = 1\nj = 2\nk = i + j")


def chat_instructions(fmt: str) -> str:
    """What a chat model is told about the conversation and the answer format."""
    check_format(fmt)
    return (
        "Read the programming process (earlier versions of the code), the current code and "
        f"the user's instruction, then predict the next edit. {TARGET} marks the cursor; "
        f"{TARGET_START} and {TARGET_END} mark the selected area; never copy these markers. "
        f"{_HISTORY_RULES[fmt]} "
        f"Answer with {NEXT_START}, then {_FORMAT_RULES[fmt]}, then {NEXT_END}."
    )


def _chat_user_content(messages: Sequence[tuple[str, str]]) -> str:
    parts: list[str] = []
    steps = 0
    for role, content in messages:
        if role == "history":
            steps += 1
            parts.append(f"Programming process {steps}:\n{content}")
        elif role == "current":
            parts.append(f"Current code:\n{content}")
        elif role == "user":
            parts.append(f"User instruction:\n{content}")
    return "\n\n".join(parts)


def to_chat_messages(
    history_steps: Sequence[str],
    current_code: str,
    user_instruction: str,
    area: Area,
    fmt: str,
    system: str = DEFAULT_SYSTEM,
    lang: str = "python",
) -> list[dict[str, str]]:
    """The same conversation for chat APIs (system / user / assistant roles only), with one
    worked example so that the answer format is shown, not only described."""
    first, previous, after = _EXAMPLE
    example = conversation_messages(
        [first], previous, "Please change variable names.", None, fmt, system, lang
    )
    actual = conversation_messages(
        history_steps, current_code, user_instruction, area, fmt, system, lang
    )
    return [
        {"role": "system", "content": f"{system}\n\n{chat_instructions(fmt)}"},
        {"role": "user", "content": _chat_user_content(example)},
        {"role": "assistant", "content": edit_to_answer(previous, after, fmt, lang)},
        {"role": "user", "content": _chat_user_content(actual)},
    ]


# ---------------------------------------------------------------------------- edits -> answers


def line_hunks(old_lines: Sequence[str], new_lines: Sequence[str]) -> list[Hunk]:
    """The changed line ranges between two versions, in order."""
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def edit_to_answer(old_code: str, new_code: str, fmt: str, lang: str = "python") -> str:
    """The assistant's answer turning ``old_code`` into ``new_code``, wrapped in
    ``<|next_start|>``...``<|next_end|>``; LC and SR carry only the changed hunks."""
    check_format(fmt)
    if fmt == "wf":
        body = fence(new_code.split("\n"), lang)
    elif fmt == "lc":
        body = lc_body(old_code, new_code, lang)
    else:
        body = sr_body(old_code, new_code, lang, unique_in_new=False)
    return f"{NEXT_START}{body}{NEXT_END}"


def lc_body(old_code: str, new_code: str, lang: str) -> str:
    """The LC edit turning ``old_code`` into ``new_code``: each hunk's ``start,end`` line,
    then its replacement lines fenced."""
    new_lines = new_code.split("\n")
    hunks = line_hunks(old_code.split("\n"), new_lines)
    return "\n".join(f"{i1},{i2}\n" + fence(new_lines[j1:j2], lang) for i1, i2, j1, j2 in hunks)


def sr_body(old_code: str, new_code: str, lang: str, *, unique_in_new: bool) -> str:
    """The SR edit turning ``old_code`` into ``new_code``, one fenced block a hunk."""
    old_lines, new_lines = old_code.split("\n"), new_code.split("\n")
    blocks = []
    for i1, i2, j1, j2 in _unique_hunks(old_lines, new_lines, unique_in_new):
        lines = [*old_lines[i1:i2], SEARCH_AND_REPLACE, *new_lines[j1:j2]]
        blocks.append(fence(lines, lang))
    return "\n".join(blocks)


def _unique_hunks(old: Sequence[str], new: Sequence[str], unique_in_new: bool) -> list[Hunk]:
    """Hunks widened by context until each search text occurs once in ``old`` (and, for
    history, each replacement once in ``new``). Context is taken only from the equal lines
    between neighbouring hunks; a hunk that cannot become unique there absorbs its neighbour."""
    pending = line_hunks(old, new)
    done: list[Hunk] = []
    while pending:
        hunk = pending.pop(0)
        low = (done[-1][1], done[-1][3]) if done else (0, 0)
        high = (pending[0][0], pending[0][2]) if pending else (len(old), len(new))
        widened = _widen_until_unique(hunk, old, new, unique_in_new, low, high)
        if widened is not None:
            done.append(widened)
        elif pending:
            after = pending.pop(0)
            pending.insert(0, (hunk[0], after[1], hunk[2], after[3]))
        elif done:
            before = done.pop()
            pending.insert(0, (before[0], hunk[1], before[2], hunk[3]))
        else:
            done.append((0, len(old), 0, len(new)))
    return done


def _occurrences(lines: Sequence[str], part: Sequence[str], limit: int = 2) -> int:
    """How many times ``part`` occurs in ``lines``, counting no further than ``limit``."""
    if not part:
        return limit
    found = 0
    size = len(part)
    for start in range(len(lines) - size + 1):
        if lines[start] == part[0] and list(lines[start : start + size]) == list(part):
            found += 1
            if found >= limit:
                break
    return found


def _widen_until_unique(
    hunk: Hunk,
    old: Sequence[str],
    new: Sequence[str],
    unique_in_new: bool,
    low: tuple[int, int],
    high: tuple[int, int],
) -> Hunk | None:
    """The hunk grown by the fewest context lines (within ``low``..``high``, old and new
    line indexes) that makes it unique, or None."""
    i1, i2, j1, j2 = hunk
    most_left = min(i1 - low[0], j1 - low[1])
    most_right = min(high[0] - i2, high[1] - j2)
    for grow in range(min(most_left + most_right, MAX_CONTEXT_LINES) + 1):
        for left, right in _context_choices(hunk, grow, old):
            if left > most_left or right > most_right:
                continue
            if _occurrences(old, old[i1 - left : i2 + right]) != 1:
                continue
            if unique_in_new and _occurrences(new, new[j1 - left : j2 + right]) != 1:
                continue
            return i1 - left, i2 + right, j1 - left, j2 + right
    return None


def _context_choices(hunk: Hunk, grow: int, old: Sequence[str]) -> list[tuple[int, int]]:
    """Ways to add ``grow`` context lines: preceding lines first, blank lines last."""
    i1, i2 = hunk[0], hunk[1]

    def blanks(choice: tuple[int, int]) -> int:
        left, right = choice
        added = [*old[max(i1 - left, 0) : i1], *old[i2 : i2 + right]]
        return sum(1 for line in added if not line.strip())

    return sorted(((left, grow - left) for left in range(grow, -1, -1)), key=blanks)
