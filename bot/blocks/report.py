"""HR's program report in words: each section's figures as plain sentences (the Slack message,
the charts' alt text and the HTML page all show these), and the DM that carries them.

A section whose figures are not there yet says what it will show and when. A hidden breakdown
(fewer than k people) reads "fewer than k"; no sentence names a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot import i18n
from bot.blocks.figures import standing_count
from bot.blocks.kit import CONTEXT_TEXT_MAX, context, escape, pack, section
from bot.blocks.message import Message
from bot.i18n import N_, _, ngettext, short_date
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

# Marked for the catalog; `_(TITLE)` where it is shown.
TITLE = N_("Reverse mentoring: program report")
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
    return "–" if share is None else i18n.percent(share)


def rating_text(value: float) -> str:
    """A median or quartile of 1–5 ratings as the report writes it: "2", "3.5"."""
    text = i18n.decimal(value, 1)
    # The last two characters are the decimal separator and the tenths.
    return text.removesuffix(text[-2] + "0")


def _teach(guides: int | None, k: int) -> str:
    """ "no guide teaches it", "1 guide teaches it", "6 guides teach it"."""
    if guides == 0:
        return _("no guide teaches it")
    if guides is None:
        return _("fewer than {k} guides teach it").format(k=k)
    return ngettext("{count} guide teaches it", "{count} guides teach it", guides).format(
        count=guides
    )


def _learners(count: int | None, k: int) -> str:
    """ "7 learners", "1 learner", or "fewer than 5 learners"."""
    if count is None:
        return _("fewer than {k} learners").format(k=k)
    return ngettext("{count} learner", "{count} learners", count).format(count=count)


def _follow_ups(count: int | None, k: int) -> str:
    """ "7 follow-ups", "1 follow-up", or "fewer than 5 follow-ups"."""
    if count is None:
        return _("fewer than {k} follow-ups").format(k=k)
    return ngettext("{count} follow-up", "{count} follow-ups", count).format(count=count)


def _spread(value: Spread) -> str:
    return f"{rating_text(value.median)} ({rating_text(value.q1)}–{rating_text(value.q3)})"


def _more(lines: list[str], limit: int | None, short_of_guides: bool = False) -> list[str]:
    """The first `limit` tools' lines and how many more there are."""
    if limit is None or len(lines) <= limit:
        return lines
    count = len(lines) - limit
    if short_of_guides:
        more = ngettext(
            "…and {count} more tool short of guides",
            "…and {count} more tools short of guides",
            count,
        )
    else:
        more = ngettext("…and {count} more tool", "…and {count} more tools", count)
    return [*lines[:limit], more.format(count=count)]


def _as_of(report: ProgramReport) -> str:
    """The report's day: "05 Dec 2026" in English, as it always read; else the language's own."""
    return i18n.day_month_year(report.as_of.date())


# ---- the headline ------------------------------------------------------------------------------


def departures(report: ProgramReport) -> tuple[str, ...]:
    """Who left because Slack deactivated them this cycle (HR hears it even before any data)."""
    count = report.figures.deactivated
    if not count:
        return ()
    return (
        ngettext(
            "Deactivated in Slack this cycle: {count} participant left the program; their pair "
            "ended and their partner went back to the pool",
            "Deactivated in Slack this cycle: {count} participants left the program; their pairs "
            "ended and their partners went back to the pool",
            count,
        ).format(count=count),
    )


def report_lead(report: ProgramReport) -> tuple[str, ...]:
    """The report's first lines: the headline, or what is known before any data."""
    if report.is_empty:
        return (
            _("No data yet. Here is what this report will show, and when."),
            *departures(report),
        )
    return headline(report)


