"""Fill-in-the-middle prompt formats, one frozen :class:`FimProfile` per model family.

A profile renders ``(prefix, suffix, context_blocks)`` into the raw prompt a base model was
trained on, and names its stop strings and special tokens (so that post-processing can cut
at a stop and strip a leaked token). Rendering is pure and does not budget: the caller
passes context blocks already cut to fit, and may ask :func:`fim_overhead_tokens` first.

Context blocks are ``(title_or_path, text)`` pairs (relevant types, headers, history diffs).
They become ``# comment`` blocks at the top of the prefix, or, for a profile with a
repository form and a known current path, ``file_sep`` blocks before the current file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from completion.tokens import count_tokens

ContextBlock = tuple[str, str]
# (prefix, suffix) -> prompt, once the context is merged into the prefix
_Layout = Callable[[str, str], str]


@dataclass(frozen=True)
class RepoTokens:
    """The tokens of a repository-level form: ``{repo}name{sep}{file_sep}path\\ntext``."""

    repo_name: str
    file_sep: str
    # Qwen ends the repository name and each file with a newline; StarCoder2 does not.
    newline_after_repo: bool
    newline_after_file: bool
    # StarCoder2 trained with ``<file_sep><fim_prefix>path\ncode...``: the current path
    # opens the prefix instead of following the separator.
    path_inside_prefix: bool = False


@dataclass(frozen=True)
class FimProfile:
    """How one model family wants a fill-in-the-middle prompt."""

    name: str
    layout: _Layout
    stop: tuple[str, ...]
    special_tokens: tuple[str, ...]
    repo: RepoTokens | None = None
    # True when the server builds the FIM prompt itself (the suffix travels separately).
    server_side: bool = False

    def render(
        self,
        prefix: str,
        suffix: str,
        context_blocks: Sequence[ContextBlock] = (),
        *,
        path: str = "",
        repo_name: str = "",
    ) -> str:
        """The prompt text. ``path`` (and ``repo_name``) enable the repository form."""
        return render_fim_prompt(
            self, prefix, suffix, context_blocks, path=path, repo_name=repo_name
        )


def _starcoder(prefix: str, suffix: str) -> str:
    return f"<fim_prefix>{prefix}<fim_suffix>{suffix}<fim_middle>"


def _codellama(prefix: str, suffix: str) -> str:
    return f"<PRE> {prefix} <SUF>{suffix} <MID>"


def _deepseek(prefix: str, suffix: str) -> str:
    return f"<｜fim▁begin｜>{prefix}<｜fim▁hole｜>{suffix}<｜fim▁end｜>"


def _qwen(prefix: str, suffix: str) -> str:
    return f"<|fim_prefix|>{prefix}<|fim_suffix|>{suffix}<|fim_middle|>"


def _codestral(prefix: str, suffix: str) -> str:
    return f"[SUFFIX]{suffix}[PREFIX]{prefix}"


def _prefix_only(prefix: str, suffix: str) -> str:
    return prefix


_STARCODER_TOKENS = (
    "<fim_prefix>",
    "<fim_suffix>",
    "<fim_middle>",
    "<fim_pad>",
    "<file_sep>",
    "<repo_name>",
    "<filename>",
    "<gh_stars>",
    "<|endoftext|>",
)
_DEEPSEEK_TOKENS = (
    "<｜fim▁begin｜>",
    "<｜fim▁hole｜>",
    "<｜fim▁end｜>",
    "<｜begin▁of▁sentence｜>",
    "<｜end▁of▁sentence｜>",
    "<|EOT|>",
)
_QWEN_TOKENS = (
    "<|fim_prefix|>",
    "<|fim_suffix|>",
    "<|fim_middle|>",
    "<|fim_pad|>",
    "<|file_sep|>",
    "<|repo_name|>",
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
)
# "<s>" is left out: it is ordinary HTML too, and stripping it would damage code.
_CODESTRAL_TOKENS = ("[SUFFIX]", "[PREFIX]", "[MIDDLE]", "</s>")

STARCODER = FimProfile(
    name="starcoder",
    layout=_starcoder,
    stop=(
        "<|endoftext|>",
        "<file_sep>",
        "<fim_prefix>",
        "<fim_suffix>",
        "<fim_middle>",
        "<fim_pad>",
        "<repo_name>",
    ),
    special_tokens=_STARCODER_TOKENS,
    repo=RepoTokens(
        "<repo_name>",
        "<file_sep>",
        newline_after_repo=False,
        newline_after_file=False,
        path_inside_prefix=True,
    ),
)
# StarCoder (1) has no repository tokens: context goes in as comments.
STARCODER1 = FimProfile(
    name="starcoder",
    layout=_starcoder,
    stop=STARCODER.stop,
    special_tokens=_STARCODER_TOKENS,
)
CODELLAMA = FimProfile(
    name="codellama",
    layout=_codellama,
    stop=("<EOT>", "</s>", "<PRE>", "<SUF>", "<MID>"),
    special_tokens=("<PRE>", "<SUF>", "<MID>", "<EOT>", "</s>"),
)
DEEPSEEK = FimProfile(
    name="deepseek",
    layout=_deepseek,
    stop=("<｜end▁of▁sentence｜>", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", "<|EOT|>"),
    special_tokens=_DEEPSEEK_TOKENS,
)
QWEN = FimProfile(
    name="qwen",
    layout=_qwen,
    stop=(
        "<|endoftext|>",
        "<|fim_pad|>",
        "<|file_sep|>",
        "<|repo_name|>",
        "<|im_end|>",
        "<|fim_prefix|>",
        "<|fim_suffix|>",
        "<|fim_middle|>",
    ),
    special_tokens=_QWEN_TOKENS,
    repo=RepoTokens(
        "<|repo_name|>", "<|file_sep|>", newline_after_repo=True, newline_after_file=True
    ),
)
CODESTRAL = FimProfile(
    name="codestral",
    layout=_codestral,
    stop=("</s>", "[PREFIX]", "[SUFFIX]", "[MIDDLE]"),
    special_tokens=_CODESTRAL_TOKENS,
)
NONE = FimProfile(name="none", layout=_prefix_only, stop=(), special_tokens=(), server_side=True)

PROFILES: dict[str, FimProfile] = {
    p.name: p for p in (STARCODER, CODELLAMA, DEEPSEEK, QWEN, CODESTRAL, NONE)
}

# Checked in order against the lower-cased model name.
_MODEL_PATTERNS: tuple[tuple[str, FimProfile], ...] = (
    (r"qwen[\w.\-]*coder", QWEN),
    (r"deepseek[\w.\-]*coder", DEEPSEEK),
    (r"code[\-_ ]?llama", CODELLAMA),
    (r"starcoder2|starcoder-?v?2", STARCODER),
    (r"starcoder", STARCODER1),
    (r"codestral", CODESTRAL),
)


def profile_for(setting: str, model: str) -> tuple[FimProfile, str]:
    """The profile to use and a short reason to log. An explicit setting wins over the
    model name; ``auto`` (or an unknown setting) guesses from the model name."""
    if setting != "auto" and setting in PROFILES:
        profile = PROFILES[setting]
        if setting == "starcoder" and _guess(model) is STARCODER1:
            profile = STARCODER1
        return profile, f"fimProfile '{setting}' set explicitly"
    guessed = _guess(model)
    prefix = "" if setting == "auto" else f"unknown fimProfile '{setting}'; "
    if guessed is None:
        return NONE, f"{prefix}auto: no known FIM format in model name {model!r}; server-side FIM"
    return guessed, f"{prefix}auto: model name {model!r} looks like {guessed.name}"


def _guess(model: str) -> FimProfile | None:
    name = model.lower()
    for pattern, profile in _MODEL_PATTERNS:
        if re.search(pattern, name):
            return profile
    return None


def render_fim_prompt(
    profile: FimProfile,
    prefix: str,
    suffix: str,
    context_blocks: Sequence[ContextBlock] = (),
    *,
    path: str = "",
    repo_name: str = "",
) -> str:
    """Render one FIM prompt; see the module docstring for where context goes."""
    if profile.repo is not None and path:
        head = repository_head(profile.repo, context_blocks, path, repo_name)
        if profile.repo.path_inside_prefix:
            prefix = f"{path}\n{prefix}"
        return head + profile.layout(prefix, suffix)
    return profile.layout(comment_blocks(context_blocks) + prefix, suffix)


def comment_blocks(context_blocks: Sequence[ContextBlock]) -> str:
    """Context as ``# title`` blocks of commented lines, each followed by a blank line."""
    parts: list[str] = []
    for title, text in context_blocks:
        lines = [f"# {title}"] if title else []
        lines += [f"# {line}" if line else "#" for line in text.rstrip("\n").split("\n")]
        parts.append("\n".join(lines) + "\n\n")
    return "".join(parts)


