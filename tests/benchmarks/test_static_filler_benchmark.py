"""The pure parts of the static-filler benchmark."""

from __future__ import annotations

from benchmarks.static_filler import Tally, is_placeholder, markdown, same_code


def test_true_code_is_equal_but_for_whitespace() -> None:
    assert same_code("f(a,  b)", "f(a, b)")
    assert not same_code("f(a)", "f(b)") and not same_code("", "")


def test_placeholders_are_any_and_ellipsis_arguments() -> None:
    assert is_placeholder("Any()") and is_placeholder("Config(...)") and is_placeholder("f(a, ...)")
    assert is_placeholder("f(x=...)") and is_placeholder("typing.Any()")
    assert not is_placeholder("typing.Anything()") and not is_placeholder("x[...]")
    assert not is_placeholder("Callable[..., int]") and not is_placeholder("ManyAny()")


def test_table_sums_the_packages() -> None:
    rows = [("a", "test", Tally(10, 4, 1, 2, 3, 0)), ("b", "test", Tally(10, 6, 0, 1, 5, 0))]
    text = markdown(rows)
    assert "| **all** | | 20 | 10 (50.0 %) | 1 (10.0 %) | 3 (30.0 %) | 8 (40.0 %) | 0 |" in text
