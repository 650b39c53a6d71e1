"""The model's part of next edits: filling added arguments, and predicting the next edit from
the edit history.

An added argument is a hole like any other: its prompt is planned from what the analysis knows
there (with the edited definition's new signature), the model's answer is cleaned and checked
by the built-in checker on the call's lines, and re-asked with the report of the problems it
brought (:func:`completion.refine.fill_with_rounds`).

The prediction is CursorCore's "predict the next change" setting: the conversation of
:mod:`completion.cursorcore` with the recent snapshots of the file as history, the code around
the cursor as the current code, and no instruction. The answer (locate-and-change or
search-and-replace, the ``edit_format`` setting) is applied, checked against the file's
diagnostics in error rounds (:func:`completion.editing.model_edit`), and kept only when it
introduces no problem; its changed lines become edits.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from completion import editing
from completion.errors import BackendError, EditError
from completion.lru import LruCache
from completion.model import BackendName, EditRequest
from completion.postprocess import clean_filling
from completion.prompt import plan_prompt
from completion.refine import Hole, fill_with_rounds
from completion.requests import choose_style, fill_request, renderer_for
from context.argument_holes import argument_context
from context.model import Diagnostic
from context.positions import common_head, common_tail, position_at
from context.privacy import privacy_filter
from context.ripple_check import State, check_lines
from context.ripple_model import (
    Ripple,
    RippleEdit,
    SourceText,
    apply_edits,
    content_stamp,
    make_edit,
)
from context.secrets import mask_secrets, masked_hole

if TYPE_CHECKING:
    from completion.api import Engine

log = logging.getLogger(__name__)
MODEL_HOLES = 8  # added arguments the model fills in one answer; the others keep the static filling
HISTORY_SHARE = 0.12
CHARS_PER_TOKEN_BOUND = 12
PREDICTED = "predicted from your recent edits"
REMEMBERED_PREDICTIONS = 32


@dataclasses.dataclass(frozen=True)
class Prediction:
    """What the model predicted for one state: the changes of the file's text, or why none."""

    changes: tuple[tuple[int, int, str], ...] = ()
    note: str = ""


class PredictionMemo(LruCache[str, Prediction]):
    """The last predictions by the state they were made in (the file's text, its history, the
    cursor's line, the backend and the edit format): asking again in the same state — the editor
    asks after every pause — costs no model request. A backend error is never remembered."""

    def __init__(self, capacity: int = REMEMBERED_PREDICTIONS) -> None:
        super().__init__("prediction", capacity)

    @staticmethod
    def key(engine: Engine, path: Path, text: str, line: int) -> str:
        settings = engine.settings
        digest = hashlib.blake2b(digest_size=16)
        for part in (str(path), text, *engine.history.steps_for(str(path)), str(line), settings.backend,
                     settings.model, settings.base_url, settings.edit_format):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()


async def fill_with_model(engine: Engine, ripple: Ripple, buffers: Mapping[Path, str],
                          backend: BackendName) -> Ripple:
    """The first added arguments filled by the model (a filling that still brings a problem,
    or an empty one, leaves the static filling)."""
    edits = list(ripple.edits)
    asked = 0
    private = privacy_filter(engine.root, engine.settings.exclude_globs)
    for i, edit in enumerate(edits):
        text = ripple.texts.get(edit.path)
        if edit.hole is None or text is None or asked >= MODEL_HOLES or private.is_private(Path(edit.path)):
            continue  # a private file's code never reaches a prompt: its arguments stay static
        asked += 1
        try:
            filling = await _model_filling(engine, edit, text, buffers, backend)
        except BackendError as error:
            log.info("the model could not fill the argument: %s", error)
            return dataclasses.replace(ripple, edits=tuple(edits), notes=(*ripple.notes, f"model: {error}"))
        if filling:
            base = edit.reason.split(": ", 1)[0]
            edits[i] = edit.fill(filling, f"{base}: {filling} (by the model, checked)")
    return dataclasses.replace(ripple, edits=tuple(edits))


