"""The prompt as data, packed into a token budget and rendered late.

A :class:`PromptPlan` holds the local code window and the context blocks chosen for one hole.
:func:`plan_prompt` packs blocks by priority (the most useful survive a small budget) and grows
the code window with what is left, checking the *rendered* text against the budget with a real
tokenizer. Rendering is pure; stable sections (types, headers) come first so that servers'
prompt caches hit, the hole's own facts and code last.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from completion.errors import BudgetError
from completion.model import SectionUse
from completion.tokens import count_tokens
from context.model import Definition, HoleContext

HOLE_MARK = "<HOLE>"
SECTION_ORDER = ("types", "headers", "nearby", "scope", "history", "facts")
SECTION_TITLES = {
    "types": "Relevant types",
    "headers": "Functions, constructors and fields that produce the expected type",
    "nearby": "Definitions from other files used near the hole",
    "scope": "Bindings in scope at the hole",
    "history": "Recent edits",
    "facts": "The hole",
}
MIN_PREFIX_SHARE = 0.2
MIN_SUFFIX_SHARE = 0.06


@dataclass(frozen=True)
class Block:
    section: str
    text: str
    priority: float
    title: str = ""
    key: str = ""  # a definition's qualified name: shown once, whichever block carries it
    listing: bool = False  # one item a line (a module's further members, a receiver's): its head may go alone


@dataclass(frozen=True)
class PromptPlan:
    path: str
    blocks: tuple[Block, ...]
    prefix: str
    suffix: str
    budget: int

    def section_text(self, section: str) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.section == section)

    def context_blocks(self) -> list[tuple[str, str]]:
        """(title, text) pairs in stable order, for FIM comment or file blocks."""
        return [
            (SECTION_TITLES[s], self.section_text(s)) for s in SECTION_ORDER if self.section_text(s)
        ]


Renderer = Callable[[PromptPlan], str]


def _display_path(path: str, root: str) -> str:
    return (
        path[len(root) :].lstrip("/\\")
        if root and path.startswith(root)
        else path.rsplit("/", 1)[-1]
    )


def _def_text(d: Definition, root: str) -> str:
    where = (
        f"# {_display_path(d.location.path, root)}:{d.location.line + 1}\n" if d.location else ""
    )
    return where + d.text


def _same_file(d: Definition, hole: HoleContext) -> float:
    """The current file's own definitions may already be in the code window."""
    return 0.5 if d.location is not None and d.location.path == hole.path else 0.0


def _outside(d: Definition, root: str) -> float:
    """Definitions from outside the workspace (stdlib, site-packages) matter less."""
    return 3.0 if root and d.location is not None and not d.location.path.startswith(root) else 0.0


def hole_facts(hole: HoleContext) -> str:
    lines: list[str] = []
    if hole.expected_type:
        lines.append(f"Expected type: {hole.expected_type} ({hole.expected_type_source})")
    else:
        lines.append("Expected type: unknown")
    if hole.call is not None:
        active = f", filling parameter `{hole.call.active_name}`" if hole.call.active_name else ""
        lines.append(f"Inside the call: {hole.call.signature}{active}")
    if hole.receiver:
        members = ", ".join(m.name for m in hole.receiver_members[:30])
        lines.append(
            f"Completing an attribute of `{hole.receiver}`: {hole.receiver_type or 'unknown type'}"
        )
        if members and not any(d.kind == "receiver" for d in hole.nearby_members):
            lines.append(f"Its members: {members}")  # else listed with their signatures
    return "\n".join(lines)


def candidate_blocks(hole: HoleContext, history: str = "", root: str = "") -> list[Block]:
    """Every block that could go into the prompt, with its priority (lower = more useful)."""
    blocks = [Block("facts", hole_facts(hole), 0.0)]
    for i, d in enumerate(hole.relevant_types):
        # The expected type's own definitions first; types of bindings after nearby definitions.
        priority = 1.0 + (1.0 - d.score) * 1.5 + i * 0.3 + _outside(d, root) + _same_file(d, hole)
        blocks.append(Block("types", _def_text(d, root), priority, key=d.name))
    for i, d in enumerate(hole.relevant_headers):
        blocks.append(Block("headers", _def_text(d, root), 1.5 + i * 0.5 + _outside(d, root)))
    for i, d in enumerate(hole.cross_file):
        priority = NEARBY_PRIORITY + i * NEARBY_STEP + _outside(d, root)
        blocks.append(Block("nearby", _def_text(d, root), priority, key=d.name, listing=d.kind == "module"))
    blocks.extend(_member_blocks(hole, root))
    if hole.receiver_members and not any(d.kind == "receiver" for d in hole.nearby_members):
        text = "\n".join(m.text for m in hole.receiver_members[:40])
        blocks.append(
            Block("types", f"# members of {hole.receiver}: {hole.receiver_type}\n{text}", 0.5, listing=True)
        )
    scope = [
        f"{b.name}: {b.type}" if b.type else b.name
        for b in hole.typing_context
        if b.kind != "import"
    ]
    if scope:
        blocks.append(Block("scope", "\n".join(scope[:40]), 2.5))
    if history:
        blocks.append(Block("history", history, 3.0))
    return blocks


