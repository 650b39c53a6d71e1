"""Unit tests of :mod:`context.secrets` and of the workspace skipping private files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from benchmarks.privacy_speed import make_package
from context.privacy import PrivacyFilter, is_private_file, parse_gitignore
from context.secrets import (
    has_credential,
    is_secret_name,
    mask_secrets,
    masked_hole,
    with_masked_definitions,
)
from context.workspace import Workspace
from tests.support.requires import git_program as git_program

AWS = "AKIA" + "IOSFODNN7EXAMPLE"
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
OPENAI = "sk-" + "proj-Xy7Qm2Lp9Rt4Vn8Kc3Wd"
SLACK = "xoxb-" + "123456789012-abcdefGHIJK"
PEM = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"
RANDOM_HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"
RANDOM_B64 = "q8Zr3Kx0Lw9Vt2Bn7Mj4Hg6Fd1Sa5"

needs_git = pytest.mark.usefixtures("git_program")


def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=30)


# -- mask_secrets ------------------------------------------------------------------------------
@pytest.mark.parametrize("secret", [AWS, GITHUB, OPENAI, SLACK, RANDOM_HEX, RANDOM_B64])
def test_credential_literals_are_masked_keeping_the_quotes(secret: str) -> None:
    for quote in ('"', "'"):
        text = f"API_TOKEN = {quote}{secret}{quote}\nx = 1\n"
        assert mask_secrets(text) == f"API_TOKEN = {quote}***{quote}\nx = 1\n"


def test_private_key_in_a_triple_quoted_string_is_masked() -> None:
    text = f'KEY = """{PEM}"""\nprint(KEY)\n'
    masked = mask_secrets(text)
    assert masked == 'KEY = """***"""\nprint(KEY)\n'


def test_secret_names_mask_short_passwords_but_not_code() -> None:
    text = (
        'password = "hunter2x"\n'
        'db_token: str = "Zq81mm0p"\n'
        'password = os.environ["PASSWORD"]\n'
        "self.token = token\n"
        'headers = {"Authorization": "Bearer ' + RANDOM_B64 + '"}\n'
    )
    masked = mask_secrets(text)
    assert "hunter2x" not in masked and 'password = "***"' in masked
    assert "Zq81mm0p" not in masked
    assert 'password = os.environ["PASSWORD"]' in masked
    assert "self.token = token" in masked
    assert RANDOM_B64 not in masked


def test_credentials_outside_literals_are_masked_too() -> None:
    text = f"# the key is {OPENAI}\n+AWS_KEY={AWS}\nDB_PASSWORD=s3cr3tPassw0rd!\n"
    masked = mask_secrets(text)
    for secret in (OPENAI, AWS, "s3cr3tPassw0rd!"):
        assert secret not in masked
    assert masked.count("***") == 3


@pytest.mark.parametrize(
    "code",
    [
        'name = "some-long-kebab-name-here"\n',
        'message = "hello world, this is a sentence"\n',
        "print(\"don't\", x)  # it's fine\n",
        'ALPHABET = "abcdefghijklmnopqrstuvwxyz"\n',
        'path = "src/holepilot/completion/api.py"\n',
        "token = tokens[0]\n",
        "def f(password: str) -> str:\n    return password\n",
        "",
    ],
)
def test_ordinary_code_is_left_alone(code: str) -> None:
    assert mask_secrets(code) == code


@pytest.mark.parametrize(
    "code",
    [
        # names and paths of real code that the generic detector must leave alone
        'c_function_name = "CPyList_GetItemInt64"\n',
        'names = ["i18n_multibytetoutf8", "sampler1DArrayShadow", "manylinux1_compatible"]\n',
        'url = "/v1/chat/completions"\n',
        'model = "claude-3-5-haiku-latest"\n',
        'FEATURE = "is_aarch64_feature_detected"\n',
        'token.type = "strong_open"\n',
        'token_type = "bearer_token_value"\n',
        'basic_auth_encoding: str = "latin-1"\n',
        'app_author = "MyCompany"\n',
        'TOKEN = "[a-zA-Z_][a-zA-Z0-9_-]*"\n',
        'message = f"auth={auth!r} password={password!r}"\n',
        '__doc__ = """AUTHORS.\n    :license: BSD"""\n',
    ],
)
def test_names_patterns_and_templates_are_not_masked(code: str) -> None:
    assert mask_secrets(code) == code
    assert not has_credential(code)


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("DB_PASSWORD", True),
        ("apiKey", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("x-api-key", True),
        ("Authorization", True),
        ("self.token", True),
        ("clientSecret", True),
        ("token_type", False),
        ("basic_auth_encoding", False),
        ("authlib", False),
        ("password_hash", False),
        ("keys", False),
    ],
)
def test_the_last_word_of_a_name_decides_whether_it_holds_a_secret(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


@pytest.mark.parametrize(
    "secret",
    [
        "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
        "eyJhbGciOiJIUzI1NiJ9"
        + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0"
        + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ],
)
def test_more_credential_shapes_are_masked(secret: str) -> None:
    assert mask_secrets(f'KEY = "{secret}"\n') == 'KEY = "***"\n'
    assert has_credential(f"value = '{secret}'")


def test_passwords_in_urls_are_masked_but_do_not_make_a_file_private() -> None:
    text = 'DATABASE_URL = "postgres://admin:hunter2@db:5432/app"\n'
    assert mask_secrets(text) == 'DATABASE_URL = "postgres://***@db:5432/app"\n'
    assert mask_secrets("# see https://user:pass@example.org/x\n") == (
        "# see https://***@example.org/x\n"
    )
    assert not has_credential(text)


def test_has_credential_detects_each_shape() -> None:
    for secret in (AWS, GITHUB, OPENAI, SLACK, PEM):
        assert has_credential(f"x = 1\nvalue = {secret!r}\n")
    assert has_credential(f"api_key = '{RANDOM_B64}'")
    assert not has_credential("api_key = os.environ['KEY']\nx = 'hello'\n")


# -- private files -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        ".env",
        ".env.local",
        "prod.env",
        "server.pem",
        "tls.key",
        "id_rsa",
        "id_ed25519.pub",
        "store.p12",
        "cert.pfx",
    ],
)
def test_env_files_keys_and_certificates_are_private(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("nothing\n")
    assert is_private_file(tmp_path / name, tmp_path)


def test_plain_modules_are_not_private_and_user_globs_are(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "prod_settings.py").write_text("x = 1\n")
    assert not is_private_file(tmp_path / "app.py", tmp_path)
    assert not is_private_file(tmp_path / "conf" / "prod_settings.py", tmp_path)
    assert is_private_file(tmp_path / "conf" / "prod_settings.py", tmp_path, ["conf/*"])
    assert is_private_file(tmp_path / "conf" / "prod_settings.py", tmp_path, ["prod_*.py"])


def test_files_holding_credentials_are_private(tmp_path: Path) -> None:
    (tmp_path / "keys.py").write_text(f"AWS = '{AWS}'\n")
    assert is_private_file(tmp_path / "keys.py", tmp_path)


def test_gitignore_rules_without_git(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text(
        "# local\nlocal_*.py\n/build_cfg.py\nsecrets/\n!local_ok.py\n"
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / ".gitignore").write_text("generated.py\n")
    for rel in (
        "local_a.py",
        "pkg/local_b.py",
        "build_cfg.py",
        "secrets/a.py",
        "pkg/generated.py",
        "local_ok.py",
        "pkg/build_cfg.py",
        "pkg/ok.py",
        "generated.py",
    ):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    privacy = PrivacyFilter(tmp_path)
    privacy._git = False  # as if git were missing
    ignored = {
        p.relative_to(tmp_path).as_posix()
        for p in privacy.ignored_among([p for p in tmp_path.rglob("*.py")])
    }
    assert ignored == {
        "local_a.py",
        "pkg/local_b.py",
        "build_cfg.py",
        "secrets/a.py",
        "pkg/generated.py",
    }


def test_parse_gitignore_reads_negation_anchors_and_directories() -> None:
    rules = parse_gitignore("# c\n\n!keep.py\n/top.py\nlogs/\na/b.py\n", "sub")
    assert [(r.pattern, r.negate, r.dir_only, r.anchored, r.base) for r in rules] == [
        ("keep.py", True, False, False, "sub"),
        ("top.py", False, False, True, "sub"),
        ("logs", False, True, False, "sub"),
        ("a/b.py", False, False, True, "sub"),
    ]


@needs_git
def test_gitignored_files_are_private_through_git(tmp_path: Path) -> None:
    git_init(tmp_path)
    (tmp_path / ".gitignore").write_text("private_*.py\n")
    (tmp_path / "private_conf.py").write_text("x = 1\n")
    (tmp_path / "public.py").write_text("x = 1\n")
    privacy = PrivacyFilter(tmp_path)
    assert privacy.is_private(tmp_path / "private_conf.py")
    assert not privacy.is_private(tmp_path / "public.py")
    assert privacy._git is True


# -- the workspace -----------------------------------------------------------------------------
@needs_git
def test_workspace_skips_private_files_when_listing_and_summarizing(tmp_path: Path) -> None:
    git_init(tmp_path)
    make_package(tmp_path, 3)
    (tmp_path / ".gitignore").write_text("pkg/local_settings.py\n")
    (tmp_path / "pkg" / "local_settings.py").write_text("DB = 'x'\n")
    (tmp_path / "pkg" / "keys.py").write_text(f"KEY = '{AWS}'\n")
    (tmp_path / "pkg" / "excluded.py").write_text("Y = 2\n")
    workspace = Workspace(tmp_path, private_globs=["*/excluded.py"])
    names = {p.name for p in workspace.files()}
    assert names == {"__init__.py", "mod0.py", "mod1.py", "mod2.py", "keys.py"}
    assert workspace.summary_for_path(tmp_path / "pkg" / "local_settings.py") is None
    assert workspace.summary_for_path(tmp_path / "pkg" / "keys.py") is None
    assert workspace.summary_for_path(tmp_path / "pkg" / "excluded.py") is None
    assert workspace.module("pkg.local_settings") is None
    assert workspace.summary_for_path(tmp_path / "pkg" / "mod1.py") is not None
    assert {s.module for s in workspace.all_summaries()} == {
        "pkg",
        "pkg.mod0",
        "pkg.mod1",
        "pkg.mod2",
    }


@needs_git
def test_privacy_decisions_are_made_once_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the filter costs while indexing is measured by benchmarks/privacy_speed.py; here: one
    git call decides for all files, and a decision once made is not asked of git again."""
    git_init(tmp_path)
    make_package(tmp_path, 300)
    (tmp_path / "pkg" / "mod7.py").rename(tmp_path / "pkg" / "mod_ignored.py")
    (tmp_path / ".gitignore").write_text("pkg/mod_ignored.py\n")
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(command: list[str], *args: object, **kwargs: object) -> object:
        calls.append(list(command))
        return real_run(command, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "run", counting_run)
    guarded = Workspace(tmp_path)
    files = guarded.files()
    assert len(files) == 300
    assert len(list(guarded.all_summaries())) == 300
    asked = len(calls)
    assert sum("check-ignore" in c and "--stdin" in c for c in calls) == 1
    assert guarded.privacy.private_among(files) == set()
    assert guarded.privacy.private_among([tmp_path / "pkg" / "mod_ignored.py"]) == {
        tmp_path / "pkg" / "mod_ignored.py"
    }
    assert len(calls) == asked  # decisions are cached: no second git call


