"""What is known at an argument the ripple adds to a call: the parameter's type, and the bindings
in scope there — what the static filler chooses a filling from, or a model's prompt shows.

:func:`argument_bindings` is the quick answer (the parameter's type, resolved in the definition's
module as edited, and the names in scope with their types); :func:`argument_context` is the full
analysis of a hole (types, headers, definitions of other files) for a prompt.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

from context.api import Analyzer
from context.infer import Scope
from context.model import Binding, CallInfo, HoleContext, Location
from context.occurrences import INDEXES, ModuleIndex
from context.positions import position_at
from context.references import summaries_of
from context.ripple_model import RippleEdit, apply_edits
from context.summary import ModuleSummary
from context.types import display

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def argument_context(analyzer: Analyzer, edit: RippleEdit, text: str, buffers: Mapping[Path, str]) -> HoleContext:
    """The full analysis at the argument an edit adds (its placeholder in ``text``, the text the
    edit refers to), with ``buffers`` standing for their modules: the edited definition's new
    signature gives the argument's expected type."""
    assert edit.hole is not None
    filled = apply_edits(text, [edit.fill("...")])
    line, column = position_at(filled, edit.start + len(edit.hole[0]))
    path = Path(edit.path)
    with summaries_of(analyzer.workspace, {p: t for p, t in buffers.items() if p != path}):
        return analyzer.hole_context(path, line, column, filled)


def argument_bindings(analyzer: Analyzer, edit: RippleEdit, text: str, buffers: Mapping[Path, str]) -> HoleContext:
    """The parameter's type and the bindings in scope at the argument an edit adds: enough for
    the static filler, without the search for headers and definitions of a full analysis."""
    assert edit.hole is not None and edit.argument is not None
    path = Path(edit.path)
    workspace, resolver = analyzer.workspace, analyzer.resolver
    resolver.begin_request()
    index = INDEXES.index(path, text)
    line, column = position_at(text, edit.start)
    with summaries_of(workspace, buffers) as summaries:
        module = summaries.get(path) or workspace.summary_for_path(path)
        defined = summaries.get(Path(edit.argument.defined_in))
        if module is None:
            module = workspace.summary_for_text(path, text, index.tree)
        expected = resolver.resolve_type(edit.argument.annotation, defined) if defined is not None else None
        chain = chain_at(index, edit.start)
        scope = Scope(resolver, module, chain, line, index.source.lines.lines[line][:column].encode().__len__())
        bindings = _bindings(scope, module)
    name = edit.argument.name
    call = CallInfo(name, "", (), None, name)
    return HoleContext(str(path), line, column, "placeholder", "", "", expected_type=display(expected),
                       typing_context=tuple(bindings), call=call)


def chain_at(index: ModuleIndex, offset: int) -> list[ast.AST]:
    """The function, class and lambda nodes around an offset, outermost first."""
    chain: list[ast.AST] = []
    body: list[ast.AST] = list(index.tree.body)
    source = index.source
    while body:
        inner: list[ast.AST] = []
        for node in body:
            if isinstance(node, SCOPES) and source.node_start(node) <= offset <= source.node_end(node):
                chain.append(node)
                inner = [node.body] if isinstance(node, ast.Lambda) else list(node.body)
                break
            if isinstance(node, ast.stmt) and source.node_start(node) <= offset <= source.node_end(node):
                inner = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt | ast.Lambda)]
                inner += [n for n in ast.walk(node) if isinstance(n, ast.Lambda)]
                break
        body = inner
    return chain


def _bindings(scope: Scope, module: ModuleSummary) -> list[Binding]:
    """Locals and parameters, the instance's attributes in a method, module variables."""
    out: list[Binding] = []
    for name, binding in scope.locals.items():
        if binding.kind in ("import", "function", "class"):
            continue
        out.append(Binding(name, display(scope.binding_type(binding)), binding.kind,
                           Location(module.path, binding.line)))
    if scope.class_symbol is not None and scope.function is not None and scope.function.args.args:
        receiver = scope.function.args.args[0].arg
        for cls, owner in scope.resolver.mro(scope.class_symbol):
            for f in cls.fields:
                if not f.class_var:
                    t = scope.resolver.resolve_type(f.annotation, owner) if f.annotation else None
                    out.append(Binding(f"{receiver}.{f.name}", display(t), "attribute", Location(owner.path, f.line)))
    for var in module.variables.values():
        if not var.is_alias and var.name not in scope.locals and var.annotation:
            t = scope.resolver.resolve_type(var.annotation, module)
            out.append(Binding(var.name, display(t), "global", Location(module.path, var.line)))
    return out
