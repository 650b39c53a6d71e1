"""The verdict on a filling: only what it introduced is charged to it (not the errors already in
the buffer, not errors on code it did not touch), built-in and pyright combined; splicing, the
report for the model, and the error rounds acting on that verdict."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from completion.check import (
    PYRIGHT_RULES,
    Checkers,
    Edit,
    check_text,
    combined,
    introduced,
    render_error_report,
    splice,
)
from completion.errors import CheckerError, ConfigError
from completion.model import Candidate
from completion.refine import Diagnose, Hole, fill_with_rounds, rank_by_problems
from context.api import Analyzer
from context.model import Diagnostic
from tests.diagnostics.conftest import FIXTURES


def diag(line: int, message: str, column: int = 0, end_column: int = 1, *, end_line: int | None = None,
         source: str = "names", code: str = "") -> Diagnostic:
    return Diagnostic(line, column, line if end_line is None else end_line, end_column, "error", message, source, code)


# -- the edit and positions through it ---------------------------------------------------------------
def test_splice_replaces_a_range_and_rejects_bad_ones() -> None:
    assert splice("total = ...\n", 8, 11, "a + b") == "total = a + b\n"
    assert splice("héllo😀", 6, 6, "!") == "héllo😀!"
    with pytest.raises(ValueError):
        splice("abc", 2, 1, "x")


def test_an_edit_knows_where_the_new_text_ends() -> None:
    text = "a = 1\nb = ...\nc = b\n"
    start = text.index("...")
    assert Edit.of(text, start, start + 3, "f(x)") == Edit((1, 4), (1, 7), (1, 8))
    assert Edit.of(text, start, start + 3, "f(\n    x,\n)") == Edit((1, 4), (1, 7), (3, 1))
    head, tail = 10, 7  # "a = 1\nb = " and "\nc = b\n"
    assert Edit.between(text, "a = 1\nb = g()\nc = b\n", head, tail) == Edit((1, 4), (1, 7), (1, 7))


def test_positions_move_through_an_edit() -> None:
    edit = Edit((1, 4), (1, 7), (3, 1))  # "..." on line 1 became three lines
    assert edit.moved((0, 9), end=False) == (0, 9)  # before the edit
    assert edit.moved((1, 9), end=False) == (3, 3)  # after it on its last line: the column shifts
    assert edit.moved((5, 2), end=True) == (7, 2)  # below it: the line shifts
    assert edit.moved((1, 5), end=False) == (1, 4)  # inside: a start goes to the edit's start
    assert edit.moved((1, 5), end=True) == (3, 1)  # and an end to the new text's end
    assert edit.moved((1, 4), end=True) == (1, 4)  # an end at the edit's start stays before it


# -- introduced: what is charged to a filling ----------------------------------------------------------
def test_an_error_already_in_the_buffer_is_not_charged_even_when_the_filling_moved_it() -> None:
    text = "x = \nprint(undefined_name)\n"
    edit = Edit.of(text, 4, 4, "f(\n  1)")  # the filling adds a line: the old error moves down
    before = [diag(1, "undefined name 'undefined_name'", 6, 20)]
    after = [diag(2, "undefined name 'undefined_name'", 6, 20)]
    assert introduced(before, after, edit) == []


def test_a_new_error_on_the_filled_span_is_charged() -> None:
    text = "x = \nprint(x)\n"
    edit = Edit.of(text, 4, 4, "shapez")
    new = diag(0, "undefined name 'shapez'", 4, 10)
    assert introduced([], [new], edit) == [new]


def test_an_error_on_a_range_holding_the_filling_is_charged() -> None:
    text = "area(1, )\n"
    edit = Edit.of(text, 8, 8, "2, 3")  # an extra argument breaks the call around the filling
    arity = diag(0, "area() takes 2 positional arguments but 3 were given", 0, 13, source="arity")
    assert introduced([], [arity], edit) == [arity]


def test_a_new_error_on_code_the_filling_did_not_touch_is_not_charged() -> None:
    text = "x = \ny = x.upper()\n"
    edit = Edit.of(text, 4, 4, "1")  # now pyright knows x is an int, and flags line 1
    elsewhere = diag(1, 'Cannot access attribute "upper" for class "int"', 6, 11, source="pyright",
                     code="reportAttributeAccessIssue")
    assert introduced([], [elsewhere], edit) == []
    assert introduced([], [elsewhere], edit, anywhere=True) == [elsewhere]


def test_the_holes_own_error_does_not_count_but_a_new_one_there_does() -> None:
    text = "value = \nnext_line()\n"
    edit = Edit.of(text, 8, 8, "compute(")
    hole_error = diag(0, "syntax error: invalid syntax", 8, 8, source="syntax")
    unclosed = diag(0, "syntax error: '(' was never closed", 15, 16, source="syntax")
    assert introduced([hole_error], [diag(0, "syntax error: invalid syntax", 16, 16, source="syntax")], edit) == []
    assert introduced([hole_error], [unclosed], edit) == [unclosed]


def test_duplicates_are_counted() -> None:
    text = "a = \n"
    edit = Edit.of(text, 4, 4, "b + b")
    before = [diag(0, "undefined name 'b'", 4, 4)]
    after = [diag(0, "undefined name 'b'", 4, 5), diag(0, "undefined name 'b'", 8, 9)]
    assert introduced(before, after, edit) == [after[1]]


def test_the_same_message_from_another_checker_is_another_finding() -> None:
    text = "a = \n"
    edit = Edit.of(text, 4, 4, "q")
    before = [diag(0, "x", 4, 4, source="names")]
    after = [diag(0, "x", 4, 5, source="pyright", code="reportUndefinedVariable")]
    assert introduced(before, after, edit) == after


def test_a_pyright_finding_the_buffer_already_had_elsewhere_is_not_charged() -> None:
    text = "a = stream.read(1)\nb = \n"
    edit = Edit.of(text, len(text) - 1, len(text) - 1, "stream.read(2)")
    unknown = 'Cannot access attribute "read" for class "Iterable[bytes]"\n  Attribute "read" is unknown'
    before = [diag(0, unknown, 11, 15, source="pyright", code="reportAttributeAccessIssue")]
    repeated = diag(1, unknown, 11, 15, source="pyright", code="reportAttributeAccessIssue")
    misspelled = diag(1, unknown.replace('"read"', '"raed"'), 11, 15, source="pyright", code="reportAttributeAccessIssue")
    assert introduced(before, [before[0], repeated], edit) == []  # what the code around it already does
    assert introduced(before, [before[0], misspelled], edit) == [misspelled]
    assert introduced(before, [before[0], repeated], edit, anywhere=True) == [repeated]  # but it changed the buffer
    # messages that do not name their subject, and the built-in checker's undefined names, are charged again
    def arity(line: int) -> Diagnostic:
        return diag(line, "Expected 1 positional argument", 11, 15, source="pyright", code="reportCallIssue")

    assert introduced([arity(0)], [arity(0), arity(1)], edit) == [arity(1)]
    names = [diag(0, "undefined name 'stream'", 4, 10)]
    assert introduced(names, [*names, diag(1, "undefined name 'stream'", 4, 10)], edit) != []


def test_a_class_attribute_the_built_in_checker_found_missing_elsewhere_too_is_not_charged() -> None:
    text = "a = self.config['x']\nb = \n"  # a mixin's: the classes it is mixed into set it
    edit = Edit.of(text, len(text) - 1, len(text) - 1, "self.config['y']")

    def missing(line: int, attribute: str = "config") -> Diagnostic:
        return diag(line, f"'Extractor' has no attribute '{attribute}'", 9, 15, source="attributes",
                    code="unknown-attribute")

    assert introduced([missing(0)], [missing(0), missing(1)], edit) == []
    assert introduced([missing(0)], [missing(0), missing(1, "cnofig")], edit) == [missing(1, "cnofig")]


def test_an_argument_rejected_for_the_reason_the_buffer_already_shows_is_not_charged() -> None:
    text = "register(Future, dates())\n\n"
    edit = Edit.of(text, len(text) - 1, len(text) - 1, "register(Past, dates())")

    def rejected(argument: str, reason: str, line: int) -> Diagnostic:
        return diag(line, f'Argument of type "{argument}" cannot be assigned to parameter "custom_type" of type '
                          f'"type[Any]" in function "register"\n  "{reason}" is not assignable to "type[Any]"',
                    9, 13, source="pyright", code="reportArgumentType")

    before = [rejected("Future", "Annotated", 0)]
    assert introduced(before, [*before, rejected("Past", "Annotated", 1)], edit) == []  # the same reason
    wrong = rejected("Literal['wrong']", "Literal['wrong']", 1)
    assert introduced(before, [*before, wrong], edit) == [wrong]  # a value of another type


def test_check_text_and_introduced_on_a_real_filling() -> None:
    analyzer = Analyzer(FIXTURES)
    path = FIXTURES / "filling_case.py"
    buffer = "from shapes import Circle, Point\n\nc = Circle(Point(0, 0), 1.0)\nr = \nprint(r)\nprint(nothing)\n"
    start = buffer.index("r = ") + 4
    before = check_text(analyzer, path, buffer)
    assert any("nothing" in d.message for d in before)  # an error the fillings did not make
    good = check_text(analyzer, path, splice(buffer, start, start, "c.radius"))
    bad = check_text(analyzer, path, splice(buffer, start, start, "c.radious"))
    assert introduced(before, good, Edit.of(buffer, start, start, "c.radius")) == []
    charged = introduced(before, bad, Edit.of(buffer, start, start, "c.radious"))
    assert [d.message for d in charged] == ["'Circle' has no attribute 'radious' (did you mean 'radius'?)"]
    assert (charged[0].line, charged[0].column) == (3, 6)


# -- the two checkers combined -------------------------------------------------------------------------
def test_only_precise_pyright_errors_join_and_one_finding_is_said_once() -> None:
    builtin = [diag(0, "undefined name 'nme'", 4, 7)]
    external = [
        diag(0, '"nme" is not defined', 4, 7, source="pyright", code="reportUndefinedVariable"),
        diag(1, 'Cannot access attribute "fooz"', 2, 6, source="pyright", code="reportAttributeAccessIssue"),
        diag(2, "Type is partially unknown", 0, 3, source="pyright", code="reportUnknownVariableType"),
        Diagnostic(3, 0, 3, 1, "warning", "unused import", "pyright", "reportUnusedImport"),
    ]
    assert "reportUnknownVariableType" not in PYRIGHT_RULES
    assert combined(builtin, external) == [builtin[0], external[1]]


def test_a_type_error_about_a_value_pyright_knows_only_as_object_is_not_charged() -> None:
    lost = diag(0, 'Argument of type "object" cannot be assigned to parameter "width" of type "int" in function '
                   '"__new__"\n  "object" is not assignable to "int"', 5, 17, source="pyright", code="reportArgumentType")
    wrong = diag(1, 'Argument of type "Literal[\'wrong\']" cannot be assigned to parameter "width" of type "int"',
                 5, 12, source="pyright", code="reportArgumentType")
    returned = diag(2, 'Type "object" is not assignable to return type "int"', 11, 14, source="pyright",
                    code="reportReturnType")
    assert combined([], [lost, wrong, returned]) == [wrong]


def test_a_type_error_only_because_bytearray_is_no_bytes_is_not_charged() -> None:
    promoted = diag(0, 'Argument of type "List[bytearray]" cannot be assigned to parameter "lines" of type '
                       '"Iterable[bytes]" in function "decode"\n  "bytearray" is not assignable to "bytes"\n'
                       '  Set disableBytesTypePromotions to false to enable type promotion behavior for '
                       '"bytearray" and "memoryview"', 4, 20, source="pyright", code="reportArgumentType")
    wrong = diag(1, 'Argument of type "str" cannot be assigned to parameter "lines" of type "Iterable[bytes]"',
                 6, 20, source="pyright", code="reportArgumentType")
    assert combined([], [promoted, wrong]) == [wrong]



def _argument_error(text: str, argument: str, expected: str = "int") -> Diagnostic:
    """pyright's argument type error on the first ``argument`` of ``text``."""
    offset = text.index(argument)
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return diag(line, f'Argument of type "Literal[\'a\']" cannot be assigned to parameter "object" of type '
                      f'"{expected}" in function "append"', column, column + len(argument),
                source="pyright", code="reportArgumentType")


