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
    kinds_table,
    locate,
    mistake,
    parse_args,
    pick_segment,
    score,
    segments,
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
    assert keys[0].text == "    "  # and the first line's, the Enter on the line above
    assert all(k.wait_s >= 0.025 for k in keys)
    assert key_starts([Key("ab", 0), Key("c", 0)], 10) == [10, 12]


def test_a_segment_is_indented_code() -> None:
    segment = pick_segment(Path("m.py"), FILE, 2, random.Random(3))
    assert segment is not None
    assert all(line.startswith("    ") for line in segment.typed.rstrip("\n").split("\n"))
    assert pick_segment(Path("m.py"), "x = 1\n", 2, random.Random(3)) is None


def test_a_segment_is_whole_statements() -> None:
    """Lines typed between existing ones leave the code after them whole: no segment starts or
    ends inside brackets, or leaves an ``else`` / a closer without its beginning."""
    text = (
        "def f(xs):\n"
        "    total = g(\n"
        "        xs,\n"
        "    )\n"
        "    if total:\n"
        "        total += 1\n"
        "    else:\n"
        "        total = 0\n"
        "    return total\n"
    )
    rows = text.split("\n")
    chosen = set()
    for seed in range(60):
        segment = pick_segment(Path("m.py"), text, 2, random.Random(seed))
        assert segment is not None
        chosen.add(text[: segment.start].count("\n"))
    assert chosen == {5, 6, 7}, [rows[i] for i in sorted(chosen)]


def test_the_line_being_typed_has_nothing_after_the_cursor() -> None:
    """The segment's last newline stays in the document: the code after the segment keeps its
    own line instead of being glued to the line being typed."""
    segment = pick_segment(Path("m.py"), FILE, 2, random.Random(3))
    assert segment is not None and not segment.typed.endswith("\n")
    document = FILE[: segment.start] + FILE[segment.end :]
    assert document[segment.start] == "\n"
    assert document[: segment.start] + segment.typed + document[segment.start :] == FILE


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
    for seed in range(20):  # a string the typed start of the line opened holds no member either
        assert mistake('nnection.start_lts", 2)', random.Random(seed), typed='    send("co') is None
    for seed in range(20):  # nor does a comment: a misspelled word there is no mistake in the code
        found = mistake('elif name == "x":  # pragma: no cover', random.Random(seed))
        assert found is None or "# pragma: no cover" in found[0], found
        assert mistake("x = 1  # the connection.timeout", random.Random(seed)) is None


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
               ("m.py", at + 1): Answered(at + 1, "hape.widht", False, "m.py", "member")}
    texts = dict.fromkeys(range(5), Segment(Path("m.py"), FILE, 0, len(FILE)))
    on = score(replay, answers, texts, requests=2, tokens=10, checker=True)
    assert (on.shown, on.shown_wrong, on.correct_answered, on.correct_held) == (3, 2, 1, 1)
    assert on.per_100(on.requests) == 40.0
    off = score(replay, answers, texts, requests=2, tokens=10, checker=False)
    assert (off.shown, off.shown_wrong, off.correct_held) == (4, 2, 0)
    assert (on.distinct, on.distinct_wrong) == (2, 1)  # the third is the second one typed along
    assert "| shown that were wrong" in table(on, off)
    assert on.distinct_kinds["member"] == 1 and on.wrong_kinds["member"] == 2  # the answer's kind, typed along too
    assert [n.split(":")[0] for n in on.notes] == ["wrong shown (member)", "right held back"]
    assert on.notes[1].startswith("right held back: m.py:3:") and "'compute(shape, 2)'" in on.notes[1]


def test_wrong_suggestions_are_told_apart_by_kind() -> None:
    """A misspelled name the line binds is a new name no checker can see: counted apart."""
    line = "        check_ms = 0.0"
    kinds = {mistake(line, random.Random(seed)) for seed in range(10)}
    assert {k for _, k in kinds if k} == {"new-binding"}
    assert mistake("    for item in items:", random.Random(0)) == ("    for itme in items:", "new-binding")
    assert mistake("    self.count = 1", random.Random(0)) == ("    self.conut = 1", "new-binding")
    found = {mistake("x = str(record.error)", random.Random(seed)) for seed in range(30)}
    assert {k for _, k in found if k} >= {"member", "extra-argument", "dropped-argument"}
    assert ("x = str(record.error, None)", "extra-argument") in found
    assert mistake("    def run(self):", random.Random(1)) in {("    def run(slef):", "new-binding"),
                                                               ("    def run(sefl):", "new-binding")}


