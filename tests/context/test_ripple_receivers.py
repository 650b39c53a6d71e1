"""The ripple through receivers bound by comprehensions, loops and tuple unpacking, and the uses on
receivers of unknown type it cannot decide: those are holes with a reason, never dropped."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer
from context.ripple import MAX_UNSURE, find_ripple
from context.ripple_model import Ripple, apply_edits
from tests.context.ripple_fixture import write_package

WIDGETS = """\
    from __future__ import annotations


    class Widget:
        def render_lines(self, width: int) -> list[str]:
            return []


    class Other:
        def render_lines(self, width: int) -> list[str]:
            return []


    def two() -> tuple[Widget, Other]:
        return Widget(), Other()
    """


def widgets_package(tmp_path: Path, use: str) -> Path:
    """A package of ``pkg/widgets.py`` (two classes with a ``render_lines``) and ``pkg/use.py``."""
    return write_package(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/widgets.py": WIDGETS,
                                    "pkg/use.py": use})


def renamed(root: Path) -> tuple[Path, Ripple]:
    """The ripple of renaming ``Widget.render_lines`` to ``render_rows``."""
    path = (root / "pkg/widgets.py").resolve()
    old = path.read_text(encoding="utf-8")
    new = old.replace("def render_lines(self, width", "def render_rows(self, width", 1)
    return path, find_ripple(Analyzer(root), path, old, new)


def edited(root: Path, ripple: Ripple, relative: str) -> str:
    path = (root / relative).resolve()
    return apply_edits(path.read_text(encoding="utf-8"), [e for e in ripple.edits if Path(e.path) == path])


def test_loops_over_a_comprehension_type_their_targets_from_its_element(tmp_path: Path) -> None:
    root = widgets_package(tmp_path, """\
            from __future__ import annotations

            from pkg.widgets import Other, Widget


            class Layout:
                @property
                def visible(self) -> dict[Widget, tuple[int, int]]:
                    return {}

                def paint(self, crop: bool, others: list[Other]) -> None:
                    visible = self.visible
                    if crop:
                        regions = [(w, r, c) for w, (r, c) in visible.items() if c]
                    else:
                        regions = [(w, r, c) for w, (r, c) in visible.items()]
                    for widget, region, clip in regions:
                        widget.render_lines(region)
                    for first in (w for w in visible):
                        first.render_lines(0)
                    for other in [o for o in others]:
                        other.render_lines(1)


            def outer(widgets: list[Other]) -> None:
                items = [w for w in widgets]

                def inner(widgets: list[Widget]) -> None:
                    for item in items:
                        item.render_lines(2)  # an Other: the comprehension reads outer's widgets

                inner([])
            """)
    _, ripple = renamed(root)
    use = edited(root, ripple, "pkg/use.py")
    assert "widget.render_rows(region)" in use and "first.render_rows(0)" in use
    assert "other.render_lines(1)" in use and "item.render_lines(2)" in use  # Other's method: left alone
    assert not ripple.holes


def test_comprehension_variables_loop_targets_and_unpacked_returns_are_typed(tmp_path: Path) -> None:
    root = widgets_package(tmp_path, """\
            from __future__ import annotations

            from pkg.widgets import Other, Widget, two


            def comp(widgets: list[Widget]) -> list[list[str]]:
                return [w.render_lines(1) for w in widgets]


            def loop(items: list[tuple[Widget, int]], table: dict[str, Widget]) -> None:
                for a, b in items:
                    a.render_lines(b)
                for i, w in enumerate(table.values()):
                    w.render_lines(i)
                for k, v in table.items():
                    v.render_lines(len(k))


            def unpack() -> None:
                try:
                    x, y = two()
                except ValueError:
                    return
                x.render_lines(3)
                y.render_lines(4)


            def four() -> tuple[Widget, Other, Widget, Other]:
                raise NotImplementedError


            def starred() -> None:
                head, *middle, tail = four()
                head.render_lines(5)
                tail.render_lines(6)  # the last item: an Other
            """)
    _, ripple = renamed(root)
    use = edited(root, ripple, "pkg/use.py")
    for call in ("w.render_rows(1)", "a.render_rows(b)", "w.render_rows(i)", "v.render_rows(len(k))",
                 "x.render_rows(3)", "head.render_rows(5)"):
        assert call in use
    assert "y.render_lines(4)" in use and "tail.render_lines(6)" in use  # Other's method: left alone


def test_uses_on_receivers_of_unknown_type_of_a_shared_name_are_holes_capped_with_a_count(tmp_path: Path) -> None:
    calls = "\n".join(f"    z.render_lines({i})" for i in range(MAX_UNSURE + 3))
    root = widgets_package(tmp_path, f"def unknown(z):\n{calls}\n")
    _, ripple = renamed(root)
    assert not ripple.edits  # Other.render_lines bears the name too: z may be one
    assert len(ripple.holes) == MAX_UNSURE
    first = ripple.holes[0]
    assert (first.line, first.column, first.end_column) == (1, 6, 18)
    assert "receiver's type is unknown" in first.reason and "render_lines" in first.reason
    assert any(note.startswith("and 3 more uses of '.render_lines'") for note in ripple.notes)


def test_isinstance_narrows_a_receiver_until_the_name_is_bound_again(tmp_path: Path) -> None:
    root = widgets_package(tmp_path, """\
            from pkg.widgets import Other, Widget


            def narrowed(x: object, items: list[object], y: object) -> None:
                if isinstance(x, Widget) and x:
                    x.render_lines(1)
                elif isinstance(x, (Other, int)):
                    x.render_lines(2)
                for item in items:
                    if not isinstance(item, Widget):
                        continue
                    item.render_lines(3)
                [i.render_lines(4) for i in items if isinstance(i, Widget)]
                assert isinstance(y, Widget)
                y.render_lines(5)
                if isinstance(x, Widget):
                    x = Other()
                    x.render_lines(6)
                if isinstance(x, Widget):
                    [x.render_lines(7) for x in items]
            """)
    _, ripple = renamed(root)
    use = edited(root, ripple, "pkg/use.py")
    for call in ("x.render_rows(1)", "item.render_rows(3)", "i.render_rows(4)", "y.render_rows(5)"):
        assert call in use
    for call in ("x.render_lines(2)", "x.render_lines(6)", "x.render_lines(7)"):
        assert call in use
    # x is an object again after its new binding, and in the comprehension: holes, not edits
    assert sorted(h.line for h in ripple.holes) == [17, 19]


def test_a_receiver_inferred_as_only_none_is_of_unknown_type(tmp_path: Path) -> None:
    # ``self.inner`` is typed from the branch the inference could read (None), ``self.later``
    # from its first value; an attribute read on them means they hold something else by then.
    root = widgets_package(tmp_path, """\
            class Holder:
                def __init__(self, w):
                    self.inner = ~w if w is not None else None
                    self.later = None

                def paint(self) -> None:
                    self.inner.render_lines(1)
                    self.later.render_lines(2)

                def fill(self, x) -> None:
                    self.later = x
            """)
    _, ripple = renamed(root)
    assert not ripple.edits  # Other.render_lines bears the name too
    assert [(h.line, h.column) for h in ripple.holes] == [(6, 19), (7, 19)]
    assert all("receiver's type is unknown" in h.reason for h in ripple.holes)


def test_a_receiver_of_a_union_type_reaches_the_member_of_each_type(tmp_path: Path) -> None:
    root = widgets_package(tmp_path, """\
            from __future__ import annotations

            from pkg.widgets import Other, Widget


            def either(x: Widget | Other, y: Widget | None) -> None:
                x.render_lines(1)
                y.render_lines(2)
            """)
    path = (root / "pkg/widgets.py").resolve()
    old = path.read_text(encoding="utf-8")
    at = old.index("class Other")
    new = old[:at] + old[at:].replace("def render_lines(", "def render_rows(", 1)  # Other's method
    ripple = find_ripple(Analyzer(root), path, old, new)
    use = edited(root, ripple, "pkg/use.py")
    assert "x.render_rows(1)" in use  # x may be an Other
    assert "y.render_lines(2)" in use and not ripple.holes


def test_a_module_level_function_is_never_followed_through_a_receiver_of_unknown_type(tmp_path: Path) -> None:
    # No other definition bears the name, but ``match.group()`` is some object's method: the
    # module's function is reached through the module, whose type is known.
    root = write_package(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "",
                                    "pkg/grouping.py": "def group_tokens(stmt):\n    return stmt\n",
                                    "pkg/use.py": """\
            import re

            from pkg import grouping
            from pkg.grouping import group_tokens


            def run(text, match):
                return group_tokens(text), grouping.group_tokens(text), match.group_tokens()
            """})
    path = (root / "pkg/grouping.py").resolve()
    old = path.read_text(encoding="utf-8")
    ripple = find_ripple(Analyzer(root), path, old, old.replace("def group_tokens(", "def cluster("))
    use = edited(root, ripple, "pkg/use.py")
    assert "from pkg.grouping import cluster" in use
    assert "return cluster(text), grouping.cluster(text), match.group_tokens()" in use
    [hole] = ripple.holes
    assert (hole.line, hole.column) == (7, 66) and "does not name the module" in hole.reason


def test_types_named_through_the_imports_of_a_function_type_its_receivers(tmp_path: Path) -> None:
    root = widgets_package(tmp_path, """\
            def wrap(f):
                from pkg.widgets import Widget

                def run():
                    try:
                        f()
                    except Widget as e:
                        return e.render_lines(1)

                return run


            def check(x):
                from pkg import widgets

                if isinstance(x, widgets.Widget):
                    return x.render_lines(2)
            """)
    _, ripple = renamed(root)
    use = edited(root, ripple, "pkg/use.py")
    assert "return e.render_rows(1)" in use and "return x.render_rows(2)" in use
    assert not ripple.holes


def test_a_module_level_function_is_followed_through_a_receiver_spelled_as_a_package_exporting_it(
        tmp_path: Path) -> None:
    root = write_package(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "",
                                    "pkg/helpers/__init__.py": "from .parse_link import parse_link\n",
                                    "pkg/helpers/parse_link.py": "def parse_link(text):\n    return text\n",
                                    "pkg/use.py": """\
            def run(state, text):
                return state.md.helpers.parse_link(text)
            """})
    path = (root / "pkg/helpers/parse_link.py").resolve()
    old = path.read_text(encoding="utf-8")
    ripple = find_ripple(Analyzer(root), path, old, old.replace("def parse_link(", "def parse_target("))
    assert "return state.md.helpers.parse_target(text)" in edited(root, ripple, "pkg/use.py")
    assert "import parse_target" in edited(root, ripple, "pkg/helpers/__init__.py")
