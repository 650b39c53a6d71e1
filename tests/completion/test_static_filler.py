"""The static filler: what fits and can be written here comes before what needs an import."""

from __future__ import annotations

from pathlib import Path

from completion.static_filler import static_candidates
from context.api import Analyzer

CONFIG = """from dataclasses import dataclass


@dataclass
class Config:
    name: str
    debug: bool
    verbose: bool
    _hidden: bool = False
"""
CHECKS = "def is_ready(text: str) -> bool:\n    return bool(text)\n"
USE = "from conf import Config\n\n\ndef run(config: Config) -> bool:\n    flag: bool = "


def fillings(tmp_path: Path, use: str = USE) -> list[str]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'w'\n", encoding="utf-8")
    (tmp_path / "conf.py").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "checks.py").write_text(CHECKS, encoding="utf-8")
    path = tmp_path / "use.py"
    path.write_text(use, encoding="utf-8")
    lines = use.split("\n")
    hole = Analyzer(tmp_path).hole_context(path, len(lines) - 1, len(lines[-1]), use)
    assert any(h.text == "config.verbose: bool" for h in hole.relevant_headers)
    return [c.text for c in static_candidates(hole)]


def test_a_field_of_a_binding_that_fits_comes_first(tmp_path: Path) -> None:
    texts = fillings(tmp_path)
    assert texts[:2] == ["config.debug", "config.verbose"]  # equals: by name
    assert "config._hidden" not in texts and "config.name" not in texts


def test_among_equals_the_one_named_like_the_variable_comes_first(tmp_path: Path) -> None:
    texts = fillings(tmp_path, USE.replace("flag: bool = ", "verbose: bool = "))
    assert texts[:2] == ["config.verbose", "config.debug"]


def test_a_function_of_a_module_not_imported_comes_after_the_literal(tmp_path: Path) -> None:
    texts = fillings(tmp_path)
    assert texts.index("False") < texts.index('is_ready("")')


def test_what_yield_receives_is_typed_by_the_generator_annotation(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'w'\n", encoding="utf-8")
    text = (
        "from collections.abc import Generator\n\n\nclass Response:\n    status: int\n\n\n"
        "def flow() -> Generator[str, Response, None]:\n    response = yield 'request'\n    code: int = "
    )
    path = tmp_path / "flow.py"
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    hole = Analyzer(tmp_path).hole_context(path, len(lines) - 1, len(lines[-1]), text)
    assert ("response", "Response") in [(b.name, b.type) for b in hole.typing_context]
    assert static_candidates(hole)[0].text == "response.status"
