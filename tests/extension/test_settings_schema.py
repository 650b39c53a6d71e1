"""The VS Code extension's settings agree with the server's one settings tree."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from completion.settings import parse_settings, settings_schema
from tests.support.requires import node_program as node_program

EXTENSION = Path(__file__).resolve().parents[2] / "vscode-extension"
CLIENT_ONLY = "holepilot.server."


def _properties() -> dict[str, Any]:
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    props: dict[str, Any] = manifest["contributes"]["configuration"]["properties"]
    return props


def _server_properties() -> dict[str, Any]:
    return {key: value for key, value in _properties().items() if not key.startswith(CLIENT_ONLY)}


def test_package_json_has_exactly_the_server_settings() -> None:
    assert sorted(_server_properties()) == sorted(settings_schema())


@pytest.mark.parametrize("key", sorted(settings_schema()))
def test_each_setting_matches_the_schema(key: str) -> None:
    assert _server_properties().get(key) == settings_schema()[key]


def test_client_only_settings_are_the_server_launch_settings() -> None:
    client = {key: value for key, value in _properties().items() if key.startswith(CLIENT_ONLY)}
    assert client["holepilot.server.pythonPath"]["type"] == "string"
    assert client["holepilot.server.command"]["type"] == "array"
    assert set(client) == {"holepilot.server.pythonPath", "holepilot.server.command"}


def test_defaults_sent_as_initialization_options_parse_without_warnings() -> None:
    sent = {
        key.removeprefix("holepilot."): value["default"]
        for key, value in _server_properties().items()
    }
    settings, warnings = parse_settings(sent)
    assert warnings == []
    assert settings == parse_settings({})[0]


def test_no_secret_is_a_setting() -> None:
    for key in _properties():
        assert "apikey" not in key.lower().replace("apikeyenv", "")


@pytest.mark.usefixtures("node_program")
def test_generator_check_mode_agrees() -> None:
    result = subprocess.run(
        ["node", "scripts/gen-settings.mjs", "--check"],
        cwd=EXTENSION,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