def test_an_argument_type_error_against_a_container_type_pyright_guessed_is_not_charged() -> None:
    guessed_list = 'def f():\n    items = [1, 2]\n    items.append("a")\n'
    assert combined([], [_argument_error(guessed_list, '"a"')], guessed_list) == []
    narrowed = 'def f():\n    items = make()\n    items = [g(x) for x in items]\n    items.append("a")\n'
    assert combined([], [_argument_error(narrowed, '"a"')], narrowed) == []  # the last binding is a display
    # without the buffer, or where the type is declared, the error stands
    assert len(combined([], [_argument_error(guessed_list, '"a"')])) == 1
    for declared in ('def f():\n    items: list[int] = [1]\n    items.append("a")\n',  # annotated
                     'def f(items: list[int]):\n    items.append("a")\n',  # a parameter
                     'def f():\n    items = [1]\n    items = make()\n    items.append("a")\n',  # a call last
                     'def f():\n    items = make()\n    items.append("a")\n',  # a call's declared return
                     'items = [1]\ndef f(items: list[int]):\n    items.append("a")\n',  # another scope's name
                     'def f():\n    items = [1]\n    items.append("a"\n'):  # does not parse
        assert len(combined([], [_argument_error(declared, '"a"')], declared)) == 1, declared
    # at module level too, and the other rules are not touched
    module = 'items = [1]\nitems.append("a")\n'
    other = dataclasses.replace(_argument_error(module, '"a"'), code="reportCallIssue")
    assert combined([], [_argument_error(module, '"a"'), other], module) == [other]


