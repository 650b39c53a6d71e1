"""The one settings tree of holepilot: typed, defaulted, parsed once at the edge.

Sources (LSP initializationOptions / workspace configuration, CLI flags, environment) all go
through :func:`parse_settings`, which never raises: a bad value is replaced by its default
and reported in the returned warnings so that the front end can show it.

Keys are camelCase outside (``holepilot.baseUrl``) and snake_case inside (``base_url``).
:func:`settings_schema` feeds the VS Code extension's ``contributes.configuration``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

from completion.model import (
    BACKENDS,
    EDIT_FORMATS,
    FIM_PROFILES,
    BackendName,
    EditFormat,
    FimProfileName,
)

T = TypeVar("T")


def setting(default: T, description: str, **schema: Any) -> T:
    """A setting's default, with its description and JSON-schema constraints (``minimum``,
    ``maximum``, ``enum``) as the field's metadata."""
    return field(default=default, metadata={"description": description, **schema})


@dataclass(frozen=True)
class Settings:
    """Every setting, with its default. ``field.metadata`` carries the schema description."""

    enable: bool = setting(True, "Enable holepilot completions.")
    backend: BackendName = setting(
        "auto",
        "Model backend. 'auto' uses a reachable local Ollama on 127.0.0.1:11434, else 'static'.",
        enum=BACKENDS,
    )
    base_url: str = setting("", "Base URL of the backend; empty for the backend's default.")
    model: str = setting("", "Model name sent to the backend.")
    api_key_env: str = setting(
        "",
        "Name of the environment variable holding the API key (default: OPENAI_API_KEY or "
        "ANTHROPIC_API_KEY by backend). The key itself is never stored in settings.",
    )
    fim_profile: FimProfileName = setting(
        "auto",
        "Fill-in-the-middle prompt format; 'auto' guesses from the model name.",
        enum=FIM_PROFILES,
    )
    budget_tokens: int = setting(2048, "Token budget of the prompt.", minimum=128, maximum=131072)
    max_tokens: int = setting(
        256,
        "Most tokens the model may generate for one request; caps the limits of each hole shape.",
        minimum=1,
        maximum=8192,
    )
    line_max_tokens: int = setting(
        48,
        "Most tokens for a hole inside a line (an argument, a right-hand side, a condition): "
        "the suggestion ends at the line end.",
        minimum=1,
        maximum=1024,
    )
    brackets_max_tokens: int = setting(
        128,
        "Most tokens for a hole after brackets its line leaves open (a call written over "
        "several lines): the suggestion ends where the brackets balance.",
        minimum=1,
        maximum=4096,
    )
    block_max_tokens: int = setting(
        256,
        "Most tokens for a block (an empty line after a block opener, an empty body: the "
        "suggestion ends where the code dedents below the block) or a statement on an empty "
        "line (it ends with its line, or with the block that line opens).",
        minimum=1,
        maximum=8192,
    )
    block_max_lines: int = setting(24, "Most lines of a block or statement suggestion.", minimum=1, maximum=500)
    temperature: float = setting(0.2, "Sampling temperature.", minimum=0.0, maximum=2.0)
    max_rounds: int = setting(2, "Error rounds: re-prompts with the diagnostics of a candidate.", minimum=0, maximum=5)
    debounce_ms: int = setting(
        50,
        "Wait this long after typing before asking the model (the shortest wait).",
        minimum=0,
        maximum=2000,
    )
    debounce_max_ms: int = setting(
        300,
        "Longest wait before asking a slow model while the user types quickly: the wait follows "
        "the typing pace between debounceMs and this.",
        minimum=0,
        maximum=5000,
    )
    fast_backend_ms: int = setting(
        150,
        "Suggestions that recently took at most this many milliseconds (analysis, model and "
        "check) are fast: they are asked for after debounceMs whatever the typing pace.",
        minimum=0,
        maximum=10000,
    )
    request_timeout_s: float = setting(15.0, "Timeout of one model request, in seconds.", minimum=0.1, maximum=600.0)
    connect_timeout_s: float = setting(3.0, "Connect timeout to the backend, in seconds.", minimum=0.1, maximum=60.0)
    max_retries: int = setting(2, "Retries on 429 and 5xx answers.", minimum=0, maximum=10)
    max_concurrent_requests: int = setting(2, "Most model requests in flight at once.", minimum=1, maximum=32)
    edit_format: EditFormat = setting("sr", "Answer format of inline-chat edits.", enum=EDIT_FORMATS)
    python: str = setting("", "Python interpreter of the workspace (for third-party imports).")
    pyright: bool = setting(False, "Also check completions with a running pyright (basedpyright).")
    max_file_bytes: int = setting(4_000_000, "Largest file analysed, in bytes.", minimum=1000)
    max_index_files: int = setting(5000, "Most workspace files indexed.", minimum=1)
    history_max_steps: int = setting(20, "Most edit-history steps kept per workspace.", minimum=0, maximum=1000)
    exclude_globs: tuple[str, ...] = setting((), "Extra globs of files never read into a prompt.")
    guided_decoding: bool = setting(
        False,
        "The OpenAI-compatible server takes vLLM-style guided_choice/guided_regex: holes with "
        "a closed set of answers (a member after a dot, a keyword name, a Literal value) are "
        "constrained to it. Leave off for servers that refuse unknown fields (OpenAI's own API).",
    )
    allow_insecure_http: bool = setting(False, "Allow sending code to a non-loopback http:// (not https) endpoint.")
    automatic_suggestions: bool = setting(
        True,
        "Suggest while typing. Off: manual-only mode, suggestions come only on the explicit "
        "trigger (the editor's 'trigger inline suggestion' command).",
    )
    suggest_exclude_globs: tuple[str, ...] = setting(
        (),
        "Globs of files where no suggestion is offered (matched against the file name and "
        "the workspace-relative path, e.g. 'tests/*', '*_pb2.py'). Unlike excludeGlobs, "
        "these files are still read as context for other files.",
    )
    suggest_in_comments_and_strings: bool = setting(
        False,
        "Offer automatic suggestions inside comments and strings (off: only the explicit "
        "trigger suggests there).",
    )
    suggest_mid_word: bool = setting(
        False,
        "Offer automatic suggestions in the middle of a word (a letter, digit or '_' right "
        "after the cursor); off: only the explicit trigger suggests there.",
    )


