"""The report's charts as PNG bytes, drawn with matplotlib's Agg canvas (no display, no pyplot
state, so a thread can draw them while the event loop serves requests).

matplotlib is imported inside the functions that draw: the web process, the worker and every
other command load it only when a report is asked for. Each chart draws exactly the numbers of
its section in `bot.blocks.report` (hidden breakdowns are left out, as there); the sections'
text is each image's text fallback.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.blocks.report import ReportSection
from bot.i18n import _, ngettext, percent
from bot.services.report import ProgramReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

logger = logging.getLogger(__name__)

BLUE, GREY, GREEN, AMBER, RED = "#2f6fb2", "#9aa5b1", "#3a9a5b", "#e0a526", "#c8553d"
# Long lists stay readable (and quick to draw): the first this many tools, in the sections'
# order, as many as the Slack message lists.
MAX_BARS = 10
PNG_DPI = 100


@dataclass(frozen=True)
class Chart:
    """One image: its file name, title and PNG bytes; `text` carries the same figures."""

    name: str
    title: str
    png: bytes
    text: str

    @property
    def filename(self) -> str:
        return f"rotnem-report-{self.name.replace('_', '-')}.png"


def _label(name: str, width: int = 22) -> str:
    """A tool's name (people type their own) as an axis label: shortened, and drawn as typed —
    matplotlib reads text between two `$` as math, and fails the whole chart on bad math."""
    shown = name if len(name) <= width else name[: width - 1] + "…"
    return shown.replace("$", r"\$")


def _figure(height: float = 3.0, width: float = 6.4) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=PNG_DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    # Fast zlib: the charts are flat colours, so level 1 is barely larger and much quicker.
    figure.savefig(out, format="png", pil_kwargs={"compress_level": 1})
    return out.getvalue()


def _tidy(axes: Axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _bar_height(count: int) -> float:
    return max(2.2, 0.9 + 0.32 * count)


# ---- one function per chart ----------------------------------------------------------------


def _confidence(report: ProgramReport) -> Figure:
    tools = [
        (t.tool, t.before, t.now)
        for t in report.learning.confidence.tools
        if t.before is not None and t.now is not None
    ][:MAX_BARS][::-1]
    figure = _figure(_bar_height(len(tools)))
    axes = figure.add_subplot()
    ys = range(len(tools))
    before = [b for __, b, ___ in tools]
    now = [n for __, ___, n in tools]
    # One artist per kind (not per tool): quartile bars, the before → now line, the medians.
    for spreads, colour, offset in ((before, GREY, -0.15), (now, BLUE, 0.15)):
        axes.hlines(
            [y + offset for y in ys],
            [s.q1 for s in spreads],
            [s.q3 for s in spreads],
            color=colour,
            linewidth=5,
            alpha=0.3,
        )
    axes.hlines(ys, [s.median for s in before], [s.median for s in now], color=GREY, linewidth=2)
    axes.scatter([s.median for s in before], ys, color=GREY, s=40, zorder=2, label=_("before"))
    axes.scatter([s.median for s in now], ys, color=BLUE, s=40, zorder=2, label=_("now"))
    axes.set_yticks(ys, [_label(name) for name, __, ___ in tools])
    axes.set_ylim(-0.6, len(tools) - 0.4)
    axes.set_xlim(0.8, 5.2)
    axes.set_xticks([1, 2, 3, 4, 5], [_("1 never\nused it"), "2", "3", "4", _("5 could\nteach it")])
    axes.set_title(_("Confidence before → now (median; bars: quartiles)"), fontsize=10)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    _tidy(axes)
    figure.subplots_adjust(left=0.28, right=0.97, bottom=0.2, top=0.88)
    return figure


def _meetings(report: ProgramReport) -> Figure:
    weeks = report.figures.meetings.weeks
    figure = _figure(3.2, 7.0)
    axes = figure.add_subplot()
    xs = range(len(weeks))
    axes.bar(xs, [w.sessions for w in weeks], color=BLUE, alpha=0.8, label=_("sessions"))
    axes.set_ylabel(_("sessions"), fontsize=9)
    rate = axes.twinx()
    rate.plot(
        [x for x, w in zip(xs, weeks, strict=True) if w.meet_rate is not None],
        [100 * w.meet_rate for w in weeks if w.meet_rate is not None],
        color=AMBER,
        marker="o",
        markersize=3,
        label=_("meet rate"),
    )
    rate.set_ylim(0, 105)
    rate.set_ylabel(_("meet rate %"), fontsize=9)
    step = max(1, len(weeks) // 8)
    axes.set_xticks(list(xs)[::step], [w.label for w in weeks][::step], fontsize=8, rotation=30)
    axes.set_title(_("Sessions per week (bars) and meet rate per week (line)"), fontsize=10)
    rate.spines["top"].set_visible(False)
    _tidy(axes)
    figure.subplots_adjust(left=0.09, right=0.91, bottom=0.25, top=0.88)
    return figure


def _fit(report: ProgramReport) -> Figure:
    fit = report.learning.fit
    names = [_("good fit"), _("still deciding"), _("not a good fit")]
    counts = [fit.good or 0, fit.deciding or 0, fit.bad or 0]
    figure = _figure(2.2)
    axes = figure.add_subplot()
    bars = axes.barh(names[::-1], counts[::-1], color=[RED, AMBER, GREEN])
    axes.bar_label(bars, fontsize=8, padding=2)
    answers = ngettext(
        "How is the fit? ({count} answer)", "How is the fit? ({count} answers)", fit.answered or 0
    )
    axes.set_title(answers.format(count=fit.answered), fontsize=10)
    _tidy(axes)
    figure.subplots_adjust(left=0.22, right=0.95, bottom=0.15, top=0.85)
    return figure


def _surveys(report: ProgramReport) -> Figure:
    stages = [s for s in report.learning.surveys if s.answered]
    names = [_("mid-cycle") if s.stage == "mid" else _("end of cycle") for s in stages]
    figure = _figure(2.8)
    useful, shares = figure.subplots(1, 2, width_ratios=[1, 2])
    bars = useful.bar(names, [s.usefulness or 0 for s in stages], color=BLUE)
    useful.bar_label(bars, fmt="%.1f", fontsize=8)
    useful.set_ylim(0, 5.4)
    useful.set_title(_("usefulness (1–5)"), fontsize=9)
    width = 0.38
    xs = range(len(stages))
    for offset, label, values, colour in (
        (-width / 2, _("would recommend"), [s.recommend for s in stages], GREEN),
        (width / 2, _("want to continue"), [s.continue_pair for s in stages], AMBER),
    ):
        heights = [100 * v if v is not None else 0 for v in values]
        bars = shares.bar([x + offset for x in xs], heights, width, color=colour, label=label)
        shares.bar_label(
            bars, labels=[percent(v) if v is not None else "" for v in values], fontsize=8
        )
    shares.set_xticks(list(xs), names)
    shares.set_ylim(0, 110)
    shares.set_title(_("share of answers (%)"), fontsize=9)
    shares.legend(fontsize=8, frameon=False, loc="lower right")
    for axes in (useful, shares):
        _tidy(axes)
        axes.tick_params(labelsize=8)
    figure.suptitle(_("Survey scores"), fontsize=10)
    figure.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.8, wspace=0.25)
    return figure


def _two_way(report: ProgramReport) -> Figure:
    two_way = report.learning.two_way
    one_way = two_way.sessions - two_way.two_way
    figure = _figure(1.6)
    axes = figure.add_subplot()
    axes.barh(
        [0],
        [two_way.two_way],
        color=GREEN,
        label=_("both ways ({count})").format(count=two_way.two_way),
    )
    axes.barh(
        [0],
        [one_way],
        left=[two_way.two_way],
        color=GREY,
        label=_("one way ({count})").format(count=one_way),
    )
    axes.set_yticks([])
    axes.set_xlim(0, max(1, two_way.sessions))
    share = percent(two_way.share) if two_way.share is not None else "–"
    title = ngettext(
        "Two-way share: {share} of {count} session",
        "Two-way share: {share} of {count} sessions",
        two_way.sessions,
    )
    axes.set_title(title.format(share=share, count=two_way.sessions), fontsize=10)
    axes.legend(fontsize=8, frameon=False, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    _tidy(axes)
    figure.subplots_adjust(left=0.04, right=0.97, bottom=0.4, top=0.78)
    return figure


def _paired_bars(
    names: Sequence[str],
    first: tuple[str, Sequence[int | None], str],
    second: tuple[str, Sequence[int | None], str],
    title: str,
    k: int,
) -> Figure:
    """Two bars per tool (hidden values are left out and marked "<k")."""
    figure = _figure(_bar_height(len(names)))
    axes = figure.add_subplot()
    ys = list(range(len(names)))[::-1]
    height = 0.38
    for offset, (label, values, colour) in ((height / 2, first), (-height / 2, second)):
        bars = axes.barh(
            [y + offset for y in ys], [v or 0 for v in values], height, color=colour, label=label
        )
        axes.bar_label(
            bars, labels=[f"<{k}" if v is None else str(v) for v in values], fontsize=7, padding=2
        )
    axes.set_yticks(ys, [_label(n) for n in names], fontsize=8)
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8, frameon=False, loc="lower right")
    _tidy(axes)
    figure.subplots_adjust(left=0.28, right=0.95, bottom=0.1, top=0.9)
    return figure


def _learned(report: ProgramReport) -> Figure:
    tools = [t for t in report.learning.learned.tools if t.learned or t.answered][:MAX_BARS]
    return _paired_bars(
        [t.tool for t in tools],
        (_("learned (teach-back)"), [t.learned for t in tools], BLUE),
        (_("still using (follow-up)"), [t.still_using for t in tools], GREEN),
        _("Tools learned and still used (people)"),
        report.k,
    )


def _skills_gap(report: ProgramReport) -> Figure:
    tools = list(report.learning.skills_gap[:MAX_BARS])
    return _paired_bars(
        [t.tool for t in tools],
        (_("want to learn it"), [t.wanted for t in tools], AMBER),
        (_("guides teaching it"), [t.guides for t in tools], BLUE),
        _("Skills gap: who wants each tool, who teaches it"),
        report.k,
    )


DRAW: dict[str, Callable[[ProgramReport], Figure]] = {
    "confidence": _confidence,
    "meetings": _meetings,
    "fit": _fit,
    "surveys": _surveys,
    "two_way": _two_way,
    "learned": _learned,
    "skills_gap": _skills_gap,
}


def render_charts(report: ProgramReport, sections: Sequence[ReportSection]) -> list[Chart]:
    """A chart for every section that has figures to draw, in the sections' order. A chart that
    fails to draw (a bug) is left out and logged: the report's text carries its figures."""
    charts = []
    for section in sections:
        if not section.has_chart:
            continue
        try:
            png = _png(DRAW[section.name](report))
        except Exception:
            logger.exception("Drawing the report's %s chart failed; sent without it", section.name)
            continue
        charts.append(Chart(section.name, section.title, png, section.text))
    return charts
