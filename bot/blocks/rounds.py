"""Messages of a pairing round: the admin's proposal, the introduction, the announcement, the
waitlist DM, the end-of-cycle question, and the answers to admins' pairing commands.

Privacy: nothing here shows goals, managers or HR notes. The announcement names the new pairs
only; the introduction shows each person's role, tools and time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock, HeaderBlock

from bot.blocks.kit import (
    MAX_LIST_SECTIONS,
    ask_first,
    button,
    context,
    escape,
    mention,
    pack,
    say,
    section,
)
from bot.blocks.message import Message
from bot.blocks.wording import worded
from bot.explain import explanation_or, reason_or
from bot.i18n import N_, _, long_date, ngettext
from bot.ids import ActionId, BlockId
from bot.services.enrollment.lifecycle import cycle_break_weeks
from bot.services.rounds.approve import (
    AnnouncementNotice,
    Approval,
    IntroNotice,
    IntroPerson,
    WaitlistNotice,
)
from bot.services.rounds.cycles import CycleEndNotice
from bot.services.rounds.ending import PairEndedNotice
from bot.services.rounds.manual import EndedPair, ManualPair
from bot.services.rounds.propose import Proposal, ProposalNotice
from bot.text import tools_phrase


def offset_label(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


# ---- the proposal (for HR admins) ----------------------------------------------------------------


def proposal_lines(proposal: Proposal) -> tuple[list[str], list[str]]:
    """One line per proposed pair, one per unmatched person (mrkdwn, with mentions).

    The engine's explanations and reasons are plain sentences quoting display names and tools
    people typed ("Ana can teach …"), written here in the reader's language (or as a proposal
    stored before that kept them, in English): they are escaped whole, where they become mrkdwn."""
    pairs: list[str] = []
    for p in proposal.pairs:
        explanation = explanation_or(p.why, p.explanation)
        says_repeat = p.why.repeat if p.why is not None else "paired before" in p.explanation
        pairs.append(
            (
                _("• {guide} → {learner}: {explanation} _(paired before)_")
                if p.repeat and not says_repeat
                else _("• {guide} → {learner}: {explanation}")
            ).format(
                guide=mention(p.guide), learner=mention(p.learner), explanation=escape(explanation)
            )
        )
    unmatched = [
        _("• {person}: {reason}").format(
            person=mention(u.user_id), reason=escape(reason_or(u.why, u.hr_reason, hr=True))
        )
        for u in proposal.unmatched
    ]
    return pairs, unmatched


def _pairs(count: int) -> str:
    return ngettext("{count} pair", "{count} pairs", count).format(count=count)


def proposal_message(notice: ProposalNotice) -> Message:
    """Every proposed pair with its explanation, the unmatched with reasons, Approve / Discard."""
    proposal, automatic = notice.proposal, notice.automatic
    pair_lines, unmatched_lines = proposal_lines(proposal)
    n_pairs, n_unmatched = len(pair_lines), len(unmatched_lines)
    weeks = proposal.cycle_weeks
    without = ngettext(
        "{count} person without a partner", "{count} people without a partner", n_unmatched
    ).format(count=n_unmatched)
    stay = ngettext(
        "Pairs stay together for {weeks} week.", "Pairs stay together for {weeks} weeks.", weeks
    ).format(weeks=weeks)
    if automatic:
        summary = _(
            "The cycle ended, so here is the next round: {pairs}, {without}. {stay} Nothing is "
            "sent until you approve."
        ).format(pairs=_pairs(n_pairs), without=without, stay=stay)
    else:
        summary = _(
            "Proposed round: {pairs}, {without}. {stay} Nothing is sent until you approve."
        ).format(pairs=_pairs(n_pairs), without=without, stay=stay)
    told = ngettext(
        "{count} person told they're on the waitlist.",
        "{count} people told they're on the waitlist.",
        n_unmatched,
    ).format(count=n_unmatched)
    confirm = ngettext(
        "{count} pair will be introduced in a group DM and {told}",
        "{count} pairs will be introduced in group DMs and {told}",
        n_pairs,
    ).format(count=n_pairs, told=told)
    if proposal.replaced is not None:
        summary = _repair_summary(proposal, n_pairs, n_unmatched)
        confirm = _("Their pair ends (both are told kindly, nobody is blamed). {confirm}").format(
            confirm=confirm
        )
    blocks: list[Block] = [HeaderBlock(text=_("Pairing proposal")), section(f"*{summary}*")]
    sections: list[str] = []
    if pair_lines:
        sections += pack([_("*Pairs*"), *pair_lines])
    else:
        sections.append(_("*Pairs*\nNobody can be paired right now."))
    if unmatched_lines:
        sections += pack(
            [_("*Without a partner (they'll be told and go first next time)*")] + unmatched_lines
        )
    shown = sections[:MAX_LIST_SECTIONS]
    blocks += [section(text) for text in shown]
    if len(sections) > len(shown):
        blocks.append(
            context(
                _(
                    "The list is too long for one message: run `rotnem pair --dry-run` on the "
                    "server to see all of it."
                )
            )
        )
    if not proposal.proven_optimal:
        blocks.append(
            context(_("The search stopped at its time budget; this is the best answer it found."))
        )
    value = str(proposal.round_id)
    blocks.append(
        ActionsBlock(
            block_id=BlockId.ROUND_DECISION,
            elements=[
                button(
                    _("Approve and introduce"),
                    ActionId.ROUND_APPROVE,
                    value,
                    style="primary",
                    confirm=ask_first(
                        _("Approve this round?"), confirm, _("Approve"), _("Not yet")
                    ),
                ),
                button(_("Discard"), ActionId.ROUND_DISCARD, value),
            ],
        )
    )
    text_lines = [summary, *pair_lines, *unmatched_lines]
    return Message(text="\n".join(text_lines)[:3900], blocks=blocks)


def _repair_summary(proposal: Proposal, n_pairs: int, n_unmatched: int) -> str:
    replaced = proposal.replaced
    assert replaced is not None
    new_pairs = ngettext("{count} new pair", "{count} new pairs", n_pairs).format(count=n_pairs)
    without = ngettext(
        "{count} person without a partner", "{count} people without a partner", n_unmatched
    ).format(count=n_unmatched)
    return _(
        "Re-pair after “Not a good fit”: {guide} and {learner}. {new_pairs}, {without}. "
        "Approving ends their pair kindly (both are told in neutral words); the new pairs run "
        "until {ends_on}. Nothing is sent until you approve."
    ).format(
        guide=mention(replaced.guide),
        learner=mention(replaced.learner),
        new_pairs=new_pairs,
        without=without,
        ends_on=long_date(replaced.ends_on),
    )


def approved_message(approval: Approval, approver: str | None) -> Message:
    """What replaces the proposal once it is approved (so it can't be clicked again)."""
    introduced = ngettext(
        "{count} pair introduced", "{count} pairs introduced", len(approval.pairs)
    ).format(count=len(approval.pairs))
    waiting = ngettext(
        "{count} person on the waitlist", "{count} people on the waitlist", len(approval.waitlisted)
    ).format(count=len(approval.waitlisted))
    ends_on = long_date(approval.ends_on)
    if approver:
        head = _(
            "✅ Round approved by {approver}: {introduced}, {waiting}. The cycle runs until "
            "{ends_on}."
        ).format(
            approver=mention(approver), introduced=introduced, waiting=waiting, ends_on=ends_on
        )
    else:
        head = _(
            "✅ Round approved: {introduced}, {waiting}. The cycle runs until {ends_on}."
        ).format(introduced=introduced, waiting=waiting, ends_on=ends_on)
    lines = [head]
    if approval.dropped:
        lines.append(_("*Not created, because things changed since the proposal:*"))
        lines += [
            _("• {guide} → {learner}: {reason}").format(
                guide=mention(d.guide), learner=mention(d.learner), reason=escape(d.reason)
            )
            for d in approval.dropped
        ]
    blocks: list[Block] = [section(text) for text in pack(lines)[:MAX_LIST_SECTIONS]]
    return Message(text="\n".join(lines)[:3900], blocks=blocks)


def discarded_message(actor: str | None) -> Message:
    if actor:
        return say(
            _("🗑️ Proposal discarded by {actor}. Nobody was told anything.").format(
                actor=mention(actor)
            )
        )
    return say(_("🗑️ Proposal discarded. Nobody was told anything."))


def computing_message() -> Message:
    return Message(text=_("Working out the best pairs… the proposal follows in a moment."))


# ---- the introduction (in the pair's group DM) ---------------------------------------------------


def ends_on_text(ends_on: date | None) -> str:
    """The cycle's last day, for HR's wording (a notice queued before it knew: in words)."""
    return long_date(ends_on) if ends_on is not None else _("the end of the cycle")


def zone_label(person: IntroPerson) -> str:
    return f"{person.tz} ({offset_label(person.utc_offset_minutes)})"


def intro_message(notice: IntroNotice) -> Message:
    """The group-DM introduction, with the "We've scheduled our first session" button."""
    guide, learner, shared_tools = notice.guide, notice.learner, notice.shared_tools
    g, lrn = mention(guide.user_id), mention(learner.user_id)
    first = escape(shared_tools[0]) if shared_tools else None
    teaches, learns = escape(tools_phrase(guide.teaches)), escape(tools_phrase(learner.learns))
    guide_line = _("*{guide} is the guide* — can teach {teaches}.").format(guide=g, teaches=teaches)
    if learner.share:
        learner_line = _(
            "*{learner} is the learner* — wants to learn {learns}. Happy to share: {share}."
        ).format(learner=lrn, learns=learns, share=escape(learner.share))
    else:
        learner_line = _("*{learner} is the learner* — wants to learn {learns}.").format(
            learner=lrn, learns=learns
        )
    zones = _("🕒 {guide}: {guide_zone} · {learner}: {learner_zone}").format(
        guide=g, guide_zone=zone_label(guide), learner=lrn, learner_zone=zone_label(learner)
    )
    if first:
        suggestion = _(
            '💡 *A first "teach me a tool" idea:* {tool} — {learner}, bring one real task you\'d '
            "like to do with it, and {guide} shows you how."
        ).format(tool=first, learner=lrn, guide=g)
    elif guide.teaches:
        # paired without a shared tool: the guide's everyday tools are the starting point
        suggestion = _(
            "💡 *No shared tool yet — start from what {guide} uses every day:* {guide}, show "
            "{learner} how you get a real task done with {teaches}; {learner}, say what would "
            'help you most. The "reverse the mirror" weeks need no tool at all.'
        ).format(guide=g, learner=lrn, teaches=teaches)
    else:
        suggestion = _(
            "💡 *A first idea:* pick one everyday task and do it together with a new tool."
        )
    blocks: list[Block] = [
        section(
            worded(
                "intro",
                guide=g,
                learner=lrn,
                teaches=teaches,
                learns=learns,
                ends_on=ends_on_text(notice.ends_on),
            )
        ),
        section(f"{guide_line}\n{learner_line}"),
        context(zones),
        DividerBlock(),
        section(worded("kickoff", variant=notice.template, guide=g, learner=lrn)),
        section(suggestion),
        ActionsBlock(
            block_id=BlockId.INTRO_ACTIONS,
            elements=[
                button(
                    _("We've scheduled our first session"),
                    ActionId.FIRST_SESSION_SCHEDULED,
                    str(notice.pair_id),
                    style="primary",
                )
            ],
        ),
    ]
    text = _(
        "{guide}, meet {learner}! {guide} is the guide (teaches {teaches}), {learner} is the "
        "learner (wants to learn {learns}). The guide proposes the first 30-minute session "
        "within a week."
    ).format(guide=g, learner=lrn, teaches=teaches, learns=learns)
    return Message(text=text, blocks=blocks)


def first_session_recorded(
    original_blocks: Sequence[Mapping[str, Any]], user_id: str
) -> list[dict[str, Any]]:
    """The introduction's blocks with the button replaced by who recorded the first session."""
    kept = [dict(b) for b in original_blocks if b.get("block_id") != BlockId.INTRO_ACTIONS]
    kept.append(
        context(
            _("✅ First session scheduled — recorded by {person}. Enjoy!").format(
                person=mention(user_id)
            )
        ).to_dict()
    )
    return kept


FIRST_SESSION_ALREADY = N_("Your first session was already recorded. Enjoy it!")


# ---- the program channel, the waitlist -----------------------------------------------------------


def announcement_message(notice: AnnouncementNotice) -> Message:
    """Celebrating the new pairs in the program's channel: names only, nothing private."""
    pairs, cycle_weeks = notice.pairs, notice.cycle_weeks
    lines = [
        _("• {guide} guides {learner}").format(guide=mention(g), learner=mention(lrn))
        for g, lrn in pairs
    ]
    count = len(pairs)
    head = worded(
        "announcement", count=count, cycle_weeks=cycle_weeks, ends_on=ends_on_text(notice.ends_on)
    )
    blocks: list[Block] = [section(head)]
    chunks = pack(lines)
    blocks += [section(text) for text in chunks[:MAX_LIST_SECTIONS]]
    if len(chunks) > MAX_LIST_SECTIONS:
        blocks.append(context(_("…and more. Welcome, everyone!")))
    names = ", ".join(
        _("{guide} and {learner}").format(guide=mention(g), learner=mention(lrn))
        for g, lrn in pairs
    )
    text = ngettext(
        "{count} new reverse-mentoring pair starts today! {names}",
        "{count} new reverse-mentoring pairs start today! {names}",
        count,
    ).format(count=count, names=names)
    return Message(text=text[:3900], blocks=blocks)


def waitlist_message(notice: WaitlistNotice) -> Message:
    text = worded(
        "waitlist",
        reason=(
            _("your proposed partner is no longer available")
            if notice.partner_unavailable
            else escape(reason_or(notice.why, notice.reason, hr=False))
        ),
    )
    return Message(text=text, blocks=[section(text)])


def pair_ended_message(notice: PairEndedNotice) -> Message:
    partner = mention(notice.partner)
    if notice.why == "left":
        text = _(
            "{partner} has left the program, so your pair has ended. Thank you for the time you "
            "spent together! You're first in line for the next round."
        )
    elif notice.why == "deactivated":
        # Slack says only that the account was closed: no guess at why, nothing about the person.
        text = _(
            "{partner} is no longer part of the workspace, so your pair has ended. Thank you for "
            "the time you spent together! Nothing for you to do: you're first in line for the "
            "next round."
        )
    elif notice.why == "unpaired":
        text = _(
            "Your pairing with {partner} has ended (changed by HR). Thank you for the time you "
            "spent together! You'll be considered in the next round."
        )
    elif notice.why == "not_a_fit":
        text = _(
            "Your pairing with {partner} ends here: HR is giving you both a fresh start with "
            "someone new. Sometimes two ways of working just don't line up — that's nobody's "
            "fault. Thank you for the time you spent together! Your new introduction follows, or "
            "a note if you're first in line for the next round."
        )
    elif notice.why == "partner_ended":
        text = _(
            "Your pairing with {partner} has ended. Thank you for the time you spent together! "
            "You'll be considered in the next round."
        )
    else:
        text = _("Your pairing with {partner} has ended (the cycle ended). Thank you!")
    return say(text.format(partner=partner))


# ---- the end of a cycle --------------------------------------------------------------------------


def cycle_end_message(notice: CycleEndNotice) -> Message:
    who = tools_phrase(mention(p) for p in notice.partners)
    text = worded("cycle_end", partners=who)
    value = str(notice.round_id)
    weeks = cycle_break_weeks(notice.cycle_weeks)
    blocks: list[Block] = [
        section(text),
        ActionsBlock(
            block_id=BlockId.CYCLE_END_ACTIONS,
            elements=[
                button(_("Yes, pair me again"), ActionId.CYCLE_CONTINUE, value, style="primary"),
                button(
                    ngettext(
                        "Take a break ({weeks} week)", "Take a break ({weeks} weeks)", weeks
                    ).format(weeks=weeks),
                    ActionId.CYCLE_BREAK,
                    value,
                ),
            ],
        ),
    ]
    return Message(text=text, blocks=blocks)


def continue_answer(user_id: str) -> Message:
    return say(_("🙌 Great — you're in the next round. You'll hear from me when you're paired."))


def break_answer(resume_on: date) -> Message:
    return say(
        _(
            "😌 Enjoy the break! You're paused until {resume_on} and won't be paired until then. "
            "Use Resume on my Home tab to come back earlier."
        ).format(resume_on=long_date(resume_on))
    )


# ---- admin commands ------------------------------------------------------------------------------

PAIR_EXAMPLE = "admin pair @guide @learner"
UNPAIR_EXAMPLE = "admin unpair @person"


def usage_message(command: str, problem: str, example: str) -> Message:
    """`problem`: a plain sentence, which may quote what the admin typed."""
    return say(
        _("{problem}\nFor example: `{command} {example}`").format(
            problem=escape(problem), command=command, example=example
        )
    )


def manual_pair_message(result: ManualPair) -> Message:
    pair = result.pair
    if result.repeat:
        text = _(
            "✅ Paired {guide} (guide) with {learner} (learner) until {ends_on}. Their "
            "introduction is on its way. They were paired before."
        )
    else:
        text = _(
            "✅ Paired {guide} (guide) with {learner} (learner) until {ends_on}. Their "
            "introduction is on its way."
        )
    return say(
        text.format(
            guide=mention(pair.guide),
            learner=mention(pair.learner),
            ends_on=long_date(result.ends_on),
        )
    )


def unpaired_message(ended: Sequence[EndedPair]) -> Message:
    lines = [f"• {mention(e.guide)} → {mention(e.learner)}" for e in ended]
    return say(_("Ended (both were told privately):") + "\n" + "\n".join(lines))


def refusal_message(reason: str) -> Message:
    """`reason`: a refusal's plain sentence, which may quote display names and tools."""
    return say(f"❌ {escape(reason)}")