def test_the_kinds_table_counts_distinct_and_per_keystroke() -> None:
    at = FILE.index("shape.width")
    replay = Replay(keystrokes=2, outcomes=[Shown(at, 0.0, 0.1, "shown", "shape.widht")])
    answers = {("m.py", at): Answered(at, "shape.widht", False, "m.py", "member")}
    texts = {0: Segment(Path("m.py"), FILE, 0, len(FILE))}
    on = score(replay, answers, texts, requests=1, tokens=1, checker=True)
    off = score(replay, answers, texts, requests=1, tokens=1, checker=False)
    rows = kinds_table(on, off, list(answers.values())).split("\n")
    assert any(r.startswith("| member") and r.endswith("| 1 | 1 (1) | 1 (1) |") for r in rows)
    assert "misspelled new names left out" in table(on, off)


def test_the_files_typed_do_not_move_when_other_files_come_and_go(tmp_path: Path) -> None:
    for name in ("a", "b", "c", "d", "e"):
        (tmp_path / f"{name}.py").write_text(FILE)
    before = [s.path.name for s in segments(tmp_path, 3, 2, 7)]
    (tmp_path / "zz_new.py").write_text(FILE)
    (tmp_path / "other.py").write_text(FILE)
    after = [s.path.name for s in segments(tmp_path, 5, 2, 7)]
    assert [n for n in after if n in before] == before  # the earlier picks keep their order
    picked = {s.path.name: s.start for s in segments(tmp_path, 7, 2, 7)}
    assert all(picked[s.path.name] == s.start for s in segments(tmp_path, 3, 2, 7))
    listed = segments(tmp_path, 2, 2, 7, ["e.py", "a.py", "b.py"])
    assert [s.path.name for s in listed] == ["e.py", "a.py"]


def test_a_paths_file_must_name_files(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.py").write_text(FILE)
    (tmp_path / "list.txt").write_text("# typed\na.py\n\n")
    args = parse_args(["--root", str(tmp_path), "--paths", str(tmp_path / "list.txt")])
    assert args.paths == ["a.py"]
    (tmp_path / "bad.txt").write_text("missing.py\n")
    try:
        parse_args(["--root", str(tmp_path), "--paths", str(tmp_path / "bad.txt")])
    except SystemExit as stop:
        assert stop.code == 2
    assert "no file missing.py" in capsys.readouterr().err


def test_a_split_types_its_packages_files_one_workspace_each(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import benchmarks.typing_replay as replay

    roots = {name: tmp_path / f"{name}-1.0" for name in ("alpha", "beta")}
    for name, root in roots.items():
        for module in ("a", "b", "c"):
            (root / name).mkdir(parents=True, exist_ok=True)
            (root / name / f"{module}.py").write_text(FILE)
    monkeypatch.setattr(replay, "split_packages", lambda split: ("alpha", "beta") if split == "tuning" else ())
    monkeypatch.setattr(replay, "spec_of", lambda name: name)
    monkeypatch.setattr(replay, "ensure_package", lambda spec, work: roots[spec])
    groups = replay.split_segments("tuning", 4, 2, 7)
    assert [root for root, _ in groups] == [roots["alpha"], roots["beta"]]  # the split's order
    assert sum(len(chosen) for _, chosen in groups) == 4
    assert all(s.path.is_relative_to(root) for root, chosen in groups for s in chosen)
    every = replay.cut(replay.ordered(list(roots.values()), 7), 6, 2, 7)  # one order over all packages
    first_four = {s.path for _, chosen in groups for s in chosen}
    assert first_four == {s.path for s in every[:4]}
    assert parse_args(["--split", "tuning"]).split == "tuning"
    try:
        parse_args(["--split", "tuning", "--root", str(tmp_path)])
    except SystemExit as stop:
        assert stop.code == 2
    assert "give no --root or --paths" in capsys.readouterr().err


def test_a_mistake_is_told_from_the_whole_line_typed_so_far() -> None:
    found = {mistake("ite(self, text: str) -> int:", random.Random(seed), "    def wr") for seed in range(20)}
    assert found and all(kind == "new-binding" for _, kind in filter(None, found))  # parameters, no call


def test_a_segment_leaves_no_deeper_block_below_it() -> None:
    text = ("def f(items):\n    total = 0\n    for item in items:\n        total += item\n"
            "        if item:\n            total += 1\n    return total\n")
    picks = {pick_segment(Path("f.py"), text, 2, random.Random(seed)) for seed in range(30)}
    typed = {p.typed for p in picks if p is not None}
    assert "    total = 0\n    for item in items:" not in typed  # its loop body would be left below it
    assert "        if item:\n            total += 1" in typed
