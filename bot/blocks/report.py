"""HR's program report in words: each section's figures as plain sentences (the Slack message,
the charts' alt text and the HTML page all show these), and the DM that carries them.

A section whose figures are not there yet says what it will show and when. A hidden breakdown
(fewer than k people) reads "fewer than k"; no sentence names a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot.blocks.kit import CONTEXT_TEXT_MAX, context, escape, pack, section
from bot.blocks.message import Message
from bot.services.figures import WeekFigures
from bot.services.report import ProgramReport
from bot.services.report.learning import (
    Confidence,
    FitAnswers,
    Learned,
    Spread,
    StageScores,
    ToolDemand,
    TwoWay,
)

TITLE = "Reverse mentoring: program report"
# The Slack message lists this many weeks and tools per section; the charts and the HTML page
# show them all.
SLACK_WEEKS = 8
SLACK_TOOLS = 10


@dataclass(frozen=True)
class ReportSection:
    """One part of the report: its name (the chart's too), title, and the figures as text.
    `has_chart`: there are figures to draw."""

    name: str
    title: str
    lines: tuple[str, ...]
    has_chart: bool

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def rating_text(value: float) -> str:
    """A median or quartile of 1–5 ratings as the report writes it: "2", "3.5"."""
    return f"{value:.1f}".removesuffix(".0")


def _mean(value: float) -> str:
    return f"{value:.1f}"


def _teach(guides: int | None, k: int) -> str:
    """ "no guide teaches it", "1 guide teaches it", "6 guides teach it"."""
    if guides == 0:
        return "no guide teaches it"
    return _people(guides, k, "guide") + (" teaches it" if guides == 1 else " teach it")


def _people(count: int | None, k: int, noun: str) -> str:
    """ "7 learners", "1 learner", or "fewer than 5 learners"."""
    plural = "people" if noun == "person" else noun + "s"
    if count is None:
        return f"fewer than {k} {plural}"
    return f"{count} {noun if count == 1 else plural}"


def _spread(value: Spread) -> str:
    return f"{rating_text(value.median)} ({rating_text(value.q1)}–{rating_text(value.q3)})"


def _more(lines: list[str], limit: int | None, noun: str) -> list[str]:
    if limit is None or len(lines) <= limit:
        return lines
    return [*lines[:limit], f"…and {len(lines) - limit} more {noun}"]


# ---- the headline ------------------------------------------------------------------------------


def departures(report: ProgramReport) -> tuple[str, ...]:
    """Who left because Slack deactivated them this cycle (HR hears it even before any data)."""
    count = report.figures.deactivated
    if not count:
        return ()
    return (
        f"Deactivated in Slack this cycle: {count} participant(s) left the program; their pairs "
        "ended and their partners went back to the pool",
    )


def report_lead(report: ProgramReport) -> tuple[str, ...]:
    """The report's first lines: the headline, or what is known before any data."""
    if report.is_empty:
        return ("No data yet. Here is what this report will show, and when.", *departures(report))
    return headline(report)


def headline(report: ProgramReport) -> tuple[str, ...]:
    """The figures HR reads first."""
    figures, learning, k = report.figures, report.learning, report.k
    people = figures.participants
    split = ", ".join(f"{n} {standing.label}" for standing, n in people.parts)
    meetings = figures.meetings
    lines = [f"Participants: {people.total} ({split})", *departures(report)]
    if meetings.weeks:
        since = meetings.weeks[0].label
        lines.append(
            f"Sessions this cycle (since {since}): {meetings.sessions}; meet rate "
            f"{_pct(meetings.meet_rate)} ({meetings.met} of {meetings.prompted} prompted "
            "pair-weeks met)"
        )
    useful = figures.usefulness
    if useful.mean is not None:
        lines.append(f"Usefulness: {_mean(useful.mean)} / 5 ({useful.reports} session reports)")
    confidence = learning.confidence
    if confidence.before is not None and confidence.now is not None:
        lines.append(
            f"Confidence before → now: {rating_text(confidence.before.median)} → "
            f"{rating_text(confidence.now.median)} "
            f"(median, {_people(confidence.learners, k, 'learner')})"
        )
    learned = learning.learned
    if learned.learned:
        still = (
            f"; still using: {_pct(learned.still_using_share)} of "
            f"{_people(learned.answered, k, 'follow-up')}"
            if learned.answered != 0
            else ""
        )
        lines.append(
            f"Tools learned: {learned.learned} (by {_people(learned.learners, k, 'learner')})"
            + still
        )
    if learning.two_way.sessions:
        lines.append(f"Two-way share: {_pct(learning.two_way.share)} of this cycle's sessions")
    return tuple(lines)


# ---- the sections ------------------------------------------------------------------------------


def _confidence(confidence: Confidence, k: int, limit: int | None) -> ReportSection:
    title = "Confidence before → now"
    if confidence.learners == 0:
        return ReportSection(
            "confidence",
            title,
            (
                "No ratings yet. Learners rate each tool when they join (their baseline) and "
                "again after a session on it or in a survey; this shows the median and "
                f"quartiles per tool once {k} learners have both.",
            ),
            False,
        )
    lines = [
        "Per tool: median (quartiles) of the baseline → of the latest rating, on 1–5 "
        "(1 = never used it, 5 = could teach it)."
    ]
    tools = []
    for tool in confidence.tools:
        if tool.before is None or tool.now is None:
            tools.append(f"• {tool.tool}: {_people(tool.learners, k, 'learner')}")
        else:
            tools.append(
                f"• {tool.tool}: {_spread(tool.before)} → {_spread(tool.now)}, "
                f"{_people(tool.learners, k, 'learner')}"
            )
    drawn = any(tool.now is not None for tool in confidence.tools)
    return ReportSection("confidence", title, (*lines, *_more(tools, limit, "tools")), drawn)


def _meetings(weeks: Sequence[WeekFigures], limit: int | None) -> ReportSection:
    title = "Sessions and meet rate per week"
    if not any(w.sessions or w.prompted for w in weeks):
        return ReportSection(
            "meetings",
            title,
            (
                "No sessions yet. After the first sessions are reported (each pair's check-in "
                "follows its weekly prompt), this shows sessions per week and the meet rate.",
            ),
            False,
        )
    shown = list(weeks) if limit is None else list(weeks)[-limit:]
    lines = [
        f"• Week of {w.label}: {w.sessions} session"
        + ("" if w.sessions == 1 else "s")
        + (f"; meet rate {_pct(w.meet_rate)} ({w.met} of {w.prompted})" if w.prompted else "")
        for w in shown
    ]
    lead = f"The last {len(shown)} weeks:" if len(shown) < len(weeks) else "Every week:"
    return ReportSection("meetings", title, (lead, *lines), True)


def _fit(fit: FitAnswers, k: int) -> ReportSection:
    title = "How is the fit?"
    if fit.asked == 0:
        return ReportSection(
            "fit",
            title,
            (
                "Nobody asked yet. Each person is asked privately after their pair's first "
                "reported session: good fit, still deciding or not a good fit.",
            ),
            False,
        )
    if fit.answered is None or fit.answered == 0:
        answered = "none" if fit.answered == 0 else f"fewer than {k}"
        return ReportSection("fit", title, (f"Asked {fit.asked}; answered: {answered}.",), False)
    return ReportSection(
        "fit",
        title,
        (
            f"Asked {fit.asked}, answered {fit.answered}: good fit {fit.good}, "
            f"still deciding {fit.deciding}, not a good fit {fit.bad}.",
        ),
        True,
    )


# Survey stages (`models.SurveyStage`'s values).
STAGE_NAMES = {"mid": "Mid-cycle survey", "end": "End-of-cycle survey"}


def _stage(scores: StageScores, k: int, cycle_weeks: int) -> str:
    name = STAGE_NAMES[scores.stage]
    if scores.answered == 0:
        week = max(1, cycle_weeks // 2) if scores.stage == "mid" else cycle_weeks
        return (
            f"{name}: no answers yet (it goes out in week {week} of the {cycle_weeks}-week cycle)."
        )
    if scores.answered is None:
        return f"{name}: fewer than {k} answers."
    parts = [f"{scores.answered} answered"]
    if scores.usefulness is not None:
        parts.append(f"usefulness {_mean(scores.usefulness)} / 5")
    if scores.recommend is not None:
        parts.append(f"{_pct(scores.recommend)} would recommend it")
    if scores.continue_pair is not None:
        parts.append(f"{_pct(scores.continue_pair)} want to continue with their partner")
    return f"{name}: " + ", ".join(parts) + "."


def _surveys(stages: Sequence[StageScores], k: int, cycle_weeks: int) -> ReportSection:
    return ReportSection(
        "surveys",
        "Survey scores",
        tuple(_stage(stage, k, cycle_weeks) for stage in stages),
        any(stage.answered for stage in stages),
    )


def _two_way(two_way: TwoWay) -> ReportSection:
    title = "Two-way share of sessions"
    if not two_way.sessions:
        return ReportSection(
            "two_way",
            title,
            (
                'No directions yet. Each "We met" says which way the learning went (a tool, '
                "the mirror, or both); the share appears after the first sessions are reported.",
            ),
            False,
        )
    return ReportSection(
        "two_way",
        title,
        (
            f"{_pct(two_way.share)}: {two_way.two_way} of this cycle's {two_way.sessions} "
            "sessions with a reported direction went both ways (a tool taught and the mirror "
            "shared).",
        ),
        True,
    )


def _learned(learned: Learned, k: int, limit: int | None) -> ReportSection:
    title = "Tools learned and still used"
    if learned.learned == 0 and learned.answered == 0:
        return ReportSection(
            "learned",
            title,
            (
                "Nothing confirmed yet. A tool counts as learned when the learner shows it back "
                "and the guide confirms it; 30 days after a cycle ends, learners are asked "
                "whether they still use it.",
            ),
            False,
        )
    if learned.learned is None:
        lines = [f"Tools learned: by {_people(None, k, 'learner')}."]
    else:
        lines = [
            f"Tools learned (teach-backs): {learned.learned}, by "
            f"{_people(learned.learners, k, 'learner')}."
        ]
    if learned.answered is None:
        lines.append(f"Still using: fewer than {k} follow-ups answered.")
    elif learned.answered:
        lines.append(
            f"Still using: {_pct(learned.still_using_share)} ({learned.still_using} of "
            f"{learned.answered} follow-ups answered yes or sometimes)."
        )
    else:
        lines.append("Still using: no follow-up answered yet (asked 30 days after a cycle ends).")
    tools = []
    for tool in learned.tools:
        still = (
            f"; still used by {tool.still_using} of {tool.answered} asked"
            if tool.answered
            else f"; fewer than {k} follow-ups"
            if tool.answered is None
            else ""
        )
        tools.append(f"• {tool.tool}: learned by {_people(tool.learned, k, 'learner')}{still}")
    drawn = any(tool.learned or tool.answered for tool in learned.tools)
    return ReportSection("learned", title, (*lines, *_more(tools, limit, "tools")), drawn)


def unmet_sentence(demand: ToolDemand, k: int) -> str:
    """ "7 people want Power BI; no guide teaches it — recruit one"."""
    wanted = (
        f"Fewer than {k} people want"
        if demand.wanted is None
        else f"{demand.wanted} " + ("person wants" if demand.wanted == 1 else "people want")
    )
    if demand.guides == 0:
        return f"{wanted} {demand.tool}; no guide teaches it — recruit one"
    room = f" (room for {demand.room})" if demand.room is not None else ""
    return f"{wanted} {demand.tool}; {_teach(demand.guides, k)}{room} — recruit more"


def _skills_gap(gap: Sequence[ToolDemand], k: int, limit: int | None) -> ReportSection:
    title = "Skills gap"
    if not gap:
        return ReportSection(
            "skills_gap",
            title,
            (
                "Nobody has named a tool to learn yet. Once people join, this compares, per "
                "tool, how many want to learn it with how many guides teach it.",
            ),
            False,
        )
    unmet = [unmet_sentence(d, k) + "." for d in gap if d.unmet]
    rows = [
        f"• {d.tool}: {_people(d.wanted, k, 'person')} want"
        + ("s" if d.wanted == 1 else "")
        + f" to learn it, {_teach(d.guides, k)}"
        for d in gap
    ]
    lead = "Active people who want to learn each tool, and guides who teach it:"
    return ReportSection(
        "skills_gap",
        title,
        (*_more(unmet, limit, "tools short of guides"), lead, *_more(rows, limit, "tools")),
        True,
    )


def report_sections(report: ProgramReport, *, brief: bool = False) -> list[ReportSection]:
    """Every section in the report's order; `brief` (Slack) lists only the latest weeks and the
    first tools."""
    learning, k = report.learning, report.k
    limit = SLACK_TOOLS if brief else None
    return [
        _confidence(learning.confidence, k, limit),
        _meetings(report.figures.meetings.weeks, SLACK_WEEKS if brief else None),
        _fit(learning.fit, k),
        _surveys(learning.surveys, k, report.cycle_weeks),
        _two_way(learning.two_way),
        _learned(learning.learned, k, limit),
        _skills_gap(learning.skills_gap, k, limit),
    ]


def definitions(report: ProgramReport) -> tuple[str, ...]:
    """The footer: what each figure means, and this program's k."""
    return (
        "Definitions",
        *(f"{name}: {meaning}" for name, meaning in report.definitions),
        f"This program's k is {report.k}.",
    )


def anonymity_note(report: ProgramReport) -> str:
    return (
        f"As of {report.as_of:%d %b %Y}. Breakdowns over fewer than {report.k} people show "
        f'"fewer than {report.k}"; nobody\'s own ratings are shown.'
    )


# ---- the Slack message ---------------------------------------------------------------------


def report_message(report: ProgramReport, sections: Sequence[ReportSection]) -> Message:
    """The DM with the report's figures; the charts follow it as images."""
    lead = report_lead(report)
    blocks: list[Block] = [
        HeaderBlock(text=TITLE),
        context(escape(anonymity_note(report))),
        section(escape("\n".join(lead))),
        DividerBlock(),
    ]
    blocks += [section(f"*{s.title}*\n{escape(s.text)}") for s in sections]
    charts = sum(s.has_chart for s in sections)
    if charts:
        blocks.append(
            context(f"{charts} chart(s) follow as images; each one's alt text has its figures.")
        )
    blocks += [context(text) for text in pack(definitions(report), CONTEXT_TEXT_MAX)]
    text = "\n\n".join(
        [
            TITLE,
            anonymity_note(report),
            "\n".join(lead),
            *(f"{s.title}\n{s.text}" for s in sections),
            "\n".join(definitions(report)),
        ]
    )
    return Message(text=escape(text), blocks=blocks)


def report_preparing_message() -> Message:
    return Message(text="Preparing the program report… it will arrive in our DM.")


def report_sent_message(charts: int) -> Message:
    return Message(
        text=f"Sent the program report to our DM ({charts} chart(s))."
        if charts
        else "Sent the program report to our DM."
    )


def charts_failed_message(error: str) -> Message:
    return Message(
        text=f"The report's figures are in our DM, but its charts could not be uploaded "
        f"({escape(error)}). Check that the app has the files:write scope, then ask again."
    )