# Settings whose globs are checked: a bad one is reported and dropped, the rest stay. (The
# privacy globs of excludeGlobs are kept as given: dropping one could only expose more.)
GLOB_SETTINGS = ("suggest_exclude_globs",)


def glob_problem(glob: str) -> str | None:
    """Why ``glob`` cannot work as a file glob of these settings (fnmatch semantics, matched
    against a file name or a workspace-relative path), or None."""
    if not glob.strip():
        return "it is empty"
    if "\\" in glob:
        return "use / as the path separator"
    if glob.startswith("/"):
        return "it is matched against workspace-relative paths: drop the leading /"
    if "{" in glob or "}" in glob:
        return "braces are not supported: list each glob on its own"
    if re.search(r"\[(?![^\]]*\])", glob):
        return "a '[' is never closed"
    return None


def _checked_globs(name: str, globs: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    kept: list[str] = []
    warnings: list[str] = []
    for glob in globs:
        problem = glob_problem(glob)
        if problem is None:
            kept.append(glob)
        else:
            warnings.append(f"holepilot.{camel(name)}: glob {glob!r} ignored ({problem})")
    return tuple(kept), warnings


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _coerce(f: dataclasses.Field[Any], value: Any) -> Any:
    default = f.default
    meta = f.metadata
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
        raise ValueError("expected true or false")
    if isinstance(default, int | float):
        if isinstance(value, bool):
            raise ValueError("expected a number")
        number = type(default)(value)
        if "minimum" in meta and number < meta["minimum"]:
            raise ValueError(f"must be at least {meta['minimum']}")
        if "maximum" in meta and number > meta["maximum"]:
            raise ValueError(f"must be at most {meta['maximum']}")
        return number
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError("expected a list of strings")
        return tuple(value)
    if not isinstance(value, str):
        raise ValueError("expected a string")
    if "enum" in meta and value not in meta["enum"]:
        raise ValueError(f"expected one of {', '.join(meta['enum'])}")
    return value


def checked_setting(name: str, value: object) -> object:
    """``value`` as setting ``name`` (snake_case) would hold it; ValueError saying why it cannot.
    Front ends that take one setting at a time (CLI flags) reject bad values with this."""
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    if name not in fields:
        raise ValueError(f"unknown setting '{name}'")
    try:
        return _coerce(fields[name], value)
    except TypeError as error:
        raise ValueError(str(error)) from error


def parse_settings(raw: object, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from a loose mapping as JSON gives it (camelCase or snake_case keys, optionally
    nested under ``holepilot``). Unknown keys and bad values become warnings; nothing raises."""
    base = base or Settings()
    warnings: list[str] = []
    if raw is None:
        return base, warnings
    if not isinstance(raw, dict):
        return base, [f"holepilot settings must be an object, got {type(raw).__name__}; using defaults"]
    nested = raw.get("holepilot")
    values = nested if isinstance(nested, dict) else raw
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        name = snake(str(key))
        if name not in fields:
            warnings.append(f"unknown holepilot setting '{key}' ignored")
            continue
        if value is None:
            continue
        try:
            changes[name] = _coerce(fields[name], value)
        except (ValueError, TypeError) as error:
            default = getattr(base, name)
            warnings.append(f"holepilot.{camel(name)}: {value!r} is invalid ({error}); using {default!r}")
            continue
        if name in GLOB_SETTINGS:
            changes[name], bad = _checked_globs(name, changes[name])
            warnings += bad
    return dataclasses.replace(base, **changes), warnings


def settings_schema() -> dict[str, Any]:
    """JSON-schema properties of every setting, keyed ``holepilot.<camelName>``."""
    props: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        default = f.default
        kind = (
            "boolean" if isinstance(default, bool)
            else "integer" if isinstance(default, int)
            else "number" if isinstance(default, float)
            else "array" if isinstance(default, tuple)
            else "string"
        )
        entry: dict[str, Any] = {"type": kind, "default": list(default) if isinstance(default, tuple) else default}
        entry.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in f.metadata.items()})
        if kind == "array":
            entry["items"] = {"type": "string"}
        props[f"holepilot.{camel(f.name)}"] = entry
    return props
