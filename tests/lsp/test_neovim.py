"""A real Neovim (headless) attaches the server with its built-in LSP client."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lsp.conftest import SHAPES, server_env

NVIM = shutil.which("nvim")
SCRIPT = Path(__file__).with_name("nvim") / "complete_at_hole.lua"
TIMEOUT_S = 90

pytestmark = pytest.mark.skipif(
    NVIM is None, reason="nvim is not installed (apt-get install neovim)"
)


def test_neovim_gets_holepilot_completions_at_a_hole(tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    root.mkdir()
    text = SHAPES.replace("    best: Shape = ...", "    best: Shape = ")
    source = root / "shapes.py"
    source.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    best: Shape = ")
    out = tmp_path / "result.json"
    env = server_env(
        tmp_path,
        {
            "HOLEPILOT_NVIM_OUT": str(out),
            "HOLEPILOT_NVIM_FILE": str(source),
            "HOLEPILOT_NVIM_ROOT": str(root),
            "HOLEPILOT_NVIM_CMD": "\t".join([sys.executable, "-m", "lsp_server"]),
            "HOLEPILOT_NVIM_LINE": str(line),
            "HOLEPILOT_NVIM_CHARACTER": str(len("    best: Shape = ")),
            "HOLEPILOT_NVIM_TIMEOUT_MS": str((TIMEOUT_S - 30) * 1000),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
        },
    )
    command = [str(NVIM), "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {SCRIPT}"]
    subprocess.run(
        command,
        env=env,
        cwd=root,
        timeout=TIMEOUT_S,
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, result
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
