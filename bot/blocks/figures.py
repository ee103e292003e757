"""The program's figures as HR reads them, worded once for every screen that shows them (the
Home tab, `/rotnem admin stats`): the same figure, the same name, the same number."""

from __future__ import annotations

from bot import i18n
from bot.blocks.kit import escape
from bot.i18n import N_, _, ngettext
from bot.services.figures import DEFINITIONS, ProgramFigures, Standing

TOP_TOOLS = 5
ROLE_HEADINGS = {"guide": N_("Guides"), "learner": N_("Learners"), "both": N_("Both ways")}
# The usefulness by reporter role: "guides 4.5, learners 4.0".
ROLE_RATINGS = {"guide": N_("guides {rating}"), "learner": N_("learners {rating}")}


def percent(rate: float | None) -> str:
    return i18n.percent(rate) if rate is not None else _("n/a")


def standing_count(standing: Standing, count: int) -> str:
    """ "7 in a pair", "2 waitlisted", "1 not yet matched", "0 paused"."""
    if standing is Standing.IN_PAIR:
        text = ngettext("{count} in a pair", "{count} in a pair", count)
    elif standing is Standing.WAITLISTED:
        text = ngettext("{count} waitlisted", "{count} waitlisted", count)
    elif standing is Standing.NOT_YET_MATCHED:
        text = ngettext("{count} not yet matched", "{count} not yet matched", count)
    elif standing is Standing.PAUSED:
        text = ngettext("{count} paused", "{count} paused", count)
    else:
        text = ngettext("{count} left", "{count} left", count)
    return text.format(count=count)


def participants_lines(figures: ProgramFigures) -> list[str]:
    """The total, its exact split, the roles, and those who left (apart: they are not in it)."""
    people = figures.participants
    parts = " · ".join(standing_count(standing, n) for standing, n in people.parts)
    roles = " · ".join(
        _("{role}: {count}").format(role=_(heading), count=people.by_role(r))
        for r, heading in ROLE_HEADINGS.items()
    )
    if people.left:
        total = ngettext(
            "*Participants: {total}* (and {left} left the program)",
            "*Participants: {total}* (and {left} left the program)",
            people.left,
        ).format(total=people.total, left=people.left)
    else:
        total = _("*Participants: {total}*").format(total=people.total)
    return [total, parts, roles]


def period_lines(figures: ProgramFigures) -> list[str]:
    """Pairs, sessions, meet rate, usefulness and tools of the figures' period."""
    meetings, useful = figures.meetings, figures.usefulness
    if figures.since:
        sessions = _("*Sessions this cycle (since {date}):* {sessions}")
    else:
        sessions = _("*Sessions:* {sessions}")
    since = i18n.short_date(figures.since) if figures.since else ""
    rate = (
        _("{rate} ({met} of {prompted} prompted pair-weeks met)").format(
            rate=percent(meetings.meet_rate), met=meetings.met, prompted=meetings.prompted
        )
        if meetings.prompted
        else _("no pair prompted yet")
    )
    roles = ", ".join(
        _(ROLE_RATINGS[role]).format(rating=i18n.decimal(useful.by_role[role], 1))
        for role in ("guide", "learner")
        if role in useful.by_role
    )
    usefulness = (
        ngettext(
            "{mean}/5 from {count} report ({roles})",
            "{mean}/5 from {count} reports ({roles})",
            useful.reports,
        ).format(mean=i18n.decimal(useful.mean, 1), count=useful.reports, roles=roles)
        if useful.mean is not None
        else _("no ratings yet")
    )
    tools = ", ".join(
        _("{tool} ({count})").format(tool=escape(name), count=n)
        for name, n in figures.top_tools(TOP_TOOLS)
    ) or _("none yet")
    return [
        _("*Active pairs:* {count}").format(count=figures.pairs.active),
        sessions.format(date=since, sessions=meetings.sessions),
        _("*Meet rate:* {rate}").format(rate=rate),
        _("*Usefulness:* {usefulness}").format(usefulness=usefulness),
        _("*Sessions covering each tool:* {tools}").format(tools=tools),
    ]


def definition_note(figure: str = "Meet rate") -> str:
    """One figure's definition, for a context line under the figures."""
    return _("{figure}: {definition}").format(
        figure=_(figure), definition=_(dict(DEFINITIONS)[figure])
    )
