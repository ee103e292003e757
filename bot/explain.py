"""The matching engine's why, in words: why a pair was made (`pair_explanation`) and why someone
has no partner (`unmatched_reason`), written when they are shown, in the reader's language.

The engine (`bot.pairing`) and the services keep only values (`pairing.Why`, `pairing.Reason`),
so a French learner on the waitlist reads French whoever proposed the round. Every case is a
whole sentence, written to the person ("you") and about them to HR ("{name}"). The texts are
plain (names and tools as people typed them): the builders escape them where they become mrkdwn,
the CLI prints them as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import _, ngettext
from bot.pairing.model import Reason, Why
from bot.text import tools_phrase


def _tools(tools: Iterable[str]) -> str:
    return tools_phrase(tools, empty="")


def distance(minutes: int) -> str:
    """ "same time zone", "2h apart", "1h30 apart", "45min apart"."""
    if minutes == 0:
        return _("same time zone")
    hours, rest = divmod(minutes, 60)
    if not rest:
        return _("{hours}h apart").format(hours=hours)
    if hours:
        return _("{hours}h{minutes} apart").format(hours=hours, minutes=f"{rest:02d}")
    return _("{minutes}min apart").format(minutes=rest)


def pair_explanation(why: Why) -> str:
    """E.g. "Ana can teach ChatGPT and LinkedIn, which Ben wants to learn; different
    departments; 2h apart" (for HR)."""
    facts = [
        _("{guide} can teach {tools}, which {learner} wants to learn").format(
            guide=why.guide_name, tools=_tools(why.shared_tools), learner=why.learner_name
        )
        if why.shared_tools
        else _(
            "no shared tool yet — start from what {guide} uses every day; the mirror prompts "
            "need none"
        ).format(guide=why.guide_name)
    ]
    if why.departments_differ:
        facts.append(_("different departments"))
    if why.minutes_apart is not None:
        facts.append(distance(why.minutes_apart))
    facts += [_("{name} first in line after waiting last round").format(name=n) for n in why.waited]
    if why.repeat:
        facts.append(
            _("paired before — no other option") if why.repeat_unavoidable else _("paired before")
        )
    text = facts[0]
    for fact in facts[1:]:
        # TRANSLATORS: joins the facts about a pair ("Ana can teach Excel, which Ben wants to
        # learn; different departments; 2h apart").
        text = _("{facts}; {fact}").format(facts=text, fact=fact)
    return text


def unmatched_reason(why: Reason, *, hr: bool) -> str:
    """Why someone has no partner this round: to them, or with `hr` to HR about them."""
    case = _REASONS.get(why.code)
    if case is None:  # a code this version doesn't know: say nothing wrong
        return why.code
    return case(why, hr)


def explanation_or(why: Why | None, stored: str) -> str:
    """A proposed pair's explanation; `stored` (the English sentence) for a proposal stored
    before explanations were kept as values."""
    return pair_explanation(why) if why is not None else stored


def reason_or(why: Reason | None, stored: str, *, hr: bool) -> str:
    """An unmatched person's reason (see `unmatched_reason`); `stored` (the English sentence)
    for a proposal or a notice stored before reasons were kept as values."""
    return unmatched_reason(why, hr=hr) if why is not None else stored


def _no_tools(why: Reason, hr: bool) -> str:
    name = why.name
    if why.role == "guide":
        if hr:
            return _("{name} hasn't listed any tools to teach yet").format(name=name)
        return _("you haven't listed any tools to teach yet")
    if why.role == "learner":
        if hr:
            return _("{name} hasn't listed any tools to learn yet").format(name=name)
        return _("you haven't listed any tools to learn yet")
    if hr:
        return _("{name} hasn't listed any tools to share yet").format(name=name)
    return _("you haven't listed any tools to share yet")


def _reporting_line(why: Reason, hr: bool) -> str:
    if hr:
        return _("every possible partner is in {name}'s reporting line").format(name=why.name)
    return _("every possible partner is in your reporting line")


def _excluded(why: Reason, hr: bool) -> str:
    return _("every possible partner is excluded by a personal exclusion")


def _blocked(why: Reason, hr: bool) -> str:
    if hr:
        return _(
            "every possible partner is in {name}'s reporting line or excluded by a personal "
            "exclusion"
        ).format(name=why.name)
    return _("every possible partner is in your reporting line or excluded by a personal exclusion")


def _no_overlap(why: Reason, hr: bool) -> str:
    name, learns, teaches = why.name, _tools(why.learns), _tools(why.teaches)
    if learns and teaches:
        if hr:
            return _(
                "nobody this round teaches what {name} wants to learn ({learns}) or wants to "
                "learn what {name} teaches ({teaches})"
            ).format(name=name, learns=learns, teaches=teaches)
        return _(
            "nobody this round teaches what you want to learn ({learns}) or wants to learn "
            "what you teach ({teaches})"
        ).format(learns=learns, teaches=teaches)
    if learns:
        if hr:
            return _("no guide this round teaches what {name} wants to learn ({learns})").format(
                name=name, learns=learns
            )
        return _("no guide this round teaches what you want to learn ({learns})").format(
            learns=learns
        )
    if hr:
        return _("no learner this round wants to learn what {name} teaches ({teaches})").format(
            name=name, teaches=teaches
        )
    return _("no learner this round wants to learn what you teach ({teaches})").format(
        teaches=teaches
    )