def _member_blocks(hole: HoleContext, root: str) -> list[Block]:
    """The members of the receiver's class first; those of the classes used nearby after the
    definitions used nearby. A class's members and its skeleton share a key: shown once."""
    out: list[Block] = []
    rank = more = 0
    previous = ""
    for d in hole.nearby_members:
        if d.kind == "receiver" or (d.kind == "more" and previous == "receiver"):
            # the receiver's members, in blocks of decreasing rank: first of all
            out.append(Block("types", d.text, RECEIVER_PRIORITY + RECEIVER_STEP * (d.kind == "more"), key=d.name))
            previous = "receiver"
            continue
        previous = d.kind
        if d.kind == "more":  # a class's further members: after every class's first block
            out.append(Block("types", d.text, MORE_PRIORITY + more * MEMBERS_STEP + _outside(d, root), key=d.name))
            more += 1
        else:
            out.append(Block("types", d.text, MEMBERS_PRIORITY + rank * MEMBERS_STEP + _outside(d, root), key=d.name))
            rank += 1
    return out


# The members of the classes used at the hole are what a model most often lacks (measured on
# the context-recall benchmark's tuning split): their first blocks come before the definitions
# used nearby, their further blocks before the scope and the history.
NEARBY_PRIORITY = 1.2  # the definitions of other files used near the hole, in the order found
NEARBY_STEP = 0.35
RECEIVER_PRIORITY = 0.5
RECEIVER_STEP = 0.6
MEMBERS_PRIORITY = 0.7
MORE_PRIORITY = 2.0
MEMBERS_STEP = 0.25
LINES_PER_COUNT = 8


def _lines_within(lines: list[str], tokens: int, *, keep_first: bool) -> int:
    """How many of ``lines`` (taken in order) fit ``tokens``, counting groups of lines at once
    and single lines only at the boundary."""
    used = taken = 0
    while taken < len(lines):
        group = lines[taken : taken + LINES_PER_COUNT]
        cost = count_tokens("\n".join(group)) + 1
        if used + cost <= tokens:
            used, taken = used + cost, taken + len(group)
            continue
        for line in group:
            cost = count_tokens(line) + 1
            if used + cost > tokens and not (keep_first and taken == 0):
                return taken
            used, taken = used + cost, taken + 1
        return taken
    return taken


def _tail_lines(text: str, tokens: int) -> str:
    """The last lines of ``text`` holding about ``tokens`` tokens (the current line whole)."""
    if tokens <= 0:
        return text[text.rfind("\n") + 1 :]
    lines = text.split("\n")
    count = _lines_within(lines[::-1], tokens, keep_first=True)
    return "\n".join(lines[len(lines) - count :])


def _head_lines(text: str, tokens: int) -> str:
    lines = text.split("\n")
    return "\n".join(lines[: _lines_within(lines, tokens, keep_first=False)])


FENCED_SECTIONS = ("types", "headers", "nearby", "history")


def _section_overhead(section: str) -> int:
    """Tokens of a section's title (and fences), paid by its first block."""
    return 12 if section in FENCED_SECTIONS else 5


def plan_prompt(
    hole: HoleContext, budget: int, render: Renderer, history: str = "", root: str = ""
) -> tuple[PromptPlan, str, list[SectionUse]]:
    """Pack the most useful blocks and the largest code window that fit ``budget`` tokens.
    Paths are shown relative to ``root``."""
    prefix = _tail_lines(hole.prefix, int(budget * MIN_PREFIX_SHARE))
    suffix = _head_lines(hole.suffix, int(budget * MIN_SUFFIX_SHARE))
    plan = PromptPlan(_display_path(hole.path, root), (), prefix, suffix, budget)
    chosen: list[Block] = []
    uses: list[SectionUse] = []
    used = count_tokens(render(plan))
    keys: set[str] = set()
    shown: set[str] = set()  # the definition lines of the blocks chosen, under their classes
    for block in sorted(candidate_blocks(hole, history, root), key=lambda b: b.priority):
        if block.key and block.key in keys:
            continue
        lines = _definition_lines(block) if block.section in ("types", "nearby") else None
        if lines and lines <= shown:
            continue  # a member a class's block lists already (``class C:`` and its line)
        cost = count_tokens(block.text) + 2
        if not any(b.section == block.section for b in chosen):
            cost += _section_overhead(block.section)
        fits = used + cost <= budget
        if not fits and block.listing:
            overhead = cost - count_tokens(block.text)
            head = _listing_head(block, budget - used - overhead)
            if head is not None:
                block, cost, fits = head, count_tokens(head.text) + overhead, True
        if fits:
            chosen.append(block)
            used += cost
            if block.key:
                keys.add(block.key)
            if lines:
                shown |= lines
        uses.append(SectionUse(block.section, cost, fits))
    plan = dataclasses.replace(plan, blocks=_ordered(chosen))
    plan = _grow_window(plan, hole, render)
    text = render(plan)
    while count_tokens(text) > budget:
        smaller = _shrink(plan)
        if smaller == plan:
            raise BudgetError(
                f"a budget of {budget} tokens cannot hold the prompt's own instructions "
                f"({count_tokens(text)} tokens with no code); raise the budget"
            )
        plan, text = smaller, render(smaller)
    return plan, text, _summarize(uses)


