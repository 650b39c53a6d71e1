"""A package pinned by hand whose import name is not its distribution's (``python-dateutil``
ships ``dateutil``, ``websocket-client`` ``websocket``): the benchmarks take the import packages
its wheel ships, and unpack them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from benchmarks.packages import spec_of
from benchmarks.recall_packages import download_wheel, ensure_package, resolved, wheel_imports


def _wheel(downloads: Path, name: str, files: dict[str, str]) -> Path:
    downloads.mkdir(parents=True, exist_ok=True)
    wheel = downloads / f"{name}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)
    return wheel


def test_the_import_packages_a_wheel_ships_replace_a_wrong_guess(tmp_path: Path) -> None:
    _wheel(tmp_path / "downloads", "python_dateutil-2.9.0", {
        "dateutil/__init__.py": "", "dateutil/tz/__init__.py": "",
        "python_dateutil-2.9.0.dist-info/top_level.txt": "dateutil\n",
    })
    spec = resolved(spec_of("python-dateutil==2.9.0"), tmp_path)
    assert spec.imports == ("dateutil",)
    root = ensure_package(spec, tmp_path)
    assert (root / "dateutil" / "tz" / "__init__.py").is_file()


def test_without_top_level_txt_the_top_entries_count_modules_included(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "downloads", "websocket_client-1.8.0", {
        "websocket/__init__.py": "", "six_like.py": "", "websocket_client-1.8.0.dist-info/METADATA": "",
    })
    assert wheel_imports(wheel) == ("websocket", "six_like")
    spec = resolved(spec_of("websocket-client==1.8.0"), tmp_path)
    root = ensure_package(spec, tmp_path)
    assert (root / "websocket" / "__init__.py").is_file() and (root / "six_like.py").is_file()


def test_a_right_guess_is_kept(tmp_path: Path) -> None:
    _wheel(tmp_path / "downloads", "toolz-1.0.0", {"toolz/__init__.py": "", "tlz/__init__.py": ""})
    assert resolved(spec_of("toolz==1.0.0"), tmp_path).imports == ("toolz",)


def test_a_downloaded_wheel_is_found_whatever_the_case_of_its_name(tmp_path: Path) -> None:
    wheel = tmp_path / "Markdown-3.7-py3-none-any.whl"
    wheel.write_bytes(b"")
    (tmp_path / "markdown_it_py-3.0.0-py3-none-any.whl").write_bytes(b"")
    assert download_wheel(spec_of("markdown==3.7"), tmp_path) == wheel
