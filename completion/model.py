"""Plain results of the completion layer, shared by the facade and every front end.

Lines and columns are 0-based code points, as in :mod:`context.model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from context.model import HoleContext


@dataclass(frozen=True)
class HoleRequest:
    path: str
    line: int
    column: int
    text: str | None = None  # the unsaved buffer; None reads the file
    budget: int | None = None  # tokens; None uses the settings


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
class Diagnostic:
    line: int
    column: int
    end_line: int
    end_column: int
    severity: str  # "error" | "warning" | "information"
    message: str
    source: str  # "syntax", "names", "attributes", "arity", "types", "pyright"
    code: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line + 1,
            "column": self.column + 1,
            "end_line": self.end_line + 1,
            "end_column": self.end_column + 1,
            "severity": self.severity,
            "message": self.message,
            "source": self.source,
            "code": self.code,
        }


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


@dataclass(frozen=True)
class EditRequest:
    path: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    instruction: str
    text: str | None = None
    format: str | None = None  # "wf" | "lc" | "sr"; None uses the settings


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


@dataclass(frozen=True)
class BackendStatus:
    backend: str
    model: str
    base_url: str
    last_latency_ms: float | None = None
    last_error: str | None = None
    reason: str = ""  # why this backend was chosen (e.g. "auto: no Ollama on 127.0.0.1:11434")