def repository_head(
    repo: RepoTokens, context_blocks: Sequence[ContextBlock], path: str, repo_name: str
) -> str:
    """The repository form up to the FIM prefix token: name, context files, current path."""
    head = repo.repo_name + repo_name + ("\n" if repo.newline_after_repo else "")
    for title, text in context_blocks:
        body = text if not repo.newline_after_file or text.endswith("\n") else text + "\n"
        head += f"{repo.file_sep}{title}\n{body}"
    if repo.path_inside_prefix:
        return head + repo.file_sep
    return head + f"{repo.file_sep}{path}\n"


def fim_overhead_tokens(
    profile: FimProfile,
    context_blocks: Sequence[ContextBlock] = (),
    *,
    path: str = "",
    repo_name: str = "",
) -> int:
    """Tokens the profile's markup and the context blocks add around prefix and suffix."""
    return count_tokens(
        render_fim_prompt(profile, "", "", context_blocks, path=path, repo_name=repo_name)
    )


def cut_at_stop(text: str, profile: FimProfile) -> str:
    """``text`` up to the first stop string of ``profile``, with leaked special tokens removed."""
    cut = min((i for i in (text.find(s) for s in profile.stop) if i >= 0), default=len(text))
    text = text[:cut]
    for token in profile.special_tokens:
        text = text.replace(token, "")
    return text