def headline(report: ProgramReport) -> tuple[str, ...]:
    """The figures HR reads first."""
    figures, learning, k = report.figures, report.learning, report.k
    people = figures.participants
    split = ", ".join(standing_count(standing, n) for standing, n in people.parts)
    meetings = figures.meetings
    lines = [
        _("Participants: {total} ({split})").format(total=people.total, split=split),
        *departures(report),
    ]
    if meetings.weeks:
        lines.append(
            _(
                "Sessions this cycle (since {date}): {sessions}; meet rate {rate} ({met} of "
                "{prompted} prompted pair-weeks met)"
            ).format(
                # The cycle's first day, as Home and `admin stats` say it.
                date=short_date(figures.since) if figures.since else meetings.weeks[0].label,
                sessions=meetings.sessions,
                rate=_pct(meetings.meet_rate),
                met=meetings.met,
                prompted=meetings.prompted,
            )
        )
    useful = figures.usefulness
    if useful.mean is not None:
        lines.append(
            ngettext(
                "Usefulness: {mean} / 5 ({count} session report)",
                "Usefulness: {mean} / 5 ({count} session reports)",
                useful.reports,
            ).format(mean=i18n.decimal(useful.mean, 1), count=useful.reports)
        )
    confidence = learning.confidence
    if confidence.before is not None and confidence.now is not None:
        lines.append(
            _("Confidence before → now: {before} → {now} (median, {learners})").format(
                before=rating_text(confidence.before.median),
                now=rating_text(confidence.now.median),
                learners=_learners(confidence.learners, k),
            )
        )
    learned = learning.learned
    if learned.learned:
        if learned.answered != 0:
            text = _("Tools learned: {count} (by {learners}); still using: {share} of {follow_ups}")
        else:
            text = _("Tools learned: {count} (by {learners})")
        lines.append(
            text.format(
                count=learned.learned,
                learners=_learners(learned.learners, k),
                share=_pct(learned.still_using_share),
                follow_ups=_follow_ups(learned.answered, k),
            )
        )
    if learning.two_way.sessions:
        lines.append(
            _("Two-way share: {share} of this cycle's sessions").format(
                share=_pct(learning.two_way.share)
            )
        )
    return tuple(lines)


# ---- the sections ------------------------------------------------------------------------------


def _confidence(confidence: Confidence, k: int, limit: int | None) -> ReportSection:
    title = _("Confidence before → now")
    if confidence.learners == 0:
        return ReportSection(
            "confidence",
            title,
            (
                _(
                    "No ratings yet. Learners rate each tool when they join (their baseline) and "
                    "again after a session on it or in a survey; this shows the median and "
                    "quartiles per tool once {k} learners have both."
                ).format(k=k),
            ),
            False,
        )
    lines = [
        _(
            "Per tool: median (quartiles) of the baseline → of the latest rating, on 1–5 "
            "(1 = never used it, 5 = could teach it)."
        )
    ]
    tools = []
    for tool in confidence.tools:
        if tool.before is None or tool.now is None:
            tools.append(
                _("• {tool}: {learners}").format(
                    tool=tool.tool, learners=_learners(tool.learners, k)
                )
            )
        else:
            tools.append(
                _("• {tool}: {before} → {now}, {learners}").format(
                    tool=tool.tool,
                    before=_spread(tool.before),
                    now=_spread(tool.now),
                    learners=_learners(tool.learners, k),
                )
            )
    drawn = any(tool.now is not None for tool in confidence.tools)
    return ReportSection("confidence", title, (*lines, *_more(tools, limit)), drawn)


def _week_line(week: WeekFigures) -> str:
    if week.prompted:
        return ngettext(
            "• Week of {week}: {count} session; meet rate {rate} ({met} of {prompted})",
            "• Week of {week}: {count} sessions; meet rate {rate} ({met} of {prompted})",
            week.sessions,
        ).format(
            week=week.label,
            count=week.sessions,
            rate=_pct(week.meet_rate),
            met=week.met,
            prompted=week.prompted,
        )
    return ngettext(
        "• Week of {week}: {count} session", "• Week of {week}: {count} sessions", week.sessions
    ).format(week=week.label, count=week.sessions)


