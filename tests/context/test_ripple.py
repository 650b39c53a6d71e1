"""The ripple of an edit at a definition: every reference, call and use that must follow, across
files, each edit exact; and what the ripple leaves alone or reports instead."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from context.api import Analyzer
from context.definition_changes import definition_changes
from context.ripple import find_ripple
from context.ripple_check import verify_ripple
from context.ripple_model import Ripple, SourceText, apply_edits, content_stamp, make_edit
from tests.context.ripple_fixture import write_package


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_package(tmp_path)


@dataclasses.dataclass
class Edited:
    analyzer: Analyzer
    path: Path
    old: str
    new: str
    ripple: Ripple

    def files(self, root: Path) -> dict[str, str]:
        return applied(root, self.path, self.new, self.ripple)

    def verified(self, ripple: Ripple | None = None) -> Ripple:
        return verify_ripple(self.analyzer, self.path, self.old, self.new, ripple or self.ripple)


def edit(root: Path, relative: str, old: str, new: str, max_edits: int = 200) -> Edited:
    """The ripple of replacing ``old`` by ``new`` in a file of the package."""
    analyzer = Analyzer(root)
    path = (root / relative).resolve()
    before = path.read_text(encoding="utf-8")
    after = before.replace(old, new, 1)
    assert after != before, f"{old!r} is not in {relative}"
    return Edited(analyzer, path, before, after, find_ripple(analyzer, path, before, after, max_edits=max_edits))


def applied(root: Path, path: Path, new: str, ripple: Ripple) -> dict[str, str]:
    """Every file's text once the ripple's edits are applied (relative path -> text)."""
    out: dict[str, str] = {}
    for file in sorted((root / "pkg").glob("*.py")):
        file = file.resolve()
        text = new if file == path else file.read_text(encoding="utf-8")
        out[file.name] = apply_edits(text, [e for e in ripple.edits if Path(e.path) == file])
    return out


def lines_with(text: str, word: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if word in line]


# -- 1. renames -----------------------------------------------------------------------------------------
def test_a_renamed_function_is_renamed_in_imports_all_calls_and_module_attributes(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def area(", "def surface(")
    assert done.ripple.changes == ("renamed area → surface",)
    files = done.files(root)
    assert files["__init__.py"].startswith("from .geometry import Shape, surface\n")
    assert '__all__ = ["Shape", "surface"]' in files["__init__.py"]
    use = files["use.py"]
    assert "from pkg.geometry import Shape, Square, surface, make, total" in use
    assert "return surface(t) + surface(x, precise=True) + surface(y, True) + n" in use
    assert lines_with(use, "area") == ["area = 3", "return area"]  # a local of the same name stays
    assert all(e.reason == "renamed area → surface" and e.kind == "rename" for e in done.ripple.edits)


def test_a_renamed_method_follows_typed_receivers_self_and_subclasses_only(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def scale(self, factor: float) -> \"Shape\"",
                                            "def resize(self, factor: float) -> \"Shape\"")
    files = done.files(root)
    assert "return self.resize(2.0)" in files["geometry.py"]
    assert "def scale(self, factor: float) -> int:" in files["geometry.py"]  # Other.scale is another method
    use = files["use.py"]
    assert "t = s.resize(2.0)" in use and "Square().resize(1.0)" in use
    assert "o.scale(3.0)" in use  # a receiver of another class
    assert 'getattr(s, "scale")' in files["dynamic.py"]
    assert any("dynamic use of 'scale'" in h.reason and h.path.endswith("dynamic.py") for h in done.ripple.holes)


def test_a_renamed_class_is_renamed_in_annotations_strings_and_calls(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "class Shape:", "class Figure:")
    files = done.files(root)
    geometry = files["geometry.py"]
    assert 'def scale(self, factor: float) -> "Figure":' in geometry
    assert "class Square(Figure):" in geometry and "return Figure()" in geometry
    assert "def area(shape: Figure, precise: bool = False)" in geometry
    assert files["use.py"].startswith("from pkg.geometry import Figure, Square, area, make, total")
    assert "def run(s: Figure," in files["use.py"]
    assert '__all__ = ["Figure", "area"]' in files["__init__.py"]


def test_a_renamed_module_variable_is_renamed_where_read(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "LIMIT = 10", "MAXIMUM = 10")
    files = done.files(root)
    assert "return count + inner() + shadow(3) + MAXIMUM" in files["geometry.py"]
    assert "geometry.MAXIMUM" in files["use.py"]
    assert {e.stamp for e in done.ripple.edits if Path(e.path) == done.path} == {content_stamp(done.new)}


# -- 2. added parameters --------------------------------------------------------------------------------
def test_an_added_parameter_gives_each_call_an_argument_in_the_form_it_allows(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def make(size: int, *, label",
                                            "def make(size: int, count: int, *, label")
    files = done.files(root)
    use = files["use.py"]
    assert "x = make(3, ...)" in use
    assert 'y = geometry.make(4, label="y", count=...)' in use  # the call names a later parameter
    assert "z = make(size=5, count=...)" in use  # the call names the parameter before
    assert all(e.hole == (e.new_text.split("...")[0], e.new_text.split("...")[1]) for e in done.ripple.edits)
    assert {e.argument.name for e in done.ripple.edits if e.argument} == {"count"}
    assert any("*args or **kwargs" in h.reason and h.path.endswith("dynamic.py") for h in done.ripple.holes)


def test_a_keyword_only_parameter_is_passed_by_keyword(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", 'label: str = "") -> Shape',
                                            'label: str = "", tag: str) -> Shape')
    use = done.files(root)["use.py"]
    assert "x = make(3, tag=...)" in use and 'geometry.make(4, label="y", tag=...)' in use


def test_a_parameter_added_with_a_default_needs_nothing(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def make(size: int,", "def make(size: int, count: int = 1,")
    assert done.ripple.edits == () and done.ripple.changes == ()


def test_a_parameter_added_in_the_middle_goes_before_the_later_positional_arguments(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def area(shape: Shape, precise",
                                            "def area(shape: Shape, unit: str, precise")
    use = done.files(root)["use.py"]
    assert "area(t, ...)" in use and "area(y, ..., True)" in use
    assert "area(x, precise=True, unit=...)" in use  # the call names a later parameter: by keyword


# -- 3. removed parameters ------------------------------------------------------------------------------
def test_a_removed_parameter_loses_its_argument_positional_or_keyword(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def area(shape: Shape, precise: bool = False)",
                                            "def area(shape: Shape)")
    use = done.files(root)["use.py"]
    assert "return area(t) + area(x) + area(y) + n" in use
    assert len(done.ripple.edits) == 2  # area(t) did not pass it
    assert done.ripple.changes == ("removed parameter precise of area",)


def test_a_removed_parameter_that_may_come_through_kwargs_is_reported(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def make(size: int, *, label: str = \"\")",
                                            "def make(size: int)")
    use = done.files(root)["use.py"]
    assert "y = geometry.make(4)" in use
    assert any("may hold the removed argument" in h.reason for h in done.ripple.holes if h.path.endswith("dynamic.py"))


# -- 4. renamed parameters ------------------------------------------------------------------------------
def test_a_renamed_parameter_follows_keywords_and_uses_in_the_body_not_shadows(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def total(count: int)", "def total(amount: int)")
    files = done.files(root)
    geometry = files["geometry.py"]
    assert "return amount + 1" in geometry  # the closure reads the parameter
    assert "def shadow(count: int) -> int:\n        return count" in geometry  # its own parameter
    assert "return amount + inner() + shadow(3) + LIMIT" in geometry
    assert "n = total(amount=2) + geometry.LIMIT" in files["use.py"]
    assert {e.kind for e in done.ripple.edits} == {"rename-use", "rename-keyword"}



def test_a_renamed_parameter_is_renamed_in_the_nonlocal_statements_of_closures(tmp_path: Path) -> None:
    root = write_package(tmp_path, {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/count.py": """\
            def counter(start: int) -> int:
                def bump() -> None:
                    nonlocal step, start
                    start += step

                def shadow(start: int) -> int:
                    def again() -> None:
                        nonlocal start
                        start += 1
                    return start

                step = 1
                bump()
                return start + shadow(1)
            """,
    })
    done = edit(root, "pkg/count.py", "def counter(start: int)", "def counter(begin: int)")
    count = done.files(root)["count.py"]
    assert "nonlocal step, begin\n        begin += step" in count
    assert "nonlocal start\n            start += 1\n        return start" in count  # shadow's own
    assert "return begin + shadow(1)" in count

# -- 5. changed types -----------------------------------------------------------------------------------
def test_a_changed_return_type_lists_the_uses_that_no_longer_type_check(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "precise: bool = False) -> float:",
                                            "precise: bool = False) -> str:")
    assert done.ripple.edits == ()
    checked = done.verified()
    holes = [h for h in checked.holes if h.path.endswith("use.py")]
    assert [h.line for h in holes] == [21]  # ``return area(s)`` in measured() -> float
    assert "no longer type-checks (return type of area changed: float → str)" in holes[0].reason


# -- verification ----------------------------------------------------------------------------------------
def _the_edit_before(ripple: Ripple, path: Path, following: str) -> int:
    """The index of the edit of ``path`` that ``following`` comes right after."""
    text = ripple.texts[str(path)]
    [index] = [i for i, e in enumerate(ripple.edits)
               if e.path == str(path) and text[e.end : e.end + len(following)] == following]
    return index


def test_a_correct_ripple_verifies_and_a_wrong_edit_carries_its_new_error(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def area(", "def surface(")
    checked = done.verified()
    assert checked.edits and all(e.verified for e in checked.edits)
    assert not [h for h in checked.holes if "new error" in h.reason]
    wrong = list(done.ripple.edits)
    at = _the_edit_before(done.ripple, (root / "pkg/use.py").resolve(), "(t)")
    wrong[at] = wrong[at].fill("surfac")
    checked = done.verified(dataclasses.replace(done.ripple, edits=tuple(wrong)))
    flagged = [e for e in checked.edits if e.problems]
    assert flagged == [checked.edits[at]] and "surfac" in flagged[0].problems[0].message


def test_a_reference_left_behind_is_a_hole_after_verification(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def area(", "def surface(")
    use = (root / "pkg/use.py").resolve()
    at = _the_edit_before(done.ripple, use, "(t)")
    kept = done.ripple.edits[:at] + done.ripple.edits[at + 1 :]
    checked = done.verified(dataclasses.replace(done.ripple, edits=kept))
    left = [h for h in checked.holes if h.path == str(use) and "area" in h.reason]
    assert left and left[0].line == 12 and "new error" in left[0].reason


# -- bad input -------------------------------------------------------------------------------------------
def test_an_edit_that_breaks_the_file_answers_what_it_can_without_failing(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def area(shape: Shape, precise: bool = False)",
                "def surface(shape: Shape, precise: bool = False")
    assert done.ripple.edits == ()  # the definition's line does not parse: nothing certain to propose
    done = edit(root, "pkg/geometry.py", "    return Shape()\n", "    return Shape(\n")
    assert done.ripple.edits == () and done.ripple.changes == ()
    # A file broken elsewhere: the definition that still reads well ripples all the same.
    path = (root / "pkg/geometry.py").resolve()
    broken = path.read_text(encoding="utf-8").replace("def area(", "def surface(") + "\ndef oops(:\n"
    ripple = find_ripple(done.analyzer, path, path.read_text(encoding="utf-8"), broken)
    assert ripple.changes == ("renamed area → surface",) and len(ripple.edits) == 7


def test_an_unchanged_text_and_a_definition_without_callers_propose_nothing(root: Path) -> None:
    analyzer = Analyzer(root)
    path = (root / "pkg/geometry.py").resolve()
    text = path.read_text(encoding="utf-8")
    assert find_ripple(analyzer, path, text, text).edits == ()
    done = edit(root, "pkg/geometry.py", "def grow(self)", "def enlarge(self)")
    assert done.ripple.changes == ("renamed grow → enlarge",) and done.ripple.edits == () and done.ripple.holes == ()


def test_unreadable_files_of_the_workspace_are_skipped(root: Path) -> None:
    (root / "pkg/binary.py").write_bytes(b"area\x00\xff\xfe")
    (root / "pkg/latin.py").write_bytes("x = 'área'\narea = 1\n".encode("latin-1"))
    done = edit(root, "pkg/geometry.py", "def area(", "def surface(")
    assert {Path(e.path).name for e in done.ripple.edits} == {"__init__.py", "use.py"}


def test_the_cap_keeps_the_first_edits_and_says_how_many_more(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def area(", "def surface(", max_edits=2)
    assert len(done.ripple.edits) == 2 and done.ripple.more == 5
    assert any("5 more edits" in note for note in done.ripple.notes)


def test_each_edit_carries_the_stamp_of_the_text_it_was_computed_against_and_disk_changes_are_read(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def area(", "def surface(")
    use = (root / "pkg/use.py").resolve()
    stamps = {e.stamp for e in done.ripple.edits if Path(e.path) == use}
    assert stamps == {content_stamp(use.read_text(encoding="utf-8"))}
    use.write_text("\n\n" + use.read_text(encoding="utf-8"), encoding="utf-8")  # changed meanwhile
    again = find_ripple(done.analyzer, done.path, done.old, done.new)
    moved = [e for e in again.edits if Path(e.path) == use]
    assert {e.stamp for e in moved} == {content_stamp(use.read_text(encoding="utf-8"))}
    assert min(e.span.start_line for e in moved) == 2


def test_ranges_are_in_utf16_units_after_astral_characters(root: Path) -> None:
    use = root / "pkg/use.py"
    use.write_text(use.read_text(encoding="utf-8").replace("    t = s.scale(2.0)", '    t = "😀" and s.scale(2.0)'),
                   encoding="utf-8")
    done = edit(root, "pkg/geometry.py", "def scale(self, factor: float) -> \"Shape\"",
                                            "def resize(self, factor: float) -> \"Shape\"")
    [moved] = [e for e in done.ripple.edits if e.path.endswith("use.py") and e.span.start_line == 5]
    assert moved.span.start_column == 18 and moved.span.start_character == 19
    assert moved.span.lsp()["end"] == {"line": 5, "character": 24}
    assert moved.stamp == content_stamp(use.read_text(encoding="utf-8"))


def test_definition_changes_reads_each_kind_of_edit() -> None:
    old = "def f(a: int, b: int = 0) -> int:\n    return a\n"
    kinds = {
        "def g(a: int, b: int = 0) -> int:": ("rename", "f", "g"),
        "def f(a: int, c: str, b: int = 0) -> int:": ("add-parameter", "c", 1),
        "def f(a: int) -> int:": ("remove-parameter", "b", 1),
        "def f(x: int, b: int = 0) -> int:": ("rename-parameter", "a", "x"),
        "def f(a: int, b: int = 0) -> str:": ("return-type", "int", "str"),
    }
    for header, expected in kinds.items():
        [change] = definition_changes(old, old.replace("def f(a: int, b: int = 0) -> int:", header))
        assert change.kind == expected[0]
        assert change.reason()
    assert definition_changes(old, old.replace("-> int:", "-> int:  # same")) == []


def test_a_definition_inserted_before_another_renames_nothing() -> None:
    old = "class A:\n    def b(self) -> int:\n        return 1\n"
    # The diff takes the new method's first characters for the old one's: ``    def `` then ``c``.
    new = "class A:\n    def c(self) -> int | None:\n        return None\n\n    def b(self) -> int:\n        return 1\n"
    assert definition_changes(old, new) == []
    assert [c.reason() for c in definition_changes(old, old.replace("def b(", "def d("))] == ["renamed b → d"]


def test_make_edit_spans_and_stamps_the_text() -> None:
    text = "a = 1\nb = 'é😀x'\n"
    edit_ = make_edit(SourceText(text), "f.py", text.index("x"), text.index("x") + 1, "y", "why", "rename")
    assert (edit_.span.start_line, edit_.span.start_column, edit_.span.start_character) == (1, 7, 8)
    assert apply_edits(text, [edit_]) == "a = 1\nb = 'é😀y'\n" and edit_.stamp == content_stamp(text)


def test_a_parameter_added_to_init_reaches_the_constructor_calls_and_super(tmp_path: Path) -> None:
    root = write_package(tmp_path, {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/box.py": """\
            class Box:
                def __init__(self, width: int) -> None:
                    self.width = width


            class Crate(Box):
                def __init__(self, width: int, depth: int) -> None:
                    super().__init__(width)
            """,
        "pkg/use.py": """\
            from pkg.box import Box


            def pack(size: int, height: int) -> Box:
                return Box(size)
            """,
    })
    done = edit(root, "pkg/box.py", "def __init__(self, width: int) -> None", "def __init__(self, width: int, height: int) -> None")
    files = done.files(root)
    assert "super().__init__(width, ...)" in files["box.py"]
    assert "return Box(size, ...)" in files["use.py"]


def test_arguments_written_in_parentheses_are_removed_and_followed_whole(tmp_path: Path) -> None:
    root = write_package(tmp_path, {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/panel.py": """\
            def fit(body: str, title: str = "") -> str:
                return body + title
            """,
        "pkg/use.py": """\
            from pkg.panel import fit

            A = fit(("a" "b"), title="t")
            B = fit((str(1)))
            """,
    })
    removed = edit(root, "pkg/panel.py", 'def fit(body: str, title: str = "")', 'def fit(title: str = "")')
    assert removed.files(root)["use.py"].endswith('A = fit(title="t")\nB = fit()\n')
    added = edit(root, "pkg/panel.py", 'def fit(body: str, title', 'def fit(body: str, size: int, title')
    use = added.files(root)["use.py"]
    assert 'A = fit(("a" "b"), title="t", size=...)' in use and "B = fit((str(1)), ...)" in use


def test_a_receiver_of_unknown_type_is_followed_only_when_no_other_definition_bears_the_name(tmp_path: Path) -> None:
    root = write_package(tmp_path, {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/shapes.py": """\
            class Shape:
                def frobnicate(self) -> int:
                    return 1

                def scale(self) -> int:
                    return 2


            class Other:
                def scale(self) -> int:
                    return 3
            """,
        "pkg/use.py": """\
            def unknown(x, y):
                return x.frobnicate() + y.scale()
            """,
    })
    unique = edit(root, "pkg/shapes.py", "def frobnicate(self)", "def twiddle(self)")
    [guessed] = unique.ripple.edits
    assert "return x.twiddle() + y.scale()" in unique.files(root)["use.py"]
    assert "the receiver's type is unknown" in guessed.reason
    shared = edit(root, "pkg/shapes.py", "def scale(self) -> int:\n        return 2", "def resize(self) -> int:\n        return 2")
    assert shared.ripple.edits == ()  # Other.scale bears the name too: y may be one


def test_imports_inside_functions_and_modules_held_by_objects_are_followed(tmp_path: Path) -> None:
    root = write_package(tmp_path, {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/helpers.py": """\
            def parse_destination(text: str) -> int:
                return len(text)
            """,
        "pkg/use.py": """\
            from pkg import helpers


            class Parser:
                def __init__(self):
                    self.helpers = helpers


            def late(text: str) -> int:
                from .helpers import parse_destination

                return parse_destination(text)


            def held(parser: Parser, text: str) -> int:
                return parser.helpers.parse_destination(text)
            """,
    })
    done = edit(root, "pkg/helpers.py", "def parse_destination(", "def parse_target(")
    use = done.files(root)["use.py"]
    assert "from .helpers import parse_target\n\n    return parse_target(text)" in use
    assert "return parser.helpers.parse_target(text)" in use


def test_a_lone_generator_argument_gets_parentheses_when_an_argument_joins_it(tmp_path: Path) -> None:
    root = write_package(tmp_path, {
        "pyproject.toml": "",
        "pkg/__init__.py": "",
        "pkg/flat.py": """\
            def flatten(items):
                return items


            def use(groups):
                return flatten(g for g in groups)
            """,
    })
    done = edit(root, "pkg/flat.py", "def flatten(items):", "def flatten(items, depth: int):")
    assert "return flatten((g for g in groups), ...)" in done.files(root)["flat.py"]


def test_a_method_call_left_behind_is_found_by_the_checker_with_the_new_members(root: Path) -> None:
    done = edit(root, "pkg/geometry.py", "def scale(self, factor: float) -> \"Shape\"", "def resize(self, factor: float) -> \"Shape\"")
    use = (root / "pkg/use.py").resolve()
    at = _the_edit_before(done.ripple, use, "(2.0)")
    kept = done.ripple.edits[:at] + done.ripple.edits[at + 1 :]
    checked = done.verified(dataclasses.replace(done.ripple, edits=kept))
    [left] = [h for h in checked.holes if h.path == str(use)]
    assert left.line == 5 and "scale" in left.reason
    assert all(e.verified for e in checked.edits)  # Square().resize(1.0) is known by its new name
