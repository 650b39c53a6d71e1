"""CursorCore conversations: rendering of every APEval task, round trips, markers, answers."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from completion.cursorcore import (
    FORMATS,
    IM_END,
    IM_START,
    NEXT_END,
    NEXT_START,
    SEARCH_AND_REPLACE,
    TARGET,
    TARGET_END,
    TARGET_START,
    conversation_messages,
    edit_to_answer,
    fence,
    history_messages,
    mark_area,
    render_conversation,
    to_chat_messages,
)
from completion.cursorcore_answers import parse_answer
from tests.prompts.golden import check_golden


def _area(task: dict[str, Any]) -> int | tuple[int, int] | None:
    area = task.get("area")
    return tuple(area) if isinstance(area, list) else area  # type: ignore[return-value]


def _render(task: dict[str, Any], fmt: str) -> str:
    history = [step["code"] for step in task["history"]]
    return render_conversation(history, task["current"]["code"], task["user"], _area(task), fmt)


def _turns(prompt: str) -> list[tuple[str, str]]:
    """(role, content) of every finished turn of a rendered prompt."""
    return re.findall(r"<\|im_start\|>(\w+)\n(.*?)<\|im_end\|>", prompt, flags=re.DOTALL)


def _block(content: str) -> list[str]:
    lines = content.split("\n")
    assert lines[0] == "```python" and lines[-1] == "```", content
    return lines[1:-1]


# ---------------------------------------------------------------------------- APEval


def test_apeval_has_all_tasks(apeval) -> None:
    assert len(apeval) == 164


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_apeval_task_renders(apeval, fmt) -> None:
    for task in apeval:
        prompt = _render(task, fmt)
        assert prompt.endswith(f"\n{IM_START}assistant\n{NEXT_START}")
        roles = [role for role, _ in _turns(prompt)]
        chain = [s["code"] for s in task["history"]] + [task["current"]["code"]]
        steps = sum(1 for a, b in pairwise(chain) if a != b)
        expected = (
            ["system"] + ["history"] * steps + ["current"] + (["user"] if task["user"] else [])
        )
        assert roles == expected, task["task_id"]
        assert prompt.count(IM_START) == prompt.count(IM_END) + 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_apeval_round_trip_of_every_step(apeval, fmt) -> None:
    pairs = 0
    for task in apeval:
        chain = [s["code"] for s in task["history"]] + [task["current"]["code"]]
        for old, new in pairwise(chain):
            answer = edit_to_answer(old, new, fmt)
            assert answer.startswith(NEXT_START) and answer.endswith(NEXT_END)
            assert parse_answer(old, answer, fmt) == new, task["task_id"]
            pairs += 1
    assert pairs == 228


def _unmark(displayed: list[str], fmt: str) -> str:
    if fmt == "lc":
        displayed = [re.sub(r"^\d+ ", "", line, count=1) for line in displayed]
    return "\n".join(displayed)


@pytest.mark.parametrize("fmt", FORMATS)
def test_markers_sit_at_the_character_offsets_of_the_current_code(apeval, fmt) -> None:
    checked = 0
    for task in apeval:
        area = _area(task)
        code = task["current"]["code"]
        turns = dict(_turns(_render(task, fmt)))
        shown = _unmark(_block(turns["current"]), fmt)
        for role, content in _turns(_render(task, fmt)):
            if role == "history":
                assert TARGET not in content and TARGET_START not in content
        if area is None:
            assert shown == code
            continue
        if isinstance(area, int):
            assert shown.index(TARGET) == area
            assert shown.replace(TARGET, "") == code
        else:
            start, end = area
            assert shown.index(TARGET_START) == start
            assert shown.index(TARGET_END) - len(TARGET_START) == end
            assert shown.replace(TARGET_START, "").replace(TARGET_END, "") == code
        checked += 1
    assert checked == 120


def test_lc_current_code_is_numbered_from_one(apeval) -> None:
    task = next(t for t in apeval if t["history"] and t["user"])
    turns = dict(_turns(_render(task, "lc")))
    lines = _block(turns["current"])
    assert [line.split(" ", 1)[0] for line in lines] == [str(i) for i in range(1, len(lines) + 1)]


def test_lc_history_is_located_in_the_newer_code(apeval) -> None:
    """A history step applied to the newer version as an answer gives back the older one."""
    for task in apeval:
        chain = [s["code"] for s in task["history"]] + [task["current"]["code"]]
        pairs = [(a, b) for a, b in pairwise(chain) if a != b]
        messages = history_messages(chain[:-1], chain[-1], "lc")
        for (older, newer), message in zip(pairs, messages, strict=True):
            assert parse_answer(newer, message, "lc") == older


def test_sr_history_searches_the_older_code(apeval) -> None:
    for task in apeval:
        chain = [s["code"] for s in task["history"]] + [task["current"]["code"]]
        pairs = [(a, b) for a, b in pairwise(chain) if a != b]
        messages = history_messages(chain[:-1], chain[-1], "sr")
        for (older, newer), message in zip(pairs, messages, strict=True):
            assert parse_answer(older, message, "sr") == newer


def test_wf_history_shows_each_older_version_whole(apeval) -> None:
    task = max(apeval, key=lambda t: len(t["history"]))
    history = [s["code"] for s in task["history"]]
    messages = history_messages(history, task["current"]["code"], "wf")
    shown = [a for a, b in pairwise([*history, task["current"]["code"]]) if a != b]
    assert len(shown) < len(history)  # this task repeats a snapshot, which shows no step
    assert ["\n".join(_block(m)) for m in messages] == shown


# ---------------------------------------------------------------------------- answers

OLD = "def f(a, b):\n    x = a\n    y = b\n    return x + y\n"


def test_lc_answer_of_an_insertion_and_a_deletion() -> None:
    new = 'def f(a, b):\n    """Sum."""\n    x = a\n    return x + b\n'
    answer = edit_to_answer(OLD, new, "lc")
    assert answer == (
        f'{NEXT_START}1,1\n```python\n    """Sum."""\n```\n'
        f"2,4\n```python\n    return x + b\n```{NEXT_END}"
    )
    assert parse_answer(OLD, answer, "lc") == new


def test_lc_empty_block_deletes_and_blank_block_inserts_an_empty_line() -> None:
    assert parse_answer(OLD, f"{NEXT_START}2,3\n```python\n```{NEXT_END}", "lc") == OLD.replace(
        "    y = b\n", ""
    )
    assert parse_answer(OLD, "2,3\n```python\n\n```", "lc") == OLD.replace("    y = b", "")


def test_sr_search_grows_until_it_is_unique() -> None:
    old = "x = 1\nprint(x)\ny = 2\nprint(x)\n"
    new = "x = 1\nprint(x)\ny = 2\nprint(y)\n"
    answer = edit_to_answer(old, new, "sr")
    assert (
        answer
        == f"{NEXT_START}```python\ny = 2\nprint(x)\n{SEARCH_AND_REPLACE}\ny = 2\nprint(y)\n```{NEXT_END}"
    )
    assert parse_answer(old, answer, "sr") == new


def test_sr_pure_insertion_is_anchored_on_a_neighbour_line() -> None:
    new = OLD.replace("    y = b\n", "    y = b\n    z = 0\n")
    answer = edit_to_answer(OLD, new, "sr")
    assert "    y = b\n" + SEARCH_AND_REPLACE in answer
    assert parse_answer(OLD, answer, "sr") == new


def test_code_holding_fences_gets_a_longer_fence() -> None:
    old = 'DOC = """\n```python\nx = 1\n```\n"""\n'
    new = old.replace("```python", "```py")
    for fmt in FORMATS:
        answer = edit_to_answer(old, new, fmt)
        assert "````python" in answer
        assert parse_answer(old, answer, fmt) == new


def test_no_change_gives_empty_hunks() -> None:
    assert edit_to_answer(OLD, OLD, "lc") == NEXT_START + NEXT_END
    assert edit_to_answer(OLD, OLD, "sr") == NEXT_START + NEXT_END
    for fmt in FORMATS:
        assert parse_answer(OLD, edit_to_answer(OLD, OLD, fmt), fmt) == OLD


def test_answers_with_chat_after_next_end_and_without_wrappers() -> None:
    new = OLD.replace("x = a", "x = 2 * a")
    for fmt in FORMATS:
        answer = edit_to_answer(OLD, new, fmt)
        assert parse_answer(OLD, answer + "\nI doubled a.<|im_end|>", fmt) == new
        body = answer.removeprefix(NEXT_START).removesuffix(NEXT_END)
        assert parse_answer(OLD, body, fmt) == new


def test_sr_tolerates_trailing_whitespace_in_the_search_text() -> None:
    answer = f"```python\n    y = b   \n{SEARCH_AND_REPLACE}\n    y = 2 * b\n```"
    assert parse_answer(OLD, answer, "sr") == OLD.replace("y = b", "y = 2 * b")


MALFORMED = {
    "wf": ["", "no code at all", "```python\nx = 1\n", f"{NEXT_START}```python\nunclosed"],
    "lc": [
        "```python\nx\n```",  # no range line
        "9,12\n```python\nx\n```",  # out of range
        "3,1\n```python\nx\n```",  # reversed range
        "1,3\n```python\na\n```\n2,4\n```python\nb\n```",  # overlapping
        "1,2\n```python\nnever closed",
    ],
    "sr": [
        "```python\nx = a\n```",  # no separator
        f"```python\nnot in the code\n{SEARCH_AND_REPLACE}\nz\n```",
        f"```python\n{SEARCH_AND_REPLACE}\nz\n```",  # empty search
        f"```python\n    x = a\n    y = b\n{SEARCH_AND_REPLACE}\nq\n```\n"
        f"```python\n    y = b\n{SEARCH_AND_REPLACE}\nr\n```",  # overlapping blocks
    ],
}


@pytest.mark.parametrize(
    ("fmt", "answer"), [(f, a) for f, cases in MALFORMED.items() for a in cases]
)
def test_malformed_answers_mean_no_change(fmt, answer) -> None:
    assert parse_answer(OLD, answer, fmt) == OLD
    assert parse_answer(OLD, NEXT_START + answer + NEXT_END, fmt) == OLD


def test_truncated_answers_never_raise(apeval) -> None:
    for task in apeval[::8]:
        chain = [s["code"] for s in task["history"]] + [task["current"]["code"]]
        old, new = chain[0], chain[-1]
        for fmt in FORMATS:
            answer = edit_to_answer(old, new, fmt)
            for cut in range(0, len(answer), 7):
                assert isinstance(parse_answer(old, answer[:cut], fmt), str)


def test_unknown_format_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="unknown edit format"):
        edit_to_answer("a", "b", "diff")


lines = st.lists(st.sampled_from(["a", "b", "", "    c", "```", "d = 1"]), max_size=8)


@settings(max_examples=300, deadline=None)
@given(lines, lines, st.sampled_from(FORMATS))
def test_round_trip_of_arbitrary_line_edits(old_lines, new_lines, fmt) -> None:
    old, new = "\n".join(old_lines), "\n".join(new_lines)
    assert parse_answer(old, edit_to_answer(old, new, fmt), fmt) == new


# ---------------------------------------------------------------------------- pieces


def test_fence_shapes() -> None:
    assert fence([]) == "```python\n```"
    assert fence([""]) == "```python\n\n```"
    assert fence(["a", "b"], "py") == "```py\na\nb\n```"


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        (None, "héllo"),
        (2, f"hé{TARGET}llo"),
        ((1, 3), f"h{TARGET_START}él{TARGET_END}lo"),
        ((3, 1), f"h{TARGET_START}él{TARGET_END}lo"),
        (99, f"héllo{TARGET}"),
        (-4, f"{TARGET}héllo"),
    ],
)
def test_mark_area(area, expected) -> None:
    assert mark_area("héllo", area) == expected


def test_system_message_and_instruction_are_optional() -> None:
    messages = conversation_messages([], "x = 1", "", None, "wf", system="Be brief.")
    assert messages == [("system", "Be brief."), ("current", "```python\nx = 1\n```")]


def test_chat_messages_carry_the_same_content() -> None:
    history = ["x = 1\n"]
    current = "x = 1\ny = x\n"
    for fmt in FORMATS:
        messages = to_chat_messages(history, current, "rename x", 5, fmt)
        assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
        raw = dict(conversation_messages(history, current, "rename x", 5, fmt))
        assert raw["current"] in messages[-1]["content"]
        assert raw["history"] in messages[-1]["content"]
        assert messages[-1]["content"].endswith("User instruction:\nrename x")
        assert SEARCH_AND_REPLACE in messages[0]["content"] or fmt != "sr"
        # the worked example's answer is itself a valid answer to its current code
        example_current = _block(
            messages[1]["content"].split("Current code:\n")[1].split("\n\n")[0]
        )
        example_code = _unmark(example_current, fmt)
        assert parse_answer(example_code, messages[2]["content"], fmt) != example_code


# ---------------------------------------------------------------------------- golden


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_conversations(apeval, fmt) -> None:
    by_id = {task["task_id"]: task for task in apeval}
    chosen = [
        next(
            t
            for t in apeval
            if len(t["history"]) >= 2 and t["user"] and isinstance(t.get("area"), list)
        ),
        next(
            t for t in apeval if t["history"] and not t["user"] and isinstance(t.get("area"), int)
        ),
        by_id["HumanEval/5"],
    ]
    text = "\n\n=====\n\n".join(f"[{t['task_id']}]\n{_render(t, fmt)}" for t in chosen)
    check_golden(f"cursorcore_{fmt}.txt", text)


def test_golden_chat_messages() -> None:
    messages = to_chat_messages(
        ["def f():\n    pass\n"], "def f():\n    return 1\n", "add a docstring", (4, 8), "lc"
    )
    check_golden(
        "cursorcore_chat_lc.json", json.dumps(messages, indent=1, ensure_ascii=False) + "\n"
    )


def test_echoed_cursor_markers_are_ignored() -> None:
    answer = f"```python\n    y = b{TARGET}\n{SEARCH_AND_REPLACE}\n    y = {TARGET_START}-b{TARGET_END}\n```"
    assert parse_answer(OLD, answer, "sr") == OLD.replace("y = b", "y = -b")


def test_repetitive_code_falls_back_to_a_whole_file_search() -> None:
    old = "\n".join(["pass"] * 300)
    new = "\n".join(["pass"] * 150 + ["return"] + ["pass"] * 149)
    answer = edit_to_answer(old, new, "sr")
    assert answer.count("pass\n") >= 299  # no short unique context exists
    assert parse_answer(old, answer, "sr") == new


def test_large_file_edits_round_trip() -> None:
    old = "\n".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(1500))
    new = old.replace("return x + 700\n", "return x - 700\n").replace("def f3(", "def g3(")
    for fmt in FORMATS:
        assert parse_answer(old, edit_to_answer(old, new, fmt), fmt) == new


@settings(max_examples=300, deadline=None)
@given(lines, lines)
def test_history_steps_of_arbitrary_line_edits_apply(older_lines, newer_lines) -> None:
    older, newer = "\n".join(older_lines), "\n".join(newer_lines)
    if older == newer:
        return
    (lc,) = history_messages([older], newer, "lc")
    (sr,) = history_messages([older], newer, "sr")
    assert parse_answer(newer, lc, "lc") == older
    assert parse_answer(older, sr, "sr") == newer


def test_lc_answer_with_a_bare_fence_and_chat_after_it() -> None:
    code = "def quick_sort(array):\n    if len(array) <= 1:\n        return array"
    answer = (
        "1,1\n```\n    '''Sort an array with quick sort.'''\n```<|next_end|>\n"
        "The docstring explains the function."
    )
    assert parse_answer(code, answer, "lc") == code.replace(
        "(array):\n", "(array):\n    '''Sort an array with quick sort.'''\n", 1
    )