async def _model_filling(engine: Engine, edit: RippleEdit, text: str, buffers: Mapping[Path, str],
                         backend: BackendName) -> str | None:
    assert edit.hole is not None
    analyzer = engine.analyzer
    hole = await engine.run_analysis(argument_context, analyzer, edit, text, buffers)
    placeholder = dataclasses.replace(edit, new_text=edit.hole[0] + "..." + edit.hole[1])
    filled = apply_edits(text, [placeholder])
    start = edit.start + len(edit.hole[0])
    region = Hole(edit.path, filled, start, start + 3)
    settings = engine.settings
    budget = settings.budget_tokens
    style = choose_style(settings, backend)
    shown = masked_hole(hole, max_chars=budget * CHARS_PER_TOKEN_BOUND)
    history = mask_secrets(engine.history.render_diffs(int(budget * HISTORY_SHARE)))
    plan, _, _ = plan_prompt(shown, budget, renderer_for(style, engine.root.name), history, str(engine.root))
    line = position_at(filled, start)[0]
    state = State({**buffers}, frozenset(buffers))
    path = Path(edit.path)

    async def diagnose(candidate: str) -> list[Diagnostic]:
        return await engine.run_analysis(check_lines, analyzer, path, candidate, {line}, state)

    async def ask(repair: tuple[tuple[str, str], ...]) -> str:
        answer = await engine.generate(fill_request(style, plan, settings, engine.root.name, repair))
        return clean_filling(answer, hole, stops=style.profile.stop, special=style.profile.special_tokens)

    outcome = await fill_with_rounds(region, ask, diagnose, settings.max_rounds, await diagnose(filled))
    best = outcome.best
    return best.text.strip() if best.text.strip() and not best.diagnostics else None


async def predict(engine: Engine, ripple: Ripple, path: Path, text: str, cursor: tuple[int, int]) -> Ripple:
    """The ripple and the model's next edit of ``path`` (none without an edit history of it)."""
    if not engine.history.steps_for(str(path)):
        return ripple
    key = PredictionMemo.key(engine, path, text, cursor[0])
    prediction = engine.predictions.get(key)
    if prediction is None:
        try:
            prediction = await _prediction(engine, path, text, cursor)
        except (EditError, BackendError) as error:
            return dataclasses.replace(ripple, notes=(*ripple.notes, f"no prediction: {error}"))
        engine.predictions.put(key, prediction)
    else:
        log.info("next edits of %s: the prediction of this state again, no model request", path.name)
    if prediction.note:
        return dataclasses.replace(ripple, notes=(*ripple.notes, prediction.note))
    if not prediction.changes:
        return ripple
    source, stamp = SourceText(text), content_stamp(text)
    edits = [make_edit(source, str(path), start, end, new, PREDICTED, "predicted", stamp=stamp)
             for start, end, new in prediction.changes]
    texts = {**ripple.texts, str(path): text}
    return dataclasses.replace(ripple, edits=(*ripple.edits, *edits), texts=texts)


async def _prediction(engine: Engine, path: Path, text: str, cursor: tuple[int, int]) -> Prediction:
    line, column = cursor
    request = EditRequest(str(path), line, column, line, column, "", text)

    async def diagnose(candidate: str) -> list[Diagnostic]:
        return await engine.check_async(str(path), candidate)

    before = await diagnose(text)
    predicted, rounds = await editing.model_edit(engine, path, text, request, engine.settings.edit_format,
                                                 diagnose, before)
    if predicted == text:
        return Prediction()
    left = rounds[-1].diagnostics if rounds else ()
    if left:
        return Prediction(note=f"the predicted edit was dropped: it brought {len(left)} problem(s) ({left[0].message})")
    return Prediction(tuple(text_changes(text, predicted)))


def text_changes(old: str, new: str) -> list[tuple[int, int, str]]:
    """The changed line hunks between two texts, each narrowed to what differs:
    (start, end, new text) with code-point offsets of ``old``."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line) + 1)
    out: list[tuple[int, int, str]] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = "\n".join(old_lines[i1:i2])
        after = "\n".join(new_lines[j1:j2])
        start = starts[i1]
        if i1 == i2:  # an insertion of whole lines before line i1
            out.append((start, start, after + "\n"))
            continue
        head = common_head(before, after)
        tail = common_tail(before, after, min(len(before), len(after)) - head)
        deleted_all = j1 == j2
        end = start + len(before) + (1 if deleted_all and i2 < len(old_lines) else 0)
        if deleted_all:
            out.append((start, end, ""))
        else:
            out.append((start + head, start + len(before) - tail, after[head : len(after) - tail]))
    return out
