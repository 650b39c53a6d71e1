"""``Engine.next_edits``: the ripple with its added arguments filled and every edit checked, the
previous text taken from the edit history, repeated edits generalised, and — with a model, here a
scripted server on 127.0.0.1 — arguments filled by the model and the next edit predicted from the
history, both checked before they are shown."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from completion.api import Engine
from completion.next_edits import NextEditsReport, NextEditsRequest
from completion.settings import Settings
from context.ripple_model import apply_edits, content_stamp
from tests.context.ripple_fixture import write_package
from tests.support.llm_server import ScriptedLLMServer

StartServer = Callable[..., ScriptedLLMServer]
MAKE = "def make(size: int, *, label"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_package(tmp_path)


@pytest.fixture
async def engines() -> AsyncIterator[Callable[..., Engine]]:
    made: list[Engine] = []

    def make(root: Path, **settings: Any) -> Engine:
        engine = Engine(root, Settings(**settings))
        made.append(engine)
        return engine

    yield make
    for engine in made:
        await engine.aclose()


def geometry(root: Path) -> tuple[Path, str]:
    path = (root / "pkg/geometry.py").resolve()
    return path, path.read_text(encoding="utf-8")


def by_text(report: NextEditsReport) -> dict[str, dict[str, Any]]:
    return {e["new_text"]: e for e in report.to_json()["edits"]}


async def test_added_arguments_are_filled_from_bindings_of_their_type_and_checked(
        root: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(root, backend="static")
    path, old = geometry(root)
    new = old.replace(MAKE, "def make(size: int, count: int, *, label")
    report = await engine.next_edits(NextEditsRequest(str(path), text=new, previous=old))
    edits = by_text(report)
    assert set(edits) == {", count", ", count=count"}
    assert all(e["verified"] and not e["hole"] for e in edits.values())
    assert "count (of type int in scope)" in edits[", count"]["reason"]
    assert report.changes == ("added parameter count: int to make",)
    assert any("*args or **kwargs" in h.reason for h in report.holes)
    data = report.to_json()
    assert set(data["edits"][0]) >= {"path", "range", "new_text", "reason", "stamp", "verified"}
    assert set(data["edits"][0]["range"]) == {"start", "end"} and data["backend"] == "static"


async def test_an_argument_nothing_fits_stays_a_visible_hole(root: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(root, backend="static")
    path, old = geometry(root)
    new = old.replace(MAKE, "def make(size: int, blob: bytes, *, label")
    report = await engine.next_edits(NextEditsRequest(str(path), text=new, previous=old))
    assert report.edits and all(e["hole"] and "..." in e["new_text"] for e in report.to_json()["edits"])


async def test_the_previous_text_comes_from_the_edit_history_and_an_undone_edit_proposes_nothing(
        root: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(root, backend="static")
    path, old = geometry(root)
    new = old.replace("def area(", "def surface(")
    engine.record_change(str(path), old, new)
    report = await engine.next_edits(NextEditsRequest(str(path), text=new))
    assert report.changes == ("renamed area → surface",) and len(report.edits) == 7
    engine.record_change(str(path), new, old)  # undone: the step disappears from the history
    undone = await engine.next_edits(NextEditsRequest(str(path), text=old))
    assert undone.edits == () and undone.changes == ()
    same = await engine.next_edits(NextEditsRequest(str(path), text=new, previous=new))
    assert same.edits == ()


async def test_a_huge_fan_out_is_capped_and_the_report_says_how_many_more(
        root: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(root, backend="static")
    path, old = geometry(root)
    new = old.replace("def area(", "def surface(")
    report = await engine.next_edits(NextEditsRequest(str(path), text=new, previous=old, max_edits=2))
    assert len(report.edits) == 2 and report.more == 5
    assert report.to_json()["more"] == 5 and any("5 more edits" in note for note in report.notes)


REPEAT = """\
from pkg.geometry import Shape, area


def first(a: Shape) -> float:
    return area(a)


def second(b: Shape) -> float:
    return area(b)


def third(c: Shape) -> float:
    return area(c)


def fourth(d: Shape) -> float:
    d.scale(1.0)
    return 0.0