@pytest.mark.parametrize(
    "text",
    [
        "a" * 200_000,
        "token" * 40_000,
        "x = [" + '"abcdefg", ' * 20_000 + "]",
        "d = {" + '"api_key": "abcdefgh", ' * 20_000 + "}",
        "x = " + "a_" * 50_000 + ' = "abc"',
    ],
)
def test_pathological_text_without_credentials_is_left_as_it_is(text: str) -> None:
    """Their time (linear in the length) is measured by benchmarks/privacy_speed.py."""
    assert mask_secrets(text) == text
    assert not has_credential(text)


def test_masked_hole_masks_the_window_and_definitions_only() -> None:
    from context.model import Definition, HoleContext

    hole = HoleContext(
        path="app.py",
        line=1,
        column=9,
        hole_kind="expression",
        prefix=f'KEY = "{AWS}"\nvalue = ',
        suffix=f'\nOTHER = "{GITHUB}"\n',
        relevant_types=(Definition("Conf", "class", f'class Conf:\n    token: str = "{OPENAI}"'),),
        cross_file=(
            Definition("connect", "function", f'def connect(key: str = "{RANDOM_HEX}") -> None'),
        ),
    )
    masked = masked_hole(hole)
    assert masked.prefix == 'KEY = "***"\nvalue = '
    assert masked.suffix == '\nOTHER = "***"\n'
    assert masked.relevant_types[0].text == 'class Conf:\n    token: str = "***"'
    assert masked.cross_file[0].text == 'def connect(key: str = "***") -> None'
    assert (masked.path, masked.line, masked.column) == (hole.path, hole.line, hole.column)
    shown = with_masked_definitions(hole)
    assert (shown.prefix, shown.suffix) == (hole.prefix, hole.suffix)  # offsets stay valid
    assert shown.relevant_types == masked.relevant_types
    assert shown.cross_file == masked.cross_file