def _listing_head(block: Block, tokens: int) -> Block | None:
    """The first lines of a listing that fit ``tokens``: its title comments and at least one
    item (the items that fit, rather than none when the whole list does not); None when not
    even one item does."""
    head = _head_lines(block.text, tokens)
    items = [line for line in head.split("\n") if line.strip() and not line.lstrip().startswith("#")]
    return dataclasses.replace(block, text=head) if items else None


def _definition_lines(block: Block) -> frozenset[str]:
    """A block's lines as ``class C`` / ``C: LINE`` (a line of ``C``'s body, stripped), comments
    and blank lines left out: a block all of whose lines a chosen block shows adds nothing."""
    out: set[str] = set()
    owner, depth = "", -1
    for raw in block.text.split("\n"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        if owner and indent <= depth:
            owner, depth = "", -1
        if line.startswith("class ") and not owner:
            owner = line[6:].split("(", 1)[0].split(":", 1)[0].split("[", 1)[0].strip()
            depth = indent
            out.add(f"class {owner}")
        else:
            out.add(f"{owner}: {line}")
    return frozenset(out)


def _ordered(blocks: list[Block]) -> tuple[Block, ...]:
    rank = {s: i for i, s in enumerate(SECTION_ORDER)}
    return tuple(sorted(blocks, key=lambda b: (rank[b.section], b.priority)))


def _grow_window(plan: PromptPlan, hole: HoleContext, render: Renderer) -> PromptPlan:
    spare = plan.budget - count_tokens(render(plan))
    if spare <= 8:
        return plan
    more_prefix = int(spare * 0.75)
    grown = dataclasses.replace(
        plan,
        prefix=_tail_lines(hole.prefix, count_tokens(plan.prefix) + more_prefix),
        suffix=_head_lines(hole.suffix, count_tokens(plan.suffix) + spare - more_prefix),
    )
    return grown if count_tokens(render(grown)) <= plan.budget else plan


def _shrink(plan: PromptPlan) -> PromptPlan:
    """One step smaller: the least useful block, else a line of suffix, else of prefix."""
    if plan.blocks:
        worst = max(plan.blocks, key=lambda b: b.priority)
        return dataclasses.replace(plan, blocks=tuple(b for b in plan.blocks if b is not worst))
    if plan.suffix:
        return dataclasses.replace(
            plan, suffix=plan.suffix.rsplit("\n", 1)[0] if "\n" in plan.suffix else ""
        )
    if "\n" in plan.prefix:
        return dataclasses.replace(plan, prefix=plan.prefix.split("\n", 1)[1])
    return dataclasses.replace(
        plan, prefix=plan.prefix[len(plan.prefix) // 2 :] if len(plan.prefix) > 1 else ""
    )


def _summarize(uses: list[SectionUse]) -> list[SectionUse]:
    totals: dict[str, SectionUse] = {}
    for u in uses:
        prior = totals.get(u.name)
        if prior is None:
            totals[u.name] = u
        else:
            totals[u.name] = SectionUse(
                u.name, prior.tokens + u.tokens, prior.included or u.included
            )
    return list(totals.values())


# -- renderers ---------------------------------------------------------------------------------
SYSTEM_PROMPT = (
    "You are a code completion engine for Python. You fill the hole marked <HOLE> in the user's "
    "code with code that type-checks against the context given: the expected type, the relevant "
    "type definitions and the functions that produce that type. Answer with the code that "
    "replaces <HOLE> only: no explanation, no code fences, no repetition of the code around it."
)


def render_chat_user(plan: PromptPlan) -> str:
    parts: list[str] = []
    for section in SECTION_ORDER:
        text = plan.section_text(section)
        if not text:
            continue
        fenced = section in ("types", "headers", "nearby")
        body = (
            f"```python\n{text}\n```"
            if fenced
            else f"```diff\n{text}\n```"
            if section == "history"
            else text
        )
        parts.append(f"## {SECTION_TITLES[section]}\n{body}")
    parts.append(f"## Code ({plan.path})\n```python\n{plan.prefix}{HOLE_MARK}{plan.suffix}\n```")
    parts.append(f"Write the code that replaces {HOLE_MARK}.")
    return "\n\n".join(parts)


def render_chat_text(plan: PromptPlan) -> str:
    """System and user message as one text (what is counted and shown)."""
    return f"{SYSTEM_PROMPT}\n\n{render_chat_user(plan)}"
