"""Charts drawn on the server with matplotlib (Agg, no pyplot, no fonts from the network).

Every chart is a picture of a table the page also shows, so the picture is never the only way
to read the figures. SVGs carry a <title> and <desc>; pages use them as <img> with alt text.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from staffsafe.analytics import funnel, spc

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
# Colours of the NHS identity with enough contrast on white; shapes differ too, so the chart
# does not rely on colour alone.
COLOURS = {"special_cause_concern": ("#ED8B00", "D"), "special_cause_improvement":
           ("#005EB8", "s"), "common_cause": ("#425563", "o"),
           "special_cause_neutral_high": ("#330072", "^"),
           "special_cause_neutral_low": ("#330072", "v")}
LEGEND = {"special_cause_concern": "Special cause: concern",
          "special_cause_improvement": "Special cause: improvement",
          "common_cause": "Common cause"}


def _figure(width: float = 8, height: float = 3.6) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    fig.set_layout_engine("constrained")
    return fig


def render(fig: Figure, fmt: str, title: str, description: str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata={"Title": title} if fmt == "svg" else None)
    data = buffer.getvalue()
    if fmt == "svg":
        data = _label_svg(data, title, description)
    return data


def _label_svg(data: bytes, title: str, description: str) -> bytes:
    text = data.decode("utf-8")
    start = text.index("<svg")
    end = text.index(">", start) + 1
    head = text[start:end].replace("<svg", '<svg role="img" aria-labelledby="chart-title '
                                            'chart-desc"', 1)
    label = (f'<title id="chart-title">{escape(title)}</title>'
             f'<desc id="chart-desc">{escape(description)}</desc>')
    return (text[:start] + head + label + text[end:]).encode("utf-8")


def spc_figure(result: spc.SPCResult, title: str, measure: str) -> Figure:
    fig = _figure()
    ax = fig.add_subplot()
    x = [p["x"] for p in result.points]
    y = [p["y"] for p in result.points]
    ax.plot(x, y, color="#768692", linewidth=1.2, zorder=1)
    for kind, (colour, marker) in COLOURS.items():
        points = [(p["x"], p["y"]) for p in result.points if p["point_type"] == kind]
        if points:
            ax.scatter(*zip(*points, strict=True), color=colour, marker=marker, s=28, zorder=2,
                       label=LEGEND.get(kind, "Special cause: neutral"))
    for key, style, label in (("mean", "-", "Mean"), ("upl", "--", "Process limits"),
                              ("lpl", "--", None)):
        values = [p[key] for p in result.points]
        if any(v is not None for v in values):
            ax.plot(x, [float("nan") if v is None else v for v in values], style,
                    color="#212B32", linewidth=1, label=label)
    ax.set_title(title, fontsize=12, loc="left")
    ax.set_ylabel(measure.capitalize())
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#D8DDE0", linewidth=0.6)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1), frameon=False)
    fig.autofmt_xdate()
    return fig


def funnel_figure(names: list[str], counts: list[int], denominators: list[float],
                  target: float, labels: list[str], title: str) -> Figure:
    """Rate per 1,000 against staff, with 95% and 99.8% limits; only trusts outside are
    labelled (by their ODS code)."""
    fig = _figure(8, 4.2)
    ax = fig.add_subplot()
    rates_ = [1000 * c / d for c, d in zip(counts, denominators, strict=True)]
    lo, hi = min(denominators), max(denominators)
    grid = [lo + (hi - lo) * i / 200 for i in range(201)] if hi > lo else [lo]
    limits = funnel.funnel_limits(target, grid)
    for level, style in ((0.95, "--"), (0.998, ":")):
        ax.plot(grid, limits.upper[level], style, color="#212B32", linewidth=1,
                label=f"{level * 100:g}% limits")
        ax.plot(grid, limits.lower[level], style, color="#212B32", linewidth=1)
    ax.axhline(target, color="#005EB8", linewidth=1, label="England rate")
    outside = [label != "within" for label in labels]
    ax.scatter([d for d, o in zip(denominators, outside, strict=True) if not o],
               [r for r, o in zip(rates_, outside, strict=True) if not o],
               color="#425563", s=18, label="Trust within the limits")
    ax.scatter([d for d, o in zip(denominators, outside, strict=True) if o],
               [r for r, o in zip(rates_, outside, strict=True) if o],
               color="#ED8B00", marker="D", s=24, label="Trust outside the 95% limits")
    for name, d, r, o in zip(names, denominators, rates_, outside, strict=True):
        if o:
            ax.annotate(name, (d, r), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_title(title, fontsize=12, loc="left")
    ax.set_xlabel("Staff (average monthly headcount)")
    ax.set_ylabel("Physical assaults per 1,000 staff")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1), frameon=False)
    return fig


def month_label(month: date) -> str:
    return f"{month:%b %Y}"