def _none_member(text: str, member: str) -> Diagnostic:
    """pyright's error on the last ``.member`` of ``text``: the receiver may be None."""
    offset = text.rindex("." + member) + 1
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return diag(line, f'"{member}" is not a known attribute of "None"', column, column + len(member),
                source="pyright", code="reportOptionalMemberAccess")


def test_a_member_of_a_value_pyright_guessed_may_be_none_is_not_charged() -> None:
    attribute = ("class Job:\n    def __init__(self):\n        self.future = None\n\n"
                 "    def start(self, f):\n        self.future = f()\n\n"
                 "    def result(self):\n        return self.future.result()\n")
    fallback = ("try:\n    import zlib\nexcept ImportError:\n    zlib = None\n\n"
                "def pack(data):\n    return zlib.compress(data)\n")
    in_body = "class Job:\n    future = None\n\n    def result(self):\n        return self.future.result()\n"
    for guessed_text, member in ((attribute, "result"), (fallback, "compress"), (in_body, "result")):
        assert combined([], [_none_member(guessed_text, member)], guessed_text) == [], guessed_text
    # declared types, local names pyright narrows in order, and code at module level are charged
    for declared, member in (
            (attribute.replace("self.future = None", "self.future: Future | None = None"), "result"),
            ("class Job:\n    future: Future | None = None\n\n    def result(self):\n"
             "        return self.future.result()\n", "result"),
            ("def pack(data: bytes | None):\n    return data.hex()\n", "hex"),
            ("def pack():\n    data = None\n    return data.hex()\n", "hex"),
            ("zlib = None\nzlib.compress(b'')\n", "compress"),
            ("zlib: Module | None = None\n\ndef pack(data):\n    return zlib.compress(data)\n", "compress"),
            ("class Job:\n    def result(self, other):\n        other.future = None\n"
             "        return other.future.result()\n", "result"),
            (attribute + "(\n", "result")):  # does not parse
        assert len(combined([], [_none_member(declared, member)], declared)) == 1, declared


