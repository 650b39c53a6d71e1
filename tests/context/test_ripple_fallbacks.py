"""The ripple through receivers whose missing value is filled in (``if not x: x = fallback``):
past the ``if``, the receiver is what it was before (a parameter typed by its callers) or the
fallback."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer
from context.ripple import find_ripple
from context.ripple_model import Ripple, apply_edits
from tests.context.ripple_fixture import write_package

LEXERS = """\
    class CLexer:
        def input(self, text):
            return text


    class Lexer:
        def input(self, text):
            return text


    default = None
    """

PARSER = """\
    from pkg import lexers


    class Parser:
        def parse(self, text, lexer=None):
            if not lexer:
                lexer = lexers.default
            lexer.input(text)

        def other(self, text, lexer=None):
            if lexer is None:
                lexer = lexers.Lexer()
            lexer.input(text)

        def inside(self, text, lexer=None):
            if not lexer:
                lexer = lexers.default
                lexer.input(text)
    """

USE = """\
    from pkg.lexers import CLexer
    from pkg.parser import Parser


    def run(text):
        parser = Parser()
        parser.parse(text, lexer=CLexer())
        parser.other(text, lexer=CLexer())
        parser.inside(text, lexer=CLexer())
    """


def renamed(root: Path) -> Ripple:
    path = (root / "pkg/lexers.py").resolve()
    old = path.read_text(encoding="utf-8")
    new = old.replace("def input(self", "def feed(self", 1)
    return find_ripple(Analyzer(root), path, old, new)


def test_a_receiver_filled_in_when_missing_is_what_its_callers_pass_or_the_fallback(tmp_path: Path) -> None:
    root = write_package(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/lexers.py": LEXERS,
                                    "pkg/parser.py": PARSER, "pkg/use.py": USE})
    ripple = renamed(root)
    path = (root / "pkg/parser.py").resolve()
    edited = apply_edits(path.read_text(encoding="utf-8"), [e for e in ripple.edits if Path(e.path) == path])
    lines = edited.splitlines()
    # parse: the callers' CLexer (the fallback's type is unknown); other: CLexer | Lexer
    assert lines[7] == "        lexer.feed(text)"
    assert lines[12] == "        lexer.feed(text)"
    # inside the ``if`` the name holds the fallback only, of unknown type: a hole, not an edit
    assert lines[17] == "            lexer.input(text)"
    assert [h.line for h in ripple.holes] == [17]
