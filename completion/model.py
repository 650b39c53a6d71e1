"""Plain results of the completion layer, shared by the facade and every front end.

Lines and columns are 0-based code points, as in :mod:`context.model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from context.model import Diagnostic, HoleContext

# The names the settings, the requests and the front ends share, each spelled out once.
BackendName = Literal[
    "auto", "static", "openai", "openai-completions", "ollama", "llamacpp", "anthropic"
]
FimProfileName = Literal["auto", "starcoder", "codellama", "deepseek", "qwen", "codestral", "none"]
EditFormat = Literal["wf", "lc", "sr"]  # whole file, locate and change, search and replace
Trigger = Literal["automatic", "explicit"]  # typing asked for it / the user asked for it
BACKENDS: tuple[BackendName, ...] = get_args(BackendName)
FIM_PROFILES: tuple[FimProfileName, ...] = get_args(FimProfileName)
EDIT_FORMATS: tuple[EditFormat, ...] = get_args(EditFormat)


@dataclass(frozen=True)
class HoleRequest:
    path: str
    line: int
    column: int
    text: str | None = None  # the unsaved buffer; None reads the file
    budget: int | None = None  # tokens; None uses the settings
    # "automatic" (ghost text while typing): a best filling that is not verified is held back
    # (see CompletionReport.held_back_reason); "explicit": it is shown with its problems.
    trigger: Trigger = "explicit"


@dataclass(frozen=True)
class SectionUse:
    name: str
    tokens: int
    included: bool


@dataclass(frozen=True)
class ContextReport:
    hole: HoleContext
    prompt: str
    prompt_tokens: int
    budget: int
    sections: tuple[SectionUse, ...]
    elapsed_ms: float


@dataclass(frozen=True)
class Round:
    index: int
    candidate: str
    diagnostics: tuple[Diagnostic, ...]  # problems the candidate introduced


@dataclass(frozen=True)
class Candidate:
    text: str
    diagnostics: tuple[Diagnostic, ...] = ()
    source: str = "model"  # "model" | "static" | "cache"
    label: str = ""
    verified: bool = False  # checked, and no problem left in it (after the repair rounds)


@dataclass(frozen=True)
class TextRange:
    start_line: int
    start_column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class CompletionReport:
    text: str  # the best filling; "" when there is none
    range: TextRange  # what the filling replaces (empty at the cursor; a placeholder otherwise)
    candidates: tuple[Candidate, ...]
    rounds: tuple[Round, ...]
    diagnostics: tuple[Diagnostic, ...]  # problems left in the chosen filling
    backend: str
    model: str
    context: ContextReport
    timings: dict[str, float] = field(default_factory=dict)
    # Non-empty when the request was automatic and the best filling still has problems: it
    # should not be shown as ghost text; says how many problems are left and the first one.
    held_back_reason: str = ""
    shape: str = ""  # the shape the suggestion was cut to, and why (completion.shape)

    @property
    def verified(self) -> bool:
        return bool(self.candidates) and self.candidates[0].verified


@dataclass(frozen=True)
class EditRequest:
    path: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    instruction: str
    text: str | None = None
    format: EditFormat | None = None  # None uses the settings
    # Earlier turns of the same inline-chat conversation, oldest first: the instruction is a
    # follow-up to them, applied to the last proposal (see completion.editing.follow_up_edit).
    earlier: tuple[EditTurn, ...] = ()


@dataclass(frozen=True)
class EditTurn:
    """One turn of an inline-chat conversation: the instruction and the whole text it proposed."""

    instruction: str
    new_text: str


@dataclass(frozen=True)
class EditReport:
    old_text: str
    new_text: str
    diff: str  # unified diff old -> new
    diagnostics: tuple[Diagnostic, ...]
    rounds: tuple[Round, ...]
    backend: str
    model: str
    timings: dict[str, float] = field(default_factory=dict)
    note: str = ""  # why the text is unchanged, when it is for a reason the user can act on


@dataclass(frozen=True)
class BackendStatus:
    backend: str
    model: str
    base_url: str
    last_latency_ms: float | None = None
    last_error: str | None = None
    reason: str = ""  # why this backend was chosen (e.g. "auto: no Ollama on 127.0.0.1:11434")
