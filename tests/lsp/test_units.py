"""Unit tests of the server's pure pieces: caches, ranking, converters, hole finding, status."""

from __future__ import annotations

from lsprotocol import types

from completion.lru import LruCache
from completion.model import BackendStatus, TextRange
from context.model import Binding, Definition, HoleContext
from lsp_server.caches import TypeAheadCache, hole_key
from lsp_server.convert import apply_span, changed_span, internal_position, lsp_range, plain
from lsp_server.features.commands import hole_positions
from lsp_server.ranking import fit_tier, ranked_items, union_members
from lsp_server.status import StatusReporter


def test_lru_cache_evicts_the_oldest_and_counts_hits():
    cache: LruCache[str, int] = LruCache("t", capacity=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)  # evicts b, the least recently used
    assert cache.get("b") is None and cache.get("c") == 3
    assert cache.hits == 2 and cache.misses == 1
    cache.drop_where(lambda key: key == "a")
    assert cache.get("a") is None


def test_type_ahead_serves_the_rest_only_while_the_typing_matches():
    cache = TypeAheadCache()
    cache.remember("u", "x = ", "\n", ("shapes[0]", "shape"))
    assert cache.rest("u", "x = sh", "\n") == ("apes[0]", "ape")
    assert cache.rest("u", "x = shapes[", "\n") == ("0]",)
    assert cache.rest("u", "x = q", "\n") is None  # diverged
    assert cache.rest("u", "x = sh", "\nmore") is None  # the text after the cursor changed
    assert cache.rest("u", "x = ", "\n") is None  # nothing typed yet
    assert cache.rest("u", "x = shapes[0]", "\n") is None  # all typed
    assert cache.hits == 2


def test_hole_key_keeps_only_the_text_near_the_hole():
    far = "a" * 10_000
    assert hole_key("p", far + "x = ", "\n") == hole_key("p", "b" * 10_000 + far + "x = ", "\n")
    assert hole_key("p", "x = ", "\n") != hole_key("p", "y = ", "\n")


def test_union_members_and_fit_tiers():
    assert union_members("Optional[Shape]") == {"Shape", "None"}
    assert union_members("Shape | None") == {"Shape", "None"}
    assert union_members("Union[int, dict[str, int]]") == {"int", "dict[str,int]"}
    assert fit_tier("Shape", "Shape | None") == 0
    assert fit_tier("list[int]", "list[str]") == 1
    assert fit_tier("str", "Shape") == 2
    assert fit_tier(None, "Shape") == 2


def test_ranked_items_put_fitting_bindings_and_headers_first():
    hole = HoleContext(
        path="/w/a.py",
        line=0,
        column=0,
        hole_kind="expression",
        prefix="",
        suffix="",
        expected_type="Shape",
        typing_context=(
            Binding("label", "str", "parameter"),
            Binding("shapes", "list[Shape]", "parameter"),
            Binding("first", "Shape", "local"),
        ),
        relevant_headers=(
            Definition("make_shape", "function", "def make_shape() -> Shape", type="Shape"),
        ),
    )
    labels = [item.label for item in ranked_items(hole)]
    assert labels == ["first", "make_shape", "label", "shapes"]  # then by name


def test_ranked_items_after_a_dot_are_the_receiver_members():
    hole = HoleContext(
        path="/w/a.py",
        line=0,
        column=0,
        hole_kind="attribute",
        prefix="",
        suffix="",
        expected_type="float",
        typing_context=(Binding("origin", "Point", "parameter"),),
        receiver="origin",
        receiver_type="Point",
        receiver_members=(
            Definition("name", "attribute", "name: str", type="str"),
            Definition("x", "attribute", "x: float", type="float"),
        ),
    )
    assert [item.label for item in ranked_items(hole)] == ["x", "name"]


def test_positions_convert_utf16_at_the_edge():
    text = 'a = "😀"; b = 1\n'
    line, column = internal_position(text, types.Position(line=0, character=8))
    assert (line, column) == (0, 7)  # the emoji counts 2 UTF-16 units, 1 code point
    span = lsp_range(text, TextRange(0, 7, 0, 8))
    assert (span.start.character, span.end.character) == (8, 9)


def test_apply_span_replaces_across_lines():
    text = "ab\ncd\nef"
    assert apply_span(text, TextRange(0, 1, 2, 1), "X") == "aXf"
    assert apply_span(text, TextRange(1, 2, 1, 2), "!") == "ab\ncd!\nef"


def test_hole_positions_find_placeholders_and_incomplete_lines():
    text = "x = ...\ny = 1\nz = foo(\nw = __hole__\n# note: a, \n"
    everything = types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=5, character=0)
    )
    found = [(p.line, p.character) for p in hole_positions(text, everything)]
    assert found == [(0, 4), (2, 8), (3, 4)]