def _oversubscribed(why: Reason, hr: bool) -> str:
    name, count = why.name, why.count
    if not count:
        if hr:
            return _(
                "more learners than guide places this round, and no guide teaches what {name} "
                "wants to learn ({learns})"
            ).format(name=name, learns=_tools(why.learns))
        return _(
            "more learners than guide places this round, and no guide teaches what you want to "
            "learn ({learns})"
        ).format(learns=_tools(why.learns))
    if hr:
        return ngettext(
            "more learners than guide places this round: the one guide who teaches what {name} "
            "wants is taken",
            "more learners than guide places this round: all {count} guides who teach what "
            "{name} wants are taken",
            count,
        ).format(name=name, count=count)
    return ngettext(
        "more learners than guide places this round: the one guide who teaches what you want "
        "is taken",
        "more learners than guide places this round: all {count} guides who teach what you "
        "want are taken",
        count,
    ).format(count=count)


def _at_capacity(why: Reason, hr: bool) -> str:
    count = why.count
    if hr:
        return ngettext(
            "{name}'s one compatible guide is at capacity this round",
            "all {count} compatible guides are at capacity this round",
            count,
        ).format(name=why.name, count=count)
    return ngettext(
        "your one compatible guide is at capacity this round",
        "all {count} compatible guides are at capacity this round",
        count,
    ).format(count=count)


def _learners_taken(why: Reason, hr: bool) -> str:
    name, count, teaches = why.name, why.count, _tools(why.teaches)
    if not count:
        if hr:
            return _(
                "the learners {name} could guide were paired with other guides, and none wants "
                "to learn what {name} teaches ({teaches})"
            ).format(name=name, teaches=teaches)
        return _(
            "the learners you could guide were paired with other guides, and none wants to "
            "learn what you teach ({teaches})"
        ).format(teaches=teaches)
    if hr:
        return ngettext(
            "the one learner who wants what {name} teaches was paired with another guide",
            "the {count} learners who want what {name} teaches were paired with other guides",
            count,
        ).format(name=name, count=count)
    return ngettext(
        "the one learner who wants what you teach was paired with another guide",
        "the {count} learners who want what you teach were paired with other guides",
        count,
    ).format(count=count)


def _undersubscribed(why: Reason, hr: bool) -> str:
    return _("more guide places than learners this round: {reason}").format(
        reason=_learners_taken(why, hr)
    )


def _paused(why: Reason, hr: bool) -> str:
    if hr:
        return _("{name} is paused at the moment").format(name=why.name)
    return _("you are paused at the moment")


def _left(why: Reason, hr: bool) -> str:
    if hr:
        return _("{name} left the program").format(name=why.name)
    return _("you left the program")


def _in_pair(why: Reason, hr: bool) -> str:
    if hr:
        return _("{name} is still in another pair, with no room for one more").format(name=why.name)
    return _("you are still in another pair, with no room for one more")


def _nobody_waiting(why: Reason, hr: bool) -> str:
    return _("nobody is waiting for a partner right now")


def _no_waiting_partner(why: Reason, hr: bool) -> str:
    """Nobody waiting has the other role (tools are a preference then)."""
    if why.role == "learner":
        return _("nobody waiting for a partner is a guide")
    if why.role == "guide":
        return _("nobody waiting for a partner is a learner")
    return _("nobody waiting for a partner is a guide or a learner")


def _no_waiting_overlap(why: Reason, hr: bool) -> str:
    """Nobody waiting shares a tool with the person (the program requires one)."""
    name = why.name
    wants = tools_phrase(why.learns) if why.role != "guide" else ""
    offers = tools_phrase(why.teaches) if why.role != "learner" else ""
    if wants and offers:
        if hr:
            return _(
                "nobody waiting for a partner teaches what {name} wants to learn ({wants}) or "
                "wants to learn what {name} teaches ({offers})"
            ).format(name=name, wants=wants, offers=offers)
        return _(
            "nobody waiting for a partner teaches what you want to learn ({wants}) or "
            "wants to learn what you teach ({offers})"
        ).format(wants=wants, offers=offers)
    if wants:
        if hr:
            return _(
                "nobody waiting for a partner teaches what {name} wants to learn ({wants})"
            ).format(name=name, wants=wants)
        return _("nobody waiting for a partner teaches what you want to learn ({wants})").format(
            wants=wants
        )
    if hr:
        return _(
            "nobody waiting for a partner wants to learn what {name} teaches ({offers})"
        ).format(name=name, offers=offers)
    return _("nobody waiting for a partner wants to learn what you teach ({offers})").format(
        offers=offers
    )


_REASONS = {
    "no_tools": _no_tools,
    "reporting_line": _reporting_line,
    "excluded": _excluded,
    "blocked": _blocked,
    "no_overlap": _no_overlap,
    "oversubscribed": _oversubscribed,
    "at_capacity": _at_capacity,
    "learners_taken": _learners_taken,
    "undersubscribed": _undersubscribed,
    "paused": _paused,
    "left": _left,
    "in_pair": _in_pair,
    "nobody_waiting": _nobody_waiting,
    "no_waiting_partner": _no_waiting_partner,
    "no_waiting_overlap": _no_waiting_overlap,
}
