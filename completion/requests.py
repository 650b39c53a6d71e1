"""Model requests for a hole or an edit, in the style the backend and model want.

Style: ``fim`` for base code models behind a completion endpoint (a FIM profile renders the
prompt, or the server does it), ``chat`` for instruct models (the ChatLSP-style prompt).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from completion.backends.base import ChatMessage, Constraint, ModelRequest
from completion.fim import NONE, FimProfile, profile_for
from completion.prompt import (
    SYSTEM_PROMPT,
    PromptPlan,
    Renderer,
    render_chat_text,
    render_chat_user,
)
from completion.settings import Settings
from completion.shape import Shape

log = logging.getLogger(__name__)

CHAT_ONLY = {"openai", "anthropic", "static"}


@dataclass(frozen=True)
class Style:
    kind: Literal["fim", "chat"]
    profile: FimProfile
    reason: str


def choose_style(settings: Settings, backend: str) -> Style:
    """FIM for completion endpoints when a profile applies; chat otherwise."""
    if backend in CHAT_ONLY or backend == "auto":
        if settings.fim_profile not in ("auto", "none") and backend not in CHAT_ONLY:
            profile, reason = profile_for(settings.fim_profile, settings.model)
            return Style("fim", profile, reason)
        return Style("chat", NONE, f"{backend} backend takes chat prompts")
    profile, reason = profile_for(settings.fim_profile, settings.model)
    if profile is NONE and backend == "openai-completions" and settings.fim_profile == "auto":
        return Style(
            "fim", NONE, f"{reason}; the server builds the FIM prompt from prompt and suffix"
        )
    return Style("fim", profile, reason)


def renderer_for(style: Style, repo_name: str) -> Renderer:
    if style.kind == "chat":
        return render_chat_text

    def render(plan: PromptPlan) -> str:
        return style.profile.render(
            plan.prefix, plan.suffix, plan.context_blocks(), path=plan.path, repo_name=repo_name
        )

    return render


def fill_request(
    style: Style,
    plan: PromptPlan,
    settings: Settings,
    repo_name: str,
    repair: tuple[tuple[str, str], ...] = (),
    *,
    shape: Shape | None = None,
    constraint: Constraint | None = None,
) -> ModelRequest:
    """The request for one filling; ``repair`` holds (previous answer, error report) rounds.
    ``shape`` sets the token limit and adds its stop sequences (the newline of a one-line
    hole first: servers that take few stops keep it); ``constraint`` is the hole's closed set
    of answers, for backends that enforce one."""
    max_tokens = shape.max_tokens if shape is not None else settings.max_tokens
    if style.kind == "chat":
        messages = [ChatMessage("user", render_chat_user(plan))]
        for answer, report in repair:
            messages += [ChatMessage("assistant", answer), ChatMessage("user", report)]
        return ModelRequest(
            mode="chat",
            system=SYSTEM_PROMPT,
            messages=tuple(messages),
            max_tokens=max_tokens,
            temperature=settings.temperature,
            constraint=constraint,
        )
    blocks = list(plan.context_blocks())
    for answer, report in repair:
        blocks.append(("A previous filling was rejected", f"{answer}\n{report}"))
    prompt = style.profile.render(
        plan.prefix, plan.suffix, blocks, path=plan.path, repo_name=repo_name
    )
    chunks = tuple((title, text) for title, text in blocks)
    stops = tuple(dict.fromkeys((*(shape.stops if shape is not None else ()), *style.profile.stop)))
    return ModelRequest(
        mode="fim",
        prompt=prompt,
        prefix=plan.prefix,
        suffix=plan.suffix,
        context_chunks=chunks,
        use_server_fim=style.profile.server_side,
        stop=stops,
        max_tokens=max_tokens,
        temperature=settings.temperature,
        constraint=constraint,
    )


def edit_request(
    messages: list[dict[str, str]],
    raw_prompt: str,
    backend_modes: frozenset[str],
    settings: Settings,
    stop: tuple[str, ...],
) -> ModelRequest:
    """CursorCore edits go raw (``text``) to completion endpoints, as chat otherwise."""
    if "chat" in backend_modes:
        system = messages[0]["content"] if messages and messages[0]["role"] == "system" else ""
        rest = tuple(
            ChatMessage(m["role"], m["content"]) for m in messages if m["role"] != "system"
        )
        return ModelRequest(
            mode="chat",
            system=system,
            messages=rest,
            max_tokens=max(settings.max_tokens, 1024),
            temperature=settings.temperature,
        )
    return ModelRequest(
        mode="text",
        prompt=raw_prompt,
        stop=stop,
        max_tokens=max(settings.max_tokens, 1024),
        temperature=settings.temperature,
    )
