"""Receivers typed by what the code gives without annotations: an unannotated parameter by its
default (a guess the cautious checker does not make), a name or attribute that holds a class, and
a function that gives back the argument it was passed."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer
from tests.context.receivers import receiver_at

CORE = '''
class Parser:
    def parse(self, text: str) -> "Tree": ...


class Tree:
    def pretty(self) -> str: ...


class Stack:
    def enable(self) -> None: ...


def build(stack, options=None):
    stack.enable()
    return stack


def rebuild(stack):
    stack = Stack()
    return stack
'''


def _receiver(tmp_path: Path, body: str) -> str | None:
    text = f"from core import Parser, Stack, build, rebuild\n\n{body}\n"
    return receiver_at(tmp_path, {"core.py": CORE, "use.py": text}, "use.py")


def test_a_parameter_is_taken_to_be_of_its_defaults_type(tmp_path: Path) -> None:
    assert _receiver(tmp_path, "def run(parser=Parser()):\n    parser.") == "Parser"


def test_a_parameter_whose_default_is_a_class_makes_its_instances(tmp_path: Path) -> None:
    assert _receiver(tmp_path, "def run(text, parser=Parser):\n    parser().") == "Parser"
    assert _receiver(tmp_path, "def run(*, parser=Parser):\n    parser().parse('x').") == "Tree"


def test_a_none_default_or_an_annotation_tells_nothing_new(tmp_path: Path) -> None:
    assert _receiver(tmp_path, "def run(parser=None):\n    parser.") is None
    assert _receiver(tmp_path, "def run(parser: Stack = Parser()):\n    parser.") == "Stack"


def test_a_name_or_attribute_that_holds_a_class(tmp_path: Path) -> None:
    assert _receiver(tmp_path, "kind = Parser\nkind().") == "Parser"
    body = "class Job:\n    def __init__(self):\n        self.kind = Parser\n\n    def go(self):\n        self.kind()."
    assert _receiver(tmp_path, body) == "Parser"


def test_a_function_that_gives_back_its_argument(tmp_path: Path) -> None:
    assert _receiver(tmp_path, "build(Stack()).") == "Stack"
    assert _receiver(tmp_path, "build(options=1, stack=Stack()).") == "Stack"
    assert _receiver(tmp_path, "build(*[Stack()]).") is None


def test_a_function_that_rebinds_its_parameter_is_not_a_pass_through(tmp_path: Path) -> None:
    assert _receiver(tmp_path, "rebuild(Parser()).") == "Stack"  # what it assigns, not what it got


def test_the_checker_does_not_charge_a_guess(tmp_path: Path) -> None:
    (tmp_path / "core.py").write_text(CORE, encoding="utf-8")
    text = (
        "from core import Parser, Stack, build\n\n"
        "def run(parser=Parser()):\n    parser.pretty()\n\n"  # a caller may pass a tree-like parser
        "build(Stack()).enabel()\n"  # no guess: what it gives back is what it was given
    )
    path = tmp_path / "use.py"
    path.write_text(text, encoding="utf-8")
    problems = [(p.line, p.message) for p in Analyzer(tmp_path).diagnose(path, text)]
    assert [line for line, _ in problems] == [5], problems
    assert "enabel" in problems[0][1]


def test_a_class_body_reads_the_values_it_assigned(tmp_path: Path) -> None:
    body = "class Grammar:\n    parser = Parser()\n    tree = parser.parse('x')\n    tree."
    assert _receiver(tmp_path, body) == "Tree"
    method = "class Grammar:\n    parser = Stack()\n\n    def go(self, parser=Parser()):\n        parser."
    assert _receiver(tmp_path, method) == "Parser"  # a method does not see the class body's names


def test_an_attribute_made_by_the_classs_getattr(tmp_path: Path) -> None:
    tokens = ("class _TokenType(tuple):\n    def __getattr__(self, name):\n        new = _TokenType(self + (name,))\n"
              "        return new\n\n    def split(self) -> list: ...\n\n\nToken = _TokenType()\nText = Token.Text\n")
    files = {"tokens.py": tokens, "use.py": "from tokens import Text, Token\n\nToken.Name.Builtin.\n"}
    assert receiver_at(tmp_path, files, "use.py") == "_TokenType"
    files["use.py"] = "from tokens import Text\n\nText.\n"  # a module value made that way
    assert receiver_at(tmp_path, files, "use.py") == "_TokenType"


def test_names_bound_in_except_handlers_and_match_cases(tmp_path: Path) -> None:
    errors = "class Err(Exception):\n    def response(self) -> int: ...\n\n\nclass Other(Exception): ...\n"
    body = ("from errors import Err, Other\nfrom core import Parser\n\n\ndef run(x):\n    try:\n        x = 1\n"
            "    except {caught} as e:\n        parser = Parser()\n        {line}\n")
    files = {"errors.py": errors, "core.py": CORE}
    files["use.py"] = body.format(caught="Err", line="e.")
    assert receiver_at(tmp_path, files, "use.py") == "Err"
    files["use.py"] = body.format(caught="(Err, Other)", line="e.")
    assert receiver_at(tmp_path, files, "use.py") == "Err | Other"
    files["use.py"] = body.format(caught="Err", line="parser.")  # assigned in the handler
    assert receiver_at(tmp_path, files, "use.py") == "Parser"
    files["use.py"] = body.format(caught="Err", line="match x:\n            case [Parser() as p, *rest]:\n"
                                                  "                p = Parser()\n                p.")
    assert receiver_at(tmp_path, files, "use.py") == "Parser"


def test_of_a_class_and_an_import_of_the_same_name_the_later_one_holds(tmp_path: Path) -> None:
    fast = "class Table:\n    def fast_get(self) -> int: ...\n"
    slow = ("class Table:\n    def slow_get(self) -> int: ...\n\n\ntry:\n    from fast import Table\n"
            "except ImportError:\n    pass\n")
    files = {"fast.py": fast, "slow.py": slow, "use.py": "from slow import Table\n\nTable().\n"}
    assert receiver_at(tmp_path, files, "use.py") == "Table"
    hole = Analyzer(tmp_path).hole_context(tmp_path / "use.py", 2, len("Table()."), files["use.py"])
    assert [d.name for d in hole.receiver_members] == ["fast_get"]
    files["slow.py"] = "from fast import Table\n\n\nclass Table:\n    def slow_get(self) -> int: ...\n"
    files["use.py"] = "from slow import Table\n\nTable().\n"
    receiver_at(tmp_path, files, "use.py")
    hole = Analyzer(tmp_path).hole_context(tmp_path / "use.py", 2, len("Table()."), files["use.py"])
    assert [d.name for d in hole.receiver_members] == ["slow_get"]  # defined after the import: the class


def test_an_attribute_set_from_a_parameter_is_guessed_from_its_default(tmp_path: Path) -> None:
    grammar = ("from core import Parser\n\n\nclass Grammar:\n    def __init__(self, parser=Parser, stack=None):\n"
               "        self._parser = parser\n        self._stack = stack\n")
    files = {"core.py": CORE, "grammar.py": grammar,
             "use.py": "from grammar import Grammar\n\nGrammar()._parser().\n"}
    assert receiver_at(tmp_path, files, "use.py") == "Parser"
    files["use.py"] = "from grammar import Grammar\n\nGrammar()._stack.\n"  # a None default tells nothing
    assert receiver_at(tmp_path, files, "use.py") is None


def test_a_name_assigned_from_itself_reads_the_binding_it_replaces(tmp_path: Path) -> None:
    assert _receiver(tmp_path, "def run(text: str):\n    text = text.strip()\n    text.") == "str"
    assert _receiver(tmp_path, "def run():\n    tree = Parser()\n    tree = tree.parse('x')\n    tree.") == "Tree"
    # a chain: each assignment reads the one before it
    body = "def run():\n    stack = Stack()\n    stack = build(stack)\n    stack = build(stack)\n    stack."
    assert _receiver(tmp_path, body) == "Stack"
    assert _receiver(tmp_path, "def run():\n    node = node.parent\n    node.") is None  # nothing before it


def test_self_in_a_class_a_later_import_shadows_is_still_that_class(tmp_path: Path) -> None:
    fast = "class Table:\n    def fast_get(self) -> int: ...\n"
    slow = ("class Table:\n    def slow_get(self) -> int: ...\n\n    def other(self):\n        self.\n\n\n"
            "try:\n    from fast import Table\nexcept ImportError:\n    pass\n")
    files = {"fast.py": fast, "slow.py": slow}
    receiver_at(tmp_path, files, "slow.py")
    lines = slow.split("\n")
    line = next(i for i, t in enumerate(lines) if t.strip() == "self.")
    hole = Analyzer(tmp_path).hole_context(tmp_path / "slow.py", line, len(lines[line]), slow)
    assert [d.name for d in hole.receiver_members] == ["slow_get", "other"]
