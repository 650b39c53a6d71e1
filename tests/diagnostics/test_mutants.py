"""The mutations of the checker benchmark: each makes exactly the mistake it names."""

from __future__ import annotations

import ast
import random

from benchmarks.check_mutants import (
    Filling,
    mutate_attribute,
    mutate_bracket,
    mutate_extra_argument,
    mutate_missing_argument,
    mutate_name,
    mutate_wrong_keyword,
    mutate_wrong_type,
    mutations,
    names_the_problem,
    typo,
)

TEXT = 'render(console.options, width=max(1, size), style="bold")'


def rng() -> random.Random:
    return random.Random(3)


def test_typo_avoids_existing_names() -> None:
    taken = {"wdith", "widh"}
    for seed in range(20):
        new = typo("width", random.Random(seed), taken)
        assert new is not None and new != "width" and new not in taken and new.isidentifier()


def test_attribute_and_name_mutations_change_one_identifier() -> None:
    attribute = mutate_attribute(Filling(TEXT), rng(), set())
    assert attribute is not None and attribute.kind == "attribute"
    assert attribute.text == TEXT.replace("options", attribute.token)
    name = mutate_name(Filling(TEXT), rng(), set())
    assert name is not None and name.token in name.text and name.token not in TEXT
    names = {n.id for n in ast.walk(ast.parse(name.text)) if isinstance(n, ast.Name)}
    assert len(names - {n.id for n in ast.walk(ast.parse(TEXT)) if isinstance(n, ast.Name)}) == 1


def test_argument_mutations() -> None:
    extra = mutate_extra_argument(Filling("f(a, b=1)"), rng(), set())
    assert extra is not None and extra.text == "f(a, None, b=1)" and extra.token == "f"
    only_keywords = mutate_extra_argument(Filling("f(b=1)"), rng(), set())
    assert only_keywords is not None and only_keywords.text == "f(None, b=1)"
    empty = mutate_extra_argument(Filling("obj.f()"), rng(), set())
    assert empty is not None and empty.text == "obj.f(None)"
    missing = mutate_missing_argument(Filling("f(a, b)"), rng(), set())
    assert missing is not None and missing.text == "f(a)"
    first = mutate_missing_argument(Filling("f(a, key=1)"), rng(), set())
    assert first is not None and first.text == "f(key=1)"
    keyword = mutate_wrong_keyword(Filling("f(a, width=1)"), rng(), set())
    assert keyword is not None and keyword.text.startswith("f(a, ") and "width" not in keyword.text
    assert keyword.callee == "f"


def test_bracket_and_type_mutations() -> None:
    bracket = mutate_bracket(Filling("f(g(x))"), rng(), set())
    assert bracket is not None and bracket.text.count("(") == bracket.text.count(")") + 1
    assert mutate_wrong_type(Filling("f(x)"), rng(), set()).text == 'f("wrong")'  # type: ignore[union-attr]
    assert mutate_wrong_type(Filling('f("x")'), rng(), set()).text == "f(12345)"  # type: ignore[union-attr]
    assert mutate_wrong_type(Filling("a.b"), rng(), set(), whole=True).text == '"wrong"'  # type: ignore[union-attr]
    assert mutate_wrong_type(Filling("a.b"), rng(), set()) is None


def test_every_kind_applies_to_a_rich_filling_and_none_to_a_bad_one() -> None:
    kinds = {m.kind for m in mutations(TEXT, rng(), set(), whole_value_typed=False)}
    assert kinds == {"attribute", "name", "extra_argument", "missing_argument", "wrong_keyword", "bracket",
                     "wrong_type"}
    assert mutations("x = = 1", rng(), set(), whole_value_typed=False) == []


def test_messages_must_name_the_mistake() -> None:
    assert names_the_problem("attribute", "optins", "'Console' has no attribute 'optins'", "attributes")
    assert names_the_problem("attribute", "optins", 'Cannot access attribute "optins" for class', "pyright")
    assert not names_the_problem("attribute", "optins", "undefined name 'x'", "names")
    assert names_the_problem("extra_argument", "f", "f() takes 1 positional argument but 2 were given", "arity")
    # the extra None landed on an optional parameter that does not take None: that call's type error
    assert names_the_problem("extra_argument", "encode", "expected 'str' for parameter 'errors' of encode(), "
                             "got 'None'", "types")
    assert names_the_problem("extra_argument", "encode", 'Argument of type "None" cannot be assigned to '
                             'parameter "errors" of type "str" in function "encode"', "pyright")
    assert not names_the_problem("extra_argument", "encode", "expected 'str' for parameter 'x' of other(), "
                                 "got 'None'", "types")
    assert names_the_problem("extra_argument", "Text", 'Argument of type "None" cannot be assigned to '
                             'parameter "text" of type "str" in function "__init__"', "pyright")
    assert not names_the_problem("extra_argument", "text", 'Argument of type "None" cannot be assigned to '
                                 'parameter "text" of type "str" in function "__init__"', "pyright")
    assert not names_the_problem("extra_argument", "render", 'Argument of type "None" cannot be assigned to '
                                 'parameter "x" of type "str" in function "other"', "pyright")
    assert names_the_problem("missing_argument", "f", 'Argument missing for parameter "x"', "pyright")
    assert names_the_problem("extra_argument", "enumerate", 'Argument of type "None" cannot be assigned to '
                             'parameter "start" of type "int" in function "__new__"', "pyright")
    assert names_the_problem("missing_argument", "run_sync", 'Argument of type "tuple[()]" cannot be assigned to '
                             'parameter "args" of type "PosArgsT@run_sync" in function "run_sync"', "pyright")
    assert not names_the_problem("missing_argument", "run_sync", 'Argument of type "None" cannot be assigned to '
                                 'parameter "x" of type "str" in function "other"', "pyright")
    # arguments that fit no signature of an overloaded callee (a builtin class's is its __init__)
    assert names_the_problem("missing_argument", "cast", 'No overloads for "cast" match the provided arguments',
                             "pyright")
    assert names_the_problem("extra_argument", "list", 'No overloads for "__init__" match the provided arguments',
                             "pyright")
    assert not names_the_problem("extra_argument", "cast", 'No overloads for "other" match', "pyright")
    assert names_the_problem("wrong_keyword", "stackevel", 'No overloads for "warn" match', "pyright", "warn")
    assert not names_the_problem("wrong_keyword", "stackevel", 'No overloads for "warn" match', "pyright", "f")
    assert names_the_problem("bracket", "", "syntax error: '(' was never closed", "syntax")
    assert names_the_problem("wrong_type", "f", "expected 'int' for 'x', got 'str'", "types")
    assert not names_the_problem("wrong_type", "f", "undefined name 'y'", "names")