def test_an_argument_pyright_guessed_may_be_none_is_not_charged_nor_the_overloads_it_fails() -> None:
    text = ("class Job:\n    def __init__(self):\n        self.root = None\n\n"
            "    def path(self):\n        return os.path.join(self.root, 'x')\n")
    argument = text.rindex("self.root")
    column = argument - (text.rfind("\n", 0, argument) + 1)
    call = text.rindex("os.path.join")
    call_column = call - (text.rfind("\n", 0, call) + 1)
    because = ('Argument of type "None" cannot be assigned to parameter "a" of type "StrPath" in function "join"\n'
               '\xa0\xa0Type "None" is not assignable to type "StrPath"\n\xa0\xa0\xa0\xa0"None" is not assignable to "str"')
    rejected = diag(5, because, column, column + len("self.root"), source="pyright", code="reportArgumentType")
    overloads = diag(5, 'No overloads for "join" match the provided arguments', call_column, len(text.split("\n")[5]),
                     source="pyright", code="reportCallIssue")
    assert combined([], [overloads, rejected], text) == []
    # declared, the argument and the call are charged; and a call no overload takes for another reason
    declared = text.replace("self.root = None", "self.root: str | None = None")
    assert combined([], [overloads, rejected], declared) == [overloads, rejected]
    other = dataclasses.replace(rejected, message=because.replace('"None"', '"int"'))
    assert combined([], [overloads, other], text) == [overloads, other]


