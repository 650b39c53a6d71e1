"""Render the recall results: a markdown table for the terminal and a hand-written SVG chart."""

from __future__ import annotations

from html import escape

METHOD_LABELS = {
    "local": "local window",
    "jaccard": "Jaccard retrieval",
    "holepilot": "holepilot",
    "surfaced": "holepilot analysis, unbudgeted",
}
METHOD_COLORS = {
    "local": "#9e9e9e",
    "jaccard": "#f0a030",
    "holepilot": "#2a70c8",
    "surfaced": "#a9c8ee",
}
TARGETS = {1024: 0.75, 2048: 0.85}

# recall[method][budget] -> recall in [0, 1], or None when the method did not run.
RecallTable = dict[str, dict[int, float | None]]


def format_recall(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def recall_markdown(rows: list[tuple[str, str, RecallTable]], budgets: tuple[int, ...]) -> str:
    """One row per (package, method): ``rows`` holds (package label, details, table)."""
    header = (
        "| package | holes / definitions | method | "
        + " | ".join(f"{b} tok" for b in budgets)
        + " |"
    )
    lines = [header, "|" + "---|" * (3 + len(budgets))]
    for package, details, table in rows:
        for method, by_budget in table.items():
            cells = " | ".join(format_recall(by_budget.get(b)) for b in budgets)
            lines.append(
                f"| {package} | {details} | {METHOD_LABELS.get(method, method)} | {cells} |"
            )
    return "\n".join(lines)


def latency_markdown(rows: list[dict[str, object]]) -> str:
    lines = [
        "| package | files | requests | errors | p50 ms | p95 ms | cold first answer s |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [row[key] for key in ("package", "files", "requests", "errors", "p50_ms", "p95_ms")]
        cold = row.get("cold_s")
        cells.append("n/a" if cold is None else cold)
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


def _bar(x: float, value: float, width: float, color: str, plot: tuple[float, float]) -> list[str]:
    top, height = plot
    bar_height = value * height
    y = top + height - bar_height
    return [
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{bar_height:.1f}" fill="{color}"/>',
        f'<text x="{x + width / 2:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">{value:.2f}</text>',
    ]


def _axes(left: float, top: float, width: float, height: float) -> list[str]:
    parts = []
    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        y = top + height - tick * height
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="#e0e0e0"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{tick:.1f}</text>'
        )
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + height}" stroke="#444"/>')
    parts.append(
        f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top + height}" stroke="#444"/>'
    )
    return parts


def _legend(methods: list[str], x: float, y: float) -> list[str]:
    parts = []
    for i, method in enumerate(methods):
        yy = y + i * 18
        parts.append(
            f'<rect x="{x}" y="{yy}" width="12" height="12" fill="{METHOD_COLORS.get(method, "#555")}"/>'
        )
        label = escape(METHOD_LABELS.get(method, method))
        parts.append(f'<text x="{x + 18}" y="{yy + 10}" font-size="12">{label}</text>')
    parts.append(
        f'<line x1="{x}" y1="{y + len(methods) * 18 + 6}" x2="{x + 12}" '
        f'y2="{y + len(methods) * 18 + 6}" stroke="#c00" stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<text x="{x + 18}" y="{y + len(methods) * 18 + 10}" font-size="12">target</text>'
    )
    return parts


def recall_svg(table: RecallTable, budgets: tuple[int, ...], title: str) -> str:
    """Grouped bars: one group per budget, one bar per method, dashed lines at the targets."""
    methods = [
        m for m, by_budget in table.items() if any(v is not None for v in by_budget.values())
    ]
    left, top, plot_w, plot_h = 50.0, 40.0, 520.0, 260.0
    group_w = plot_w / len(budgets)
    bar_w = (group_w - 30) / max(1, len(methods))
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="820" height="350" font-family="sans-serif">',
        '<rect width="820" height="350" fill="white"/>',
        f'<text x="{left}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
        *_axes(left, top, plot_w, plot_h),
    ]
    for g, budget in enumerate(budgets):
        x0 = left + g * group_w + 15
        for i, method in enumerate(methods):
            value = table[method].get(budget)
            if value is not None:
                parts += _bar(
                    x0 + i * bar_w,
                    value,
                    bar_w - 4,
                    METHOD_COLORS.get(method, "#555"),
                    (top, plot_h),
                )
        target = TARGETS.get(budget)
        if target is not None:
            y = top + plot_h - target * plot_h
            parts.append(
                f'<line x1="{x0 - 8:.1f}" y1="{y:.1f}" x2="{x0 + group_w - 22:.1f}" y2="{y:.1f}" '
                'stroke="#c00" stroke-dasharray="4 3"/>'
            )
        parts.append(
            f'<text x="{x0 + (group_w - 30) / 2:.1f}" y="{top + plot_h + 18}" font-size="12" '
            f'text-anchor="middle">{budget} tokens</text>'
        )
    parts += _legend(methods, left + plot_w + 20, top + 10)
    parts.append(
        f'<text x="14" y="{top + plot_h / 2}" font-size="12" transform="rotate(-90 14 {top + plot_h / 2})" '
        'text-anchor="middle">definition recall</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def breakdown_markdown(
    rows: list[tuple[str, dict[str, tuple[float, int]]]], order: tuple[str, ...] = ()
) -> str:
    """Recall by slice: ``rows`` holds (method@budget, {slice: (recall, pairs)}); columns in
    ``order`` first, then any others alphabetically."""
    present = {column for _, cells in rows for column in cells}
    columns = [c for c in order if c in present] + sorted(present - set(order))
    lines = ["| method | " + " | ".join(columns) + " |", "|" + "---|" * (1 + len(columns))]
    for label, cells in rows:
        shown = [f"{cells[c][0]:.2f} ({cells[c][1]})" if c in cells else "" for c in columns]
        lines.append(f"| {label} | " + " | ".join(shown) + " |")
    return "\n".join(lines)


ORACLE_COLUMNS = (
    ("package", "package"),
    ("holes", "holes"),
    ("sites", "candidate sites"),
    ("examined", "sites examined"),
    ("resolved_now", "resolved now"),
    ("timeouts_now", "timeouts now"),
    ("timeouts_in_holes", "timeouts in holes"),
    ("ambiguous_now", "ambiguous now"),
    ("seconds", "mining s"),
)


def oracle_markdown(rows: list[dict[str, object]]) -> str:
    """What mining took per package: sites, how many were resolved (not cached), timeouts."""
    lines = [
        "| " + " | ".join(title for _, title in ORACLE_COLUMNS) + " |",
        "|" + "---|" * len(ORACLE_COLUMNS),
    ]
    for row in rows:
        cells = []
        for key, _ in ORACLE_COLUMNS:
            value = row.get(key, "")
            cells.append(str(sum(value.values())) if isinstance(value, dict) else str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