def test_changed_span_is_the_smallest_replacement():
    old = "a = 1\nb = ...\nc = 3\n"
    new = "a = 1\nb = a + 1\nc = 3\n"
    span, text = changed_span(old, new)
    assert (span, text) == (TextRange(1, 4, 1, 7), "a + 1")
    assert apply_span(old, span, text) == new
    assert changed_span("same", "same") == (TextRange(0, 4, 0, 4), "")
    span, text = changed_span("aaa", "aaaa")
    assert apply_span("aaa", span, text) == "aaaa"


def test_plain_turns_namedtuples_into_dicts():
    from collections import namedtuple

    Obj = namedtuple("Obj", ["uri", "position"])
    Pos = namedtuple("Pos", ["line"])
    assert plain(Obj("u", Pos(3))) == {"uri": "u", "position": {"line": 3}}
    assert plain([Pos(1)]) == [{"line": 1}]


def test_status_reporter_shows_each_distinct_error_once():
    sent: list[tuple[str, dict]] = []
    shown: list[types.ShowMessageParams] = []
    reporter = StatusReporter(lambda method, payload: sent.append((method, payload)), shown.append)
    status = BackendStatus("openai", "m", "http://127.0.0.1:1")
    for _ in range(3):
        reporter.error(status, "openai backend at x: unreachable")
    assert len(shown) == 1 and len(sent) == 1
    reporter.error(status, "openai backend at x: timed out")
    assert len(shown) == 2
    reporter.ok(status)
    assert sent[-1][1]["state"] == "ok" and sent[-1][1]["lastError"] is None
    reporter.error(status, "openai backend at x: timed out")  # after recovery: shown again
    assert len(shown) == 3


async def test_other_projects_get_their_own_engines_and_few_are_kept(tmp_path, monkeypatch) -> None:
    import asyncio

    from completion.settings import Settings
    from lsp_server import projects as projects_module
    from lsp_server.background import Background
    from lsp_server.projects import Projects

    monkeypatch.setenv("HOLEPILOT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(projects_module, "MAX_OTHER_PROJECTS", 2)
    roots = []
    for name in ("main", "a", "b", "c"):
        root = tmp_path / name
        root.mkdir()
        (root / "pyproject.toml").write_text("", encoding="utf-8")
        (root / "m.py").write_text("x = 1\n", encoding="utf-8")
        roots.append(root)
    background = Background()
    projects = Projects(background)
    projects.start(str(roots[0]), Settings())
    try:
        assert projects.engine_for(str(roots[0] / "m.py")) is projects.engine
        first = projects.engine_for(str(roots[1] / "m.py"))
        assert first is not projects.engine and first.root == roots[1].resolve()
        assert projects.engine_for(str(roots[1] / "m.py")) is first
        projects.engine_for(str(roots[2] / "m.py"))
        projects.engine_for(str(roots[3] / "m.py"))  # the least recently used ("a") is closed
        assert [e.root.name for e in projects.others.values()] == ["b", "c"]
        assert projects.engine_for("/no/project/here.py") is projects.engine
        for _ in range(100):
            if not background.tasks:
                break
            await asyncio.sleep(0.02)
    finally:
        await projects.close()


def test_a_library_file_under_a_repository_is_not_another_project(tmp_path) -> None:
    from completion.api import Engine
    from completion.settings import Settings

    (tmp_path / "main").mkdir()
    tool = tmp_path / "tool"  # e.g. a pyenv checkout: a git repository holding environments
    library = tool / "versions" / "3.11" / "lib" / "site-packages" / "pkg"
    library.mkdir(parents=True)
    (tool / ".git").mkdir()
    (library / "mod.py").write_text("x = 1\n", encoding="utf-8")
    (tool / "script.py").write_text("x = 1\n", encoding="utf-8")
    engine = Engine(tmp_path / "main", Settings(backend="static"))
    assert engine.other_project(str(library / "mod.py")) is None
    assert engine.other_project(str(tool / "script.py")) == tool.resolve()


def test_a_late_answer_about_another_document_leaves_off_for_this_file_shown():
    sent: list[tuple[str, dict[str, object]]] = []
    reporter = StatusReporter(lambda method, payload: sent.append((method, payload)), lambda _: None)
    status = BackendStatus("openai", "m", "http://127.0.0.1:1")
    reporter.ok(status)
    reporter.file_off("file:///w/generated.py", "off for this file", suggestions_only=True)
    reporter.working(status)  # the completion of the file the user left, answered late
    reporter.ok(status)
    assert sent[-1][1]["state"] == "disabled" and sent[-1][1]["uri"] == "file:///w/generated.py"
    reporter.error(status, "openai backend at x: unreachable")  # an error is always said
    assert sent[-1][1]["state"] == "error"
    reporter.file_off("file:///w/generated.py", "off for this file", suggestions_only=True)
    reporter.file_on("file:///w/main.py", suggestion=True)  # a document holepilot serves
    assert sent[-1][1]["state"] == "error"