def _meetings(weeks: Sequence[WeekFigures], limit: int | None) -> ReportSection:
    title = _("Sessions and meet rate per week")
    if not any(w.sessions or w.prompted for w in weeks):
        return ReportSection(
            "meetings",
            title,
            (
                _(
                    "No sessions yet. After the first sessions are reported (each pair's check-in "
                    "follows its weekly prompt), this shows sessions per week and the meet rate."
                ),
            ),
            False,
        )
    shown = list(weeks) if limit is None else list(weeks)[-limit:]
    lines = [_week_line(w) for w in shown]
    lead = (
        ngettext("The last {count} week:", "The last {count} weeks:", len(shown)).format(
            count=len(shown)
        )
        if len(shown) < len(weeks)
        else _("Every week:")
    )
    return ReportSection("meetings", title, (lead, *lines), True)


def _fit(fit: FitAnswers, k: int) -> ReportSection:
    title = _("How is the fit?")
    if fit.asked == 0:
        return ReportSection(
            "fit",
            title,
            (
                _(
                    "Nobody asked yet. Each person is asked privately after their pair's first "
                    "reported session: good fit, still deciding or not a good fit."
                ),
            ),
            False,
        )
    if fit.answered is None or fit.answered == 0:
        answered = (
            _("Asked {asked}; answered: none.")
            if fit.answered == 0
            else _("Asked {asked}; answered: fewer than {k}.")
        )
        return ReportSection("fit", title, (answered.format(asked=fit.asked, k=k),), False)
    return ReportSection(
        "fit",
        title,
        (
            _(
                "Asked {asked}, answered {answered}: good fit {good}, still deciding {deciding}, "
                "not a good fit {bad}."
            ).format(
                asked=fit.asked,
                answered=fit.answered,
                good=fit.good,
                deciding=fit.deciding,
                bad=fit.bad,
            ),
        ),
        True,
    )


# Survey stages (`models.SurveyStage`'s values), translated where they are shown.
STAGE_NAMES = {"mid": N_("Mid-cycle survey"), "end": N_("End-of-cycle survey")}


