"""The pure parts of the typing-replay benchmark: what is typed, what the scripted model
answers, and how a run is scored."""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.typing_replay import (
    Answered,
    Key,
    Oracle,
    Replay,
    Segment,
    Shown,
    continuation,
    key_starts,
    keystrokes,
    locate,
    pick_segment,
    score,
    table,
    wrong_version,
)

FILE = (
    "def area(shape):\n"
    "    width = shape.width\n"
    "    height = compute(shape, 2)\n"
    "    return width * height\n"
)


def test_keystrokes_type_the_text_with_the_indentation_on_enter() -> None:
    typed = "    a = 1\n    b = 2\n"
    keys = keystrokes(typed, random.Random(1), 100)
    assert "".join(k.text for k in keys) == typed
    assert "\n    " in [k.text for k in keys]  # Enter brings the next line's indentation
    assert all(k.wait_s >= 0.025 for k in keys)
    assert key_starts([Key("ab", 0), Key("c", 0)], 10) == [10, 12]


def test_a_segment_is_indented_code() -> None:
    segment = pick_segment(Path("m.py"), FILE, 2, random.Random(3))
    assert segment is not None
    assert all(line.startswith("    ") for line in segment.typed.rstrip("\n").split("\n"))
    assert pick_segment(Path("m.py"), "x = 1\n", 2, random.Random(3)) is None


def test_the_cursor_is_found_from_a_fim_prefix_with_a_path_line() -> None:
    at = FILE.index("shape.width")
    assert locate(FILE, "m.py\n" + FILE[:at]) == at
    assert locate(FILE, "nothing like it") is None


def test_the_model_answers_the_true_continuation() -> None:
    oracle = Oracle(0.0, 7)
    oracle.text = FILE
    at = FILE.index("shape.width")
    answer = oracle.answer("<fim_prefix>m.py\n" + FILE[:at] + "<fim_suffix>rest<fim_middle>")
    assert answer.startswith("shape.width\n    height")
    assert oracle.answers == [Answered(at, answer, True, "")]
    assert continuation(FILE, len(FILE)) == ""


def test_a_wrong_answer_is_plausibly_wrong_in_its_first_line() -> None:
    line = "height = compute(shape.depth, 2)\nnext line"
    for seed in range(20):
        wrong = wrong_version(line, random.Random(seed))
        assert wrong is not None and wrong != line and wrong.endswith("\nnext line")
        first = wrong.split("\n")[0]
        assert first != line.split("\n")[0]
    assert wrong_version("\nx", random.Random(1)) is None  # nothing to get wrong on an empty line
    assert wrong_version('("rich", "x.name")', random.Random(1)) is None  # words of strings are left alone


def test_scores_count_wrong_shown_and_correct_held_back() -> None:
    at = FILE.index("shape.width")
    later = FILE.index("compute")
    replay = Replay(keystrokes=5, outcomes=[
        Shown(at, 0.0, 0.1, "shown", "shape.width"),  # right
        Shown(at + 1, 0.0, 0.2, "shown", "hape.widht"),  # wrong
        Shown(at + 2, 0.0, 0.2, "shown", "ape.widht"),  # the same wrong one, typed along
        Shown(later, 0.0, 0.3, "empty"),  # the model was right: held back
        Shown(later + 1, 0.0, None, "stale"),  # not counted
    ])
    answers = {("m.py", later): Answered(later, "compute(shape, 2)", True, "m.py"),
               ("m.py", at + 1): Answered(at + 1, "hape.widht", False, "m.py")}
    texts = dict.fromkeys(range(5), Segment(Path("m.py"), FILE, 0, len(FILE)))
    on = score(replay, answers, texts, requests=2, tokens=10, checker=True)
    assert (on.shown, on.shown_wrong, on.correct_answered, on.correct_held) == (3, 2, 1, 1)
    assert on.per_100(on.requests) == 40.0
    off = score(replay, answers, texts, requests=2, tokens=10, checker=False)
    assert (off.shown, off.shown_wrong, off.correct_held) == (4, 2, 0)
    assert (on.distinct, on.distinct_wrong) == (2, 1)  # the third is the second one typed along
    assert "| shown that were wrong" in table(on, off)