class FakeChecker:
    name = "pyright"

    def __init__(self, *answers: list[Diagnostic] | Exception) -> None:
        self.answers = list(answers)
        self.asked = 0
        self.closed = False

    async def diagnose(self, path: Path | str, text: str) -> list[Diagnostic]:
        self.asked += 1
        answer = self.answers[min(self.asked, len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def aclose(self) -> None:
        self.closed = True


async def builtin_says(path: Path, text: str) -> list[Diagnostic]:
    return [diag(0, "undefined name 'a'")] if "a" in text else []


async def test_both_checkers_ran() -> None:
    external = FakeChecker([diag(1, "bad call", source="pyright", code="reportCallIssue")])
    checked = await Checkers(builtin_says, external).diagnose(Path("m.py"), "a\n")
    assert checked.checkers == ("builtin", "pyright")
    assert [d.message for d in checked.diagnostics] == ["undefined name 'a'", "bad call"]


async def test_a_pyright_that_does_not_answer_leaves_the_builtin_verdict_and_says_why(
        caplog: pytest.LogCaptureFixture) -> None:
    checkers = Checkers(builtin_says, FakeChecker(CheckerError("basedpyright did not answer within 5 s")))
    with caplog.at_level(logging.WARNING, "completion.check"):
        checked = await checkers.diagnose(Path("m.py"), "a\n")
    assert checked.checkers == ("builtin",)
    assert [d.message for d in checked.diagnostics] == ["undefined name 'a'"]
    [run] = [r for r in checked.runs if not r.ran]
    assert run.name == "pyright" and "did not answer within 5 s" in run.reason
    assert "did not answer" in caplog.text


async def test_a_missing_pyright_is_noted_once_and_not_asked_again(caplog: pytest.LogCaptureFixture) -> None:
    external = FakeChecker(ConfigError("basedpyright-langserver not found: install it"))
    checkers = Checkers(builtin_says, external)
    with caplog.at_level(logging.INFO, "completion.check"):
        first = await checkers.diagnose(Path("m.py"), "a\n")
        second = await checkers.diagnose(Path("m.py"), "b\n")
    assert external.asked == 1
    assert caplog.text.count("not found") == 1
    assert first.checkers == second.checkers == ("builtin",)
    assert "not found" in second.runs[1].reason


async def test_a_required_pyright_that_is_missing_is_an_error() -> None:
    checkers = Checkers(builtin_says, FakeChecker(ConfigError("not found")), required=True)
    with pytest.raises(ConfigError):
        await checkers.diagnose(Path("m.py"), "a\n")


# -- the error rounds and the ranking use the same verdict ----------------------------------------------
def buffer_checker(pre_existing: str) -> tuple[Hole, Diagnose]:
    """A buffer with an error far from the hole, and a checker that flags 'bad' wherever it is."""
    text = f"value = \n{pre_existing}\n"
    hole = Hole("m.py", text, 8, 8)

    async def diagnose(buffer: str) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for number, line in enumerate(buffer.split("\n")):
            at = line.find("bad")
            while at >= 0:
                out.append(diag(number, "bad thing", at, at + 3))
                at = line.find("bad", at + 1)
        return out

    return hole, diagnose


async def test_an_error_elsewhere_in_the_buffer_costs_no_repair_round() -> None:
    hole, diagnose = buffer_checker("print(bad)")
    answers = iter(["good()", "never asked"])

    async def ask(repair: tuple[tuple[str, str], ...]) -> str:
        return next(answers)

    before = await diagnose(hole.text)
    outcome = await fill_with_rounds(hole, ask, diagnose, 2, before)
    assert [r.candidate for r in outcome.rounds] == ["good()"]
    assert outcome.best.diagnostics == ()


async def test_a_filling_that_brings_an_error_is_repaired_and_ranked_last() -> None:
    hole, diagnose = buffer_checker("print(bad)")
    answers = iter(["bad()", "good()"])
    reports: list[str] = []

    async def ask(repair: tuple[tuple[str, str], ...]) -> str:
        reports.extend(report for _, report in repair[-1:])
        return next(answers)

    before = await diagnose(hole.text)
    outcome = await fill_with_rounds(hole, ask, diagnose, 2, before)
    assert [r.candidate for r in outcome.rounds] == ["bad()", "good()"]
    assert outcome.best.text == "good()"
    assert "1:1 bad thing" in reports[0] and "of the file" not in reports[0]
    ranked = await rank_by_problems(hole, [Candidate("bad()"), Candidate("good()")], diagnose, before)
    assert [c.text for c in ranked] == ["good()", "bad()"]


# -- the report for the model ---------------------------------------------------------------------------
def test_report_positions_are_relative_to_the_filling() -> None:
    filling = "area(shapez)\nprint(totl)"
    problems = [diag(7, "undefined name 'shapez'", column=13, end_column=19),
                diag(8, "undefined name 'totl'", column=6, end_column=10)]
    report = render_error_report(problems, filling, "/w/geo.py", start_line=7, start_column=8)
    lines = report.split("\n")
    assert lines[0] == "Your code for geo.py has 2 problems:"
    assert lines[1] == "- 1:6 undefined name 'shapez'"
    assert lines[2] == "    area(shapez)"
    assert lines[3] == "         ^^^^^^"
    assert lines[4] == "- 2:7 undefined name 'totl'"
    assert lines[6] == "          ^^^^"


def test_report_without_the_filling_position_uses_file_positions() -> None:
    report = render_error_report([diag(7, "undefined name 'x'", column=2)], "x", "geo.py")
    assert "line 8:3 of the file: undefined name 'x'" in report
    assert render_error_report([], "x", "geo.py") == ""


def test_the_merged_diagnostic_type_serializes_one_based() -> None:
    d = Diagnostic(3, 4, 3, 9, "error", "undefined name 'x'", "names", "undefined-name")
    assert d.to_json() == {"line": 4, "column": 5, "end_line": 4, "end_column": 10, "severity": "error",
                           "message": "undefined name 'x'", "source": "names", "code": "undefined-name"}