def _stage(scores: StageScores, k: int, cycle_weeks: int) -> str:
    name = _(STAGE_NAMES[scores.stage])
    if scores.answered == 0:
        week = max(1, cycle_weeks // 2) if scores.stage == "mid" else cycle_weeks
        return _(
            "{survey}: no answers yet (it goes out in week {week} of the {weeks}-week cycle)."
        ).format(survey=name, week=week, weeks=cycle_weeks)
    if scores.answered is None:
        return _("{survey}: fewer than {k} answers.").format(survey=name, k=k)
    parts = [
        ngettext("{count} answered", "{count} answered", scores.answered).format(
            count=scores.answered
        )
    ]
    if scores.usefulness is not None:
        parts.append(_("usefulness {mean} / 5").format(mean=i18n.decimal(scores.usefulness, 1)))
    if scores.recommend is not None:
        parts.append(_("{share} would recommend it").format(share=_pct(scores.recommend)))
    if scores.continue_pair is not None:
        parts.append(
            _("{share} want to continue with their partner").format(
                share=_pct(scores.continue_pair)
            )
        )
    return _("{survey}: {figures}.").format(survey=name, figures=", ".join(parts))


def _surveys(stages: Sequence[StageScores], k: int, cycle_weeks: int) -> ReportSection:
    return ReportSection(
        "surveys",
        _("Survey scores"),
        tuple(_stage(stage, k, cycle_weeks) for stage in stages),
        any(stage.answered for stage in stages),
    )


def _two_way(two_way: TwoWay) -> ReportSection:
    title = _("Two-way share of sessions")
    if not two_way.sessions:
        return ReportSection(
            "two_way",
            title,
            (
                _(
                    'No directions yet. Each "We met" says which way the learning went (a tool, '
                    "the mirror, or both); the share appears after the first sessions are "
                    "reported."
                ),
            ),
            False,
        )
    return ReportSection(
        "two_way",
        title,
        (
            ngettext(
                "{share}: {two_way} of this cycle's {sessions} session with a reported direction "
                "went both ways (a tool taught and the mirror shared).",
                "{share}: {two_way} of this cycle's {sessions} sessions with a reported direction "
                "went both ways (a tool taught and the mirror shared).",
                two_way.sessions,
            ).format(share=_pct(two_way.share), two_way=two_way.two_way, sessions=two_way.sessions),
        ),
        True,
    )


def _learned_tool(
    tool_name: str, learners: str, still: int | None, answered: int | None, k: int
) -> str:
    if answered is None:
        text = _("• {tool}: learned by {learners}; fewer than {k} follow-ups")
    elif answered:
        text = _("• {tool}: learned by {learners}; still used by {still} of {answered} asked")
    else:
        text = _("• {tool}: learned by {learners}")
    return text.format(tool=tool_name, learners=learners, still=still, answered=answered, k=k)


def _learned(learned: Learned, k: int, limit: int | None) -> ReportSection:
    title = _("Tools learned and still used")
    if learned.learned == 0 and learned.answered == 0:
        return ReportSection(
            "learned",
            title,
            (
                _(
                    "Nothing confirmed yet. A tool counts as learned when the learner shows it "
                    "back and the guide confirms it; 30 days after a cycle ends, learners are "
                    "asked whether they still use it."
                ),
            ),
            False,
        )
    if learned.learned is None:
        lines = [_("Tools learned: by {learners}.").format(learners=_learners(None, k))]
    else:
        lines = [
            _("Tools learned (teach-backs): {count}, by {learners}.").format(
                count=learned.learned, learners=_learners(learned.learners, k)
            )
        ]
    if learned.answered is None:
        lines.append(_("Still using: fewer than {k} follow-ups answered.").format(k=k))
    elif learned.answered:
        lines.append(
            ngettext(
                "Still using: {share} ({still} of {answered} follow-up answered yes or sometimes).",
                "Still using: {share} ({still} of {answered} follow-ups answered yes or "
                "sometimes).",
                learned.answered,
            ).format(
                share=_pct(learned.still_using_share),
                still=learned.still_using,
                answered=learned.answered,
            )
        )
    else:
        lines.append(
            _("Still using: no follow-up answered yet (asked 30 days after a cycle ends).")
        )
    tools = [
        _learned_tool(tool.tool, _learners(tool.learned, k), tool.still_using, tool.answered, k)
        for tool in learned.tools
    ]
    drawn = any(tool.learned or tool.answered for tool in learned.tools)
    return ReportSection("learned", title, (*lines, *_more(tools, limit)), drawn)


def unmet_sentence(demand: ToolDemand, k: int) -> str:
    """ "7 people want Power BI; no guide teaches it — recruit one"."""
    wanted = demand.wanted
    if demand.guides == 0:
        if wanted is None:
            text = _("Fewer than {k} people want {tool}; no guide teaches it — recruit one")
        else:
            text = ngettext(
                "{count} person wants {tool}; no guide teaches it — recruit one",
                "{count} people want {tool}; no guide teaches it — recruit one",
                wanted,
            )
    elif demand.room is not None:
        if wanted is None:
            text = _("Fewer than {k} people want {tool}; {teach} (room for {room}) — recruit more")
        else:
            text = ngettext(
                "{count} person wants {tool}; {teach} (room for {room}) — recruit more",
                "{count} people want {tool}; {teach} (room for {room}) — recruit more",
                wanted,
            )
    elif wanted is None:
        text = _("Fewer than {k} people want {tool}; {teach} — recruit more")
    else:
        text = ngettext(
            "{count} person wants {tool}; {teach} — recruit more",
            "{count} people want {tool}; {teach} — recruit more",
            wanted,
        )
    return text.format(
        k=k, count=wanted, tool=demand.tool, teach=_teach(demand.guides, k), room=demand.room
    )


def _gap_row(demand: ToolDemand, k: int) -> str:
    teach = _teach(demand.guides, k)
    if demand.wanted is None:
        return _("• {tool}: fewer than {k} people want to learn it, {teach}").format(
            tool=demand.tool, k=k, teach=teach
        )
    return ngettext(
        "• {tool}: {count} person wants to learn it, {teach}",
        "• {tool}: {count} people want to learn it, {teach}",
        demand.wanted,
    ).format(tool=demand.tool, count=demand.wanted, teach=teach)


def _skills_gap(gap: Sequence[ToolDemand], k: int, limit: int | None) -> ReportSection:
    title = _("Skills gap")
    if not gap:
        return ReportSection(
            "skills_gap",
            title,
            (
                _(
                    "Nobody has named a tool to learn yet. Once people join, this compares, per "
                    "tool, how many want to learn it with how many guides teach it."
                ),
            ),
            False,
        )
    unmet = [unmet_sentence(d, k) + "." for d in gap if d.unmet]
    rows = [_gap_row(d, k) for d in gap]
    lead = _("Active people who want to learn each tool, and guides who teach it:")
    return ReportSection(
        "skills_gap",
        title,
        (*_more(unmet, limit, short_of_guides=True), lead, *_more(rows, limit)),
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
        _("Definitions"),
        *(
            _("{figure}: {definition}").format(figure=_(name), definition=_(meaning))
            for name, meaning in report.definitions
        ),
        _("This program's k is {k}.").format(k=report.k),
    )


def anonymity_note(report: ProgramReport) -> str:
    return _(
        'As of {date}. Breakdowns over fewer than {k} people show "fewer than {k}"; nobody\'s '
        "own ratings are shown."
    ).format(date=i18n.day_month_year(report.as_of.date()), k=report.k)


# ---- the Slack message ---------------------------------------------------------------------


def report_message(report: ProgramReport, sections: Sequence[ReportSection]) -> Message:
    """The DM with the report's figures; the charts follow it as images."""
    lead = report_lead(report)
    title = _(TITLE)
    blocks: list[Block] = [
        HeaderBlock(text=title),
        context(escape(anonymity_note(report))),
        section(escape("\n".join(lead))),
        DividerBlock(),
    ]
    blocks += [section(f"*{s.title}*\n{escape(s.text)}") for s in sections]
    charts = sum(s.has_chart for s in sections)
    if charts:
        blocks.append(
            context(
                ngettext(
                    "{count} chart follows as an image; its alt text has its figures.",
                    "{count} charts follow as images; each one's alt text has its figures.",
                    charts,
                ).format(count=charts)
            )
        )
    blocks += [context(text) for text in pack(definitions(report), CONTEXT_TEXT_MAX)]
    text = "\n\n".join(
        [
            title,
            anonymity_note(report),
            "\n".join(lead),
            *(f"{s.title}\n{s.text}" for s in sections),
            "\n".join(definitions(report)),
        ]
    )
    return Message(text=escape(text), blocks=blocks)


def report_preparing_message() -> Message:
    return Message(text=_("Preparing the program report… it will arrive in our DM."))


def report_sent_message(charts: int) -> Message:
    return Message(
        text=ngettext(
            "Sent the program report to our DM ({count} chart).",
            "Sent the program report to our DM ({count} charts).",
            charts,
        ).format(count=charts)
        if charts
        else _("Sent the program report to our DM.")
    )


def charts_failed_message(error: str) -> Message:
    return Message(
        text=_(
            "The report's figures are in our DM, but its charts could not be uploaded "
            "({error}). Check that the app has the files:write scope, then ask again."
        ).format(error=escape(error))
    )