def test_masked_hole_keeps_whole_lines_within_max_chars() -> None:
    from context.model import HoleContext

    prefix = "".join(f"line{i} = {i}\n" for i in range(1000)) + "value = "
    suffix = "\n" + "".join(f"after{i} = {i}\n" for i in range(1000))
    hole = HoleContext("app.py", 1000, 8, "expression", prefix, suffix)
    masked = masked_hole(hole, max_chars=100)
    assert masked.prefix.endswith("line999 = 999\nvalue = ")
    assert prefix.endswith(masked.prefix) and len(masked.prefix) <= 100
    assert masked.prefix.startswith("line")
    assert suffix.startswith(masked.suffix) and len(masked.suffix) <= 100
    assert masked.suffix.endswith("\n")
    assert masked_hole(hole).prefix == prefix


def test_new_private_globs_drop_what_was_indexed(tmp_path: Path) -> None:
    make_package(tmp_path, 2)
    workspace = Workspace(tmp_path)
    assert workspace.module("pkg.mod1") is not None
    assert len(workspace.files()) == 3
    workspace.set_private_globs(["pkg/mod1.py"])
    assert workspace.module("pkg.mod1") is None
    assert {p.name for p in workspace.files()} == {"__init__.py", "mod0.py"}
    workspace.set_private_globs([])
    assert workspace.module("pkg.mod1") is not None