"""


async def test_an_edit_repeated_at_two_call_sites_is_proposed_at_the_others(
        root: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(root, backend="static")
    path = (root / "pkg/repeat.py").resolve()
    path.write_text(REPEAT, encoding="utf-8")
    one = REPEAT.replace("area(a)", "area(a, precise=True)")
    two = one.replace("area(b)", "area(b, precise=True)")
    engine.record_change(str(path), REPEAT, one)
    engine.record_change(str(path), one, two)
    report = await engine.next_edits(NextEditsRequest(str(path), text=two))
    [repeat] = [e for e in report.to_json()["edits"] if e["kind"] == "repeat"]
    assert repeat["new_text"] == ", precise=True" and repeat["range"]["start"]["line"] == 12
    assert repeat["verified"] and "repeats your edit" in repeat["reason"]


async def test_a_repeated_replacement_is_proposed_at_the_places_still_waiting(
        root: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(root, backend="static")
    path = (root / "pkg/repeat.py").resolve()
    text = REPEAT.replace("return area(c)", "return area(c) + area(c)")
    path.write_text(text, encoding="utf-8")
    one = text.replace("area(a)", "surface(a)")
    two = one.replace("area(b)", "surface(b)")
    engine.record_change(str(path), text, one)
    engine.record_change(str(path), one, two)
    report = await engine.next_edits(NextEditsRequest(str(path), text=two))
    repeats = [e for e in report.to_json()["edits"] if e["kind"] == "repeat"]
    assert [e["new_text"] for e in repeats] == ["surface", "surface"]
    assert [e["range"]["start"]["line"] for e in repeats] == [12, 12]
    assert not any(e["verified"] for e in repeats)  # surface is no name there: the checker says so
    assert "undefined name 'surface'" in repeats[0]["problems"][0]["message"]


async def test_an_identifier_renamed_alike_at_two_places_is_renamed_at_the_others(
        root: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(root, backend="static")
    path = (root / "pkg/repeat.py").resolve()
    path.write_text(REPEAT, encoding="utf-8")
    one = REPEAT.replace("Shape, area\n", "Shape, surface\n")  # ``area`` before a line end...
    two = one.replace("area(a)", "surface(a)")  # ...then before ``(``: the same rename, not the same text
    engine.record_change(str(path), REPEAT, one)
    engine.record_change(str(path), one, two)
    report = await engine.next_edits(NextEditsRequest(str(path), text=two))
    repeats = [e for e in report.to_json()["edits"] if e["kind"] == "repeat"]
    assert [(e["new_text"], e["range"]["start"]["line"]) for e in repeats] == [("surface", 8), ("surface", 12)]
    assert "area → surface" in repeats[0]["reason"]


ORPHAN = """\
from pkg.geometry import Shape, area


def _measure(s: Shape) -> float:
    return area(s)


def first(a: Shape) -> float:
    return _measure(a)


def second(b: Shape) -> float:
    _measure = area
    return _measure(b)


def third(c: Shape) -> float:
    return _measure(c) + _measure(c)
