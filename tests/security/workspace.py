"""A workspace with secrets planted where a careless prompt builder would pick them up."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Built from pieces so that this file itself does not look like it holds credentials.
AWS_KEY = "AKIA" + "QWERTYUIOPASDFGH"
ENV_KEY = "sk-" + "envfile0marker0Qz81xy"
PEM_MARKER = "MIIpemfile0marker0body"
IGNORED_MARKER = "gitignored-marker-7f3a"
SECRETS = (AWS_KEY, ENV_KEY, PEM_MARKER, IGNORED_MARKER)

IGNORED_MODULE = f'''\
class Vault:
    """Where the {IGNORED_MARKER} lives."""

    endpoint: str = "{IGNORED_MARKER}"

    def open(self, passphrase: str = "{IGNORED_MARKER}") -> "Vault":
        return self


def vault_default(name: str = "{IGNORED_MARKER}") -> Vault:
    return Vault()
'''

APP = f'''\
from local_settings import Vault, vault_default

API_TOKEN = "{AWS_KEY}"


def make_vault(name: str) -> Vault:
    v: Vault = vault_default(name)
    return v.open()


def build() -> Vault:
    result: Vault = ...
    return result
'''
HOLE = (12, 21)  # 1-based line and column of the `...` in APP


@dataclass(frozen=True)
class SecretWorkspace:
    root: Path
    app: Path

    @property
    def position(self) -> str:
        return f"{self.app}:{HOLE[0]}:{HOLE[1]}"


def make_secret_workspace(root: Path) -> SecretWorkspace:
    """A git repository with secrets in ``.env``, a ``*.pem``, a gitignored module imported by
    the code at the hole, and a string literal of the edited file."""
    root.mkdir(parents=True, exist_ok=True)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=30)
    (root / ".gitignore").write_text("local_settings.py\n", encoding="utf-8")
    (root / "local_settings.py").write_text(IGNORED_MODULE, encoding="utf-8")
    (root / ".env").write_text(f"OPENAI_API_KEY={ENV_KEY}\n", encoding="utf-8")
    (root / "server.pem").write_text(
        f"-----BEGIN PRIVATE KEY-----\n{PEM_MARKER}\n-----END PRIVATE KEY-----\n", encoding="utf-8"
    )
    app = root / "app.py"
    app.write_text(APP, encoding="utf-8")
    return SecretWorkspace(root, app)


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("API_KEY")}
    env.pop("HOLEPILOT_BACKEND", None)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def run_cli(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "holepilot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env if env is not None else cli_env(),
        timeout=timeout,
    )
