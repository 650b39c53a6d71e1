"""A member read on a receiver of unknown type, spelled like no name known anywhere (workspace,
imported modules, standard library) but one edit away from one, is reported as a misspelling."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer
from context.model import Diagnostic
from context.vocabulary import Vocabulary

LIB = "class Console:\n    def print(self, text):\n        pass\n\n    def render_lines(self):\n        pass\n"


def _spelling(root: Path, text: str, name: str = "app.py") -> list[Diagnostic]:
    (root / "lib.py").write_text(LIB, encoding="utf-8")
    path = root / name
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    return [d for d in Analyzer(root).diagnose(path, text) if d.code == "unknown-member-name"]


def test_a_misspelled_member_on_an_unknown_receiver_is_reported(tmp_path: Path) -> None:
    found = _spelling(tmp_path, "def run(console):\n    console.render_liens()\n")
    assert len(found) == 1
    assert "'render_liens'" in found[0].message and "did you mean 'render_lines'" in found[0].message
    assert (found[0].line, found[0].column, found[0].end_column) == (1, 12, 24)


def test_a_name_of_the_standard_library_is_known(tmp_path: Path) -> None:
    assert not _spelling(tmp_path, "def run(buffer):\n    return buffer.getvalue()\n")


def test_a_name_another_file_uses_is_known(tmp_path: Path) -> None:
    (tmp_path / "other.py").write_text("def f(x):\n    return x.render_linez\n", encoding="utf-8")
    assert not _spelling(tmp_path, "def run(console):\n    console.render_linez()\n")


def test_a_name_used_elsewhere_in_the_buffer_is_known(tmp_path: Path) -> None:
    assert not _spelling(tmp_path, "def run(console):\n    console.render_liens()\n    console.render_liens()\n")


def test_the_file_on_disk_does_not_vouch_for_the_buffer(tmp_path: Path) -> None:
    text = "def run(console):\n    console.render_liens()\n"
    (tmp_path / "app.py").write_text(text, encoding="utf-8")
    assert len(_spelling(tmp_path, text)) == 1


def test_a_name_like_no_known_name_is_left_alone(tmp_path: Path) -> None:
    assert not _spelling(tmp_path, "def run(console):\n    console.wholly_new_method()\n")


def test_a_receiver_from_a_module_that_cannot_be_found_is_left_alone(tmp_path: Path) -> None:
    assert not _spelling(tmp_path, "import not_installed_anywhere\n\nnot_installed_anywhere.render_liens()\n")


def test_a_receiver_whose_class_computes_members_is_left_alone(tmp_path: Path) -> None:
    text = ("class Lazy:\n    def __getattr__(self, name):\n        return name\n\n"
            "def run():\n    Lazy().render_liens()\n")
    assert not _spelling(tmp_path, text)


def test_a_member_the_attribute_check_reports_is_reported_once(tmp_path: Path) -> None:
    text = "from lib import Console\n\ndef run():\n    Console().render_liens()\n"
    (tmp_path / "lib.py").write_text(LIB, encoding="utf-8")
    path = tmp_path / "app.py"
    found = [d for d in Analyzer(tmp_path).diagnose(path, text) if "render_liens" in d.message]
    assert [d.code for d in found] == ["unknown-attribute"]


class _NoModules:
    def files(self) -> list[Path]:
        return []

    def module_path(self, dotted: str) -> Path | None:
        return None


def test_the_closest_known_name_prefers_a_swap(tmp_path: Path) -> None:
    vocabulary = Vocabulary(_NoModules(), tmp_path / "a.py", "x.form\nx.from_\nx.from_\nx.fomr\nx.form", [])
    assert vocabulary.close_to("fomr") == "form"
    assert vocabulary.knows("form") and not vocabulary.knows("fomr")


def test_a_misspelled_member_assigned_to_on_another_object_is_reported(tmp_path: Path) -> None:
    text = "def run(console, token):\n    token.render_liens = 1\n    self_like = token\n"
    found = _spelling(tmp_path, text)
    assert [(d.line, d.column) for d in found] == [(1, 10)] and "did you mean 'render_lines'" in found[0].message


def test_a_new_attribute_of_self_is_left_alone(tmp_path: Path) -> None:
    assert not _spelling(tmp_path, "class A:\n    def run(self):\n        self.render_liens = 1\n")


def test_a_misspelled_keyword_of_a_callee_nobody_can_judge_is_reported(tmp_path: Path) -> None:
    text = "def run(message, log):\n    log.warn(message, staclevel=2)\n"  # ``log`` of unknown type
    found = [d for d in Analyzer(tmp_path).diagnose(tmp_path / "app.py", text) if d.code == "unknown-keyword-name"]
    assert [(d.line, d.column, d.end_column) for d in found] == [(1, 22, 31)]
    assert "did you mean 'stacklevel'" in found[0].message


def test_a_member_of_an_undefined_name_is_left_to_the_name_check(tmp_path: Path) -> None:
    assert not _spelling(tmp_path, "def run():\n    return consoel.render_liens()\n")