"""


async def test_a_name_replaced_once_where_it_is_no_longer_defined_is_replaced_at_its_other_uses(
        root: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(root, backend="static")
    path = (root / "pkg/orphan.py").resolve()
    one = ORPHAN.replace("def _measure(s: Shape) -> float:\n    return area(s)\n\n\n", "")  # the helper goes
    two = one.replace("return _measure(a)", "return area(a)")  # and one of its calls is rewritten
    path.write_text(two, encoding="utf-8")
    engine.history.record(str(path), ORPHAN, one, now=0.0)
    engine.history.record(str(path), one, two, now=60.0)  # a pause: two steps, not one
    report = await engine.next_edits(NextEditsRequest(str(path), text=two))
    repeats = [e for e in report.to_json()["edits"] if e["kind"] == "repeat"]
    assert [(e["new_text"], e["range"]["start"]["line"]) for e in repeats] == [("area", 13), ("area", 13)]
    assert all(e["verified"] for e in repeats)  # not in second(): its own ``_measure`` is bound there
    assert "'_measure' is no longer defined" in repeats[0]["reason"]
    report = await engine.next_edits(NextEditsRequest(str(path), text=two, previous=one))
    assert len([e for e in report.edits if e.kind == "repeat"]) == 2


async def test_the_ripple_of_an_earlier_edit_follows_the_call_sites_the_user_updates(
        root: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(root, backend="static")
    path, old = geometry(root)
    new = old.replace("def area(", "def surface(")
    path.write_text(new, encoding="utf-8")
    engine.record_change(str(path), old, new)
    use = (root / "pkg/use.py").resolve()
    before = use.read_text(encoding="utf-8")
    after = before.replace("return area(s)", "return surface(s)")  # one call site updated by hand
    engine.record_change(str(use), before, after)
    report = await engine.next_edits(NextEditsRequest(str(use), text=after))
    assert report.changes == ("renamed area → surface",)
    assert any("from your earlier edit of pkg.geometry" in note for note in report.notes)
    in_use = [e for e in report.edits if e.path == str(use)]
    assert len(in_use) == 4 and all(e.verified and e.new_text == "surface" for e in in_use)
    assert "return surface(t) + surface(x, precise=True) + surface(y, True) + n" in apply_edits(after, in_use)
    assert {Path(e.path).name for e in report.edits} == {"use.py", "__init__.py"}
    path.write_text(old, encoding="utf-8")  # the definition's edit undone: nothing waits any more
    engine.record_change(str(path), new, old)
    undone = await engine.next_edits(NextEditsRequest(str(use), text=after))
    assert undone.edits == () and undone.changes == ()


# -- with a model -------------------------------------------------------------------------------------
async def test_the_model_fills_added_arguments_in_checked_rounds(
        root: Path, llm_server: StartServer, engines: Callable[..., Engine]) -> None:
    server = llm_server([{"match": "undefined name", "answer": "count * 2"}, {"answer": "cuont"}])
    engine = engines(root, backend="openai", base_url=server.url, model="m", max_rounds=1)
    path, old = geometry(root)
    new = old.replace(MAKE, "def make(size: int, count: int, *, label")
    report = await engine.next_edits(NextEditsRequest(str(path), text=new, previous=old))
    edits = by_text(report)
    assert set(edits) == {", count * 2", ", count=count * 2"}
    assert all("by the model, checked" in e["reason"] and e["verified"] for e in edits.values())
    assert len(server.requests) == 6  # three calls, each asked twice: the first filling is rejected
    assert "cuont" in str(server.requests[1].body)  # the second round shows the rejected filling


PREDICTED = "<|next_start|>```python\n    o.scale(3.0)\n<|search_and_replace|>\n    o.scale(3.5)\n```<|next_end|>"
BROKEN = "<|next_start|>```python\n    o.scale(3.0)\n<|search_and_replace|>\n    o.scale(nowhere)\n```<|next_end|>"


def scaled_once(root: Path, engine: Engine) -> tuple[Path, str]:
    """use.py after one recorded edit (a call's argument changed): the history a prediction needs."""
    path = (root / "pkg/use.py").resolve()
    old = path.read_text(encoding="utf-8")
    new = old.replace("Square().scale(1.0)", "Square().scale(1.5)")
    engine.record_change(str(path), old, new)
    return path, new


PREDICTED_LC = "<|next_start|>7,8\n```python\n    o.scale(3.5)\n```<|next_end|>"  # lines [7, 8) replaced


@pytest.mark.parametrize(("edit_format", "answer"), [("sr", PREDICTED), ("lc", PREDICTED_LC)])
async def test_the_next_edit_is_predicted_from_the_history_without_an_instruction(
        root: Path, llm_server: StartServer, engines: Callable[..., Engine], edit_format: str, answer: str) -> None:
    server = llm_server([{"answer": answer}])
    engine = engines(root, backend="openai", base_url=server.url, model="m", edit_format=edit_format)
    path, new = scaled_once(root, engine)
    report = await engine.next_edits(NextEditsRequest(str(path), text=new))
    [predicted] = [e for e in report.to_json()["edits"] if e["kind"] == "predicted"]
    assert predicted["new_text"] == "5" and predicted["range"]["start"] == {"line": 7, "character": 14}
    assert predicted["verified"] and predicted["reason"] == "predicted from your recent edits"
    asked = server.requests[0].body["messages"][-1]["content"]
    assert "Programming process 1" in asked and "Current code" in asked
    history, current = asked.split("Current code", 1)
    # The history holds the line before the step; the current code is the text after it (cursor marked).
    assert "Square().scale(1.0)" in history
    assert "Square().scale(1." in current and "Square().scale(1.0)" not in current
    assert "User instruction" not in asked  # the conversation has no instruction (the worked example has one)
    assert len(server.requests) == 1 and len(report.edits) == 1  # one prediction, checked, no ripple here


async def test_asking_again_in_the_same_state_costs_no_model_request(
        root: Path, llm_server: StartServer, engines: Callable[..., Engine]) -> None:
    server = llm_server([{"answer": PREDICTED}])
    engine = engines(root, backend="openai", base_url=server.url, model="m")
    path, new = scaled_once(root, engine)
    first = await engine.next_edits(NextEditsRequest(str(path), text=new))
    again = await engine.next_edits(NextEditsRequest(str(path), text=new))  # the editor asks after each pause
    assert len(server.requests) == 1
    assert [e.new_text for e in again.edits] == [e.new_text for e in first.edits] == ["5"]
    newer = new.replace("Square().scale(1.5)", "Square().scale(1.25)")
    engine.record_change(str(path), new, newer)
    await engine.next_edits(NextEditsRequest(str(path), text=newer))
    assert len(server.requests) == 2  # another state: asked again


async def test_a_backend_error_is_not_remembered_as_a_prediction(
        root: Path, llm_server: StartServer, engines: Callable[..., Engine]) -> None:
    server = llm_server([{"status": 400, "times": 1}, {"answer": PREDICTED}])
    engine = engines(root, backend="openai", base_url=server.url, model="m")
    path, new = scaled_once(root, engine)
    failed = await engine.next_edits(NextEditsRequest(str(path), text=new))
    assert any(note.startswith("no prediction") for note in failed.notes)
    again = await engine.next_edits(NextEditsRequest(str(path), text=new))
    assert [e.new_text for e in again.edits if e.kind == "predicted"] == ["5"]


async def test_a_predicted_edit_that_brings_an_error_is_dropped(
        root: Path, llm_server: StartServer, engines: Callable[..., Engine]) -> None:
    server = llm_server([{"answer": BROKEN}])
    engine = engines(root, backend="openai", base_url=server.url, model="m", max_rounds=1)
    path, new = scaled_once(root, engine)
    report = await engine.next_edits(NextEditsRequest(str(path), text=new))
    assert not [e for e in report.edits if e.kind == "predicted"]
    assert any("predicted edit was dropped" in note and "nowhere" in note for note in report.notes)
    assert len(server.requests) == 2  # the error round asked again, with the report


async def test_private_files_are_neither_searched_nor_shown_to_the_model(
        root: Path, llm_server: StartServer, engines: Callable[..., Engine]) -> None:
    server = llm_server([{"answer": "count * 2"}])
    engine = engines(root, backend="openai", base_url=server.url, model="m", exclude_globs=("use.py",))
    path, old = geometry(root)
    new = old.replace(MAKE, "def make(size: int, count: int, *, label")
    report = await engine.next_edits(NextEditsRequest(str(path), text=new, previous=old))
    assert report.changes == ("added parameter count: int to make",)
    assert not [e for e in report.edits if e.path.endswith("use.py")]
    assert server.requests == []


async def test_unsaved_buffers_of_other_files_are_edited_as_they_are(
        root: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(root, backend="static")
    path, old = geometry(root)
    use = (root / "pkg/use.py").resolve()
    unsaved = use.read_text(encoding="utf-8").replace("def local() -> int:", "def later() -> float:\n    return area(Shape())\n\n\ndef local() -> int:")
    new = old.replace("def area(", "def surface(")
    report = await engine.next_edits(NextEditsRequest(str(path), text=new, previous=old, buffers={str(use): unsaved}))
    in_use = [e for e in report.edits if e.path == str(use)]
    assert len(in_use) == 6 and {e.stamp for e in in_use} == {content_stamp(unsaved)}
    assert "return surface(Shape())" in apply_edits(unsaved, in_use)
