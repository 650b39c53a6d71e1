"""Fixtures for the programs some tests run. A missing program fails the test with the reason and
the way to install it: a skipped test would let the suite pass without ever running it.

A test module imports the fixture it needs (``from tests.support.requires import git_program as
git_program``) and asks for it, e.g. with ``@pytest.mark.usefixtures("git_program")``.
"""

from __future__ import annotations

import shutil

import pytest

from completion.errors import ConfigError
from completion.pyright import find_server


def require_program(name: str, how: str) -> str:
    """The path of ``name`` on PATH; fails the calling test, saying ``how`` to install it."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: {how}", pytrace=False)
    return path


@pytest.fixture
def git_program() -> str:
    return require_program("git", "install git (Debian: apt-get install git; .ci/run does)")


@pytest.fixture
def node_program() -> str:
    return require_program("node", "install Node.js 20 with npm (it builds the VS Code extension)")


@pytest.fixture
def pyright_server() -> str:
    """basedpyright's language server, which the dev extras install (`make setup-dev`)."""
    try:
        return find_server()
    except ConfigError as error:
        pytest.fail(f"{error} (it is part of the dev extras: `make setup-dev`)", pytrace=False)
