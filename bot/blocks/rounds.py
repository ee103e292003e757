"""Messages of a pairing round: the admin's proposal, the introduction, the announcement, the
waitlist DM, the end-of-cycle question, and the answers to admins' pairing commands.

Privacy: nothing here shows goals, managers or HR notes. The announcement names the new pairs
only; the introduction shows each person's role, tools and time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ConfirmObject, DividerBlock, HeaderBlock

from bot.blocks.kit import MAX_LIST_SECTIONS, button, context, escape, mention, pack, say, section
from bot.blocks.message import Message
from bot.i18n import long_date
from bot.ids import ActionId, BlockId
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
    people typed ("Ana can teach …"): they are stored with the round and printed by the CLI as
    they are, so they are escaped here, whole, where they become mrkdwn."""
    pairs = [
        f"• {mention(p.guide)} → {mention(p.learner)}: {escape(p.explanation)}"
        + (" _(paired before)_" if p.repeat and "paired before" not in p.explanation else "")
        for p in proposal.pairs
    ]
    unmatched = [f"• {mention(u.user_id)}: {escape(u.hr_reason)}" for u in proposal.unmatched]
    return pairs, unmatched


def proposal_message(notice: ProposalNotice) -> Message:
    """Every proposed pair with its explanation, the unmatched with reasons, Approve / Discard."""
    proposal, automatic = notice.proposal, notice.automatic
    pair_lines, unmatched_lines = proposal_lines(proposal)
    n_pairs, n_unmatched = len(pair_lines), len(unmatched_lines)
    heading = (
        f"The cycle ended, so here is the next round: {n_pairs} pair(s)"
        if automatic
        else f"Proposed round: {n_pairs} pair(s)"
    )
    summary = (
        f"{heading}, {n_unmatched} person(s) without a partner. Pairs stay together for "
        f"{proposal.cycle_weeks} weeks. Nothing is sent until you approve."
    )
    confirm = (
        f"{n_pairs} pair(s) will be introduced in group DMs and {n_unmatched} person(s) told "
        "they're on the waitlist."
    )
    if proposal.replaced is not None:
        summary = _repair_summary(proposal, n_pairs, n_unmatched)
        confirm = f"Their pair ends (both are told kindly, nobody is blamed). {confirm}"
    blocks: list[Block] = [HeaderBlock(text="Pairing proposal"), section(f"*{summary}*")]
    sections: list[str] = []
    if pair_lines:
        sections += pack(["*Pairs*", *pair_lines])
    else:
        sections.append("*Pairs*\nNobody can be paired right now.")
    if unmatched_lines:
        sections += pack(
            ["*Without a partner (they'll be told and go first next time)*"] + unmatched_lines
        )
    shown = sections[:MAX_LIST_SECTIONS]
    blocks += [section(text) for text in shown]
    if len(sections) > len(shown):
        blocks.append(
            context(
                "The list is too long for one message: run `rotnem pair --dry-run` on the "
                "server to see all of it."
            )
        )
    if not proposal.proven_optimal:
        blocks.append(
            context("The search stopped at its time budget; this is the best answer it found.")
        )
    value = str(proposal.round_id)
    blocks.append(
        ActionsBlock(
            block_id=BlockId.ROUND_DECISION,
            elements=[
                button(
                    "Approve and introduce",
                    ActionId.ROUND_APPROVE,
                    value,
                    style="primary",
                    confirm=ConfirmObject(
                        title="Approve this round?", text=confirm, confirm="Approve", deny="Not yet"
                    ),
                ),
                button("Discard", ActionId.ROUND_DISCARD, value),
            ],
        )
    )
    text_lines = [summary, *pair_lines, *unmatched_lines]
    return Message(text="\n".join(text_lines)[:3900], blocks=blocks)


def _repair_summary(proposal: Proposal, n_pairs: int, n_unmatched: int) -> str:
    replaced = proposal.replaced
    assert replaced is not None
    return (
        f"Re-pair after “Not a good fit”: {mention(replaced.guide)} and "
        f"{mention(replaced.learner)}. {n_pairs} new pair(s), {n_unmatched} person(s) without a "
        "partner. Approving ends their pair kindly (both are told in neutral words); the new "
        f"pairs run until {long_date(replaced.ends_on)}. Nothing is sent until you approve."
    )


def approved_message(approval: Approval, approver: str | None) -> Message:
    """What replaces the proposal once it is approved (so it can't be clicked again)."""
    by = f" by {mention(approver)}" if approver else ""
    lines = [
        f"✅ Round approved{by}: {len(approval.pairs)} pair(s) introduced, "
        f"{len(approval.waitlisted)} person(s) on the waitlist. The cycle runs until "
        f"{long_date(approval.ends_on)}."
    ]
    if approval.dropped:
        lines.append("*Not created, because things changed since the proposal:*")
        lines += [
            f"• {mention(d.guide)} → {mention(d.learner)}: {escape(d.reason)}"
            for d in approval.dropped
        ]
    blocks: list[Block] = [section(text) for text in pack(lines)[:MAX_LIST_SECTIONS]]
    return Message(text="\n".join(lines)[:3900], blocks=blocks)


def discarded_message(actor: str | None) -> Message:
    by = f" by {mention(actor)}" if actor else ""
    return say(f"🗑️ Proposal discarded{by}. Nobody was told anything.")


def computing_message() -> Message:
    return Message(text="Working out the best pairs… the proposal follows in a moment.")


# ---- the introduction (in the pair's group DM) ---------------------------------------------------


def zone_label(person: IntroPerson) -> str:
    return f"{person.tz} ({offset_label(person.utc_offset_minutes)})"


KICKOFF = (
    "*How this works*\n"
    "• The guide proposes the first 30-minute session within a week.\n"
    "• Then meet every week or two, for as long as the cycle lasts.\n"
    "• What you say stays between the two of you.\n"
    "• Either of you can ask HR privately for a change, at any time."
)


def intro_message(notice: IntroNotice) -> Message:
    """The group-DM introduction, with the "We've scheduled our first session" button."""
    guide, learner, shared_tools = notice.guide, notice.learner, notice.shared_tools
    g, lrn = mention(guide.user_id), mention(learner.user_id)
    first = escape(shared_tools[0]) if shared_tools else None
    teaches, learns = escape(tools_phrase(guide.teaches)), escape(tools_phrase(learner.learns))
    guide_line = f"*{g} is the guide* — can teach {teaches}."
    learner_line = f"*{lrn} is the learner* — wants to learn {learns}."
    if learner.share:
        learner_line += f" Happy to share: {escape(learner.share)}."
    zones = f"🕒 {g}: {zone_label(guide)} · {lrn}: {zone_label(learner)}"
    if first:
        suggestion = (
            f'💡 *A first "teach me a tool" idea:* {first} — {lrn}, bring one real task you\'d '
            f"like to do with it, and {g} shows you how."
        )
    elif guide.teaches:
        # paired without a shared tool: the guide's everyday tools are the starting point
        suggestion = (
            f"💡 *No shared tool yet — start from what {g} uses every day:* {g}, show {lrn} "
            f"how you get a real task done with {teaches}; {lrn}, say what would help you most. "
            'The "reverse the mirror" weeks need no tool at all.'
        )
    else:
        suggestion = "💡 *A first idea:* pick one everyday task and do it together with a new tool."
    blocks: list[Block] = [
        section(f"👋 {g}, meet {lrn}! You're paired for this cycle of reverse mentoring."),
        section(f"{guide_line}\n{learner_line}"),
        context(zones),
        DividerBlock(),
        section(KICKOFF),
        section(suggestion),
        ActionsBlock(
            block_id=BlockId.INTRO_ACTIONS,
            elements=[
                button(
                    "We've scheduled our first session",
                    ActionId.FIRST_SESSION_SCHEDULED,
                    str(notice.pair_id),
                    style="primary",
                )
            ],
        ),
    ]
    text = (
        f"{g}, meet {lrn}! {g} is the guide (teaches {teaches}), {lrn} is the learner (wants to "
        f"learn {learns}). The guide proposes the first 30-minute session within a week."
    )
    return Message(text=text, blocks=blocks)


def first_session_recorded(
    original_blocks: Sequence[Mapping[str, Any]], user_id: str
) -> list[dict[str, Any]]:
    """The introduction's blocks with the button replaced by who recorded the first session."""
    kept = [dict(b) for b in original_blocks if b.get("block_id") != BlockId.INTRO_ACTIONS]
    kept.append(
        context(f"✅ First session scheduled — recorded by {mention(user_id)}. Enjoy!").to_dict()
    )
    return kept


FIRST_SESSION_ALREADY = "Your first session was already recorded. Enjoy it!"


# ---- the program channel, the waitlist -----------------------------------------------------------


def announcement_message(notice: AnnouncementNotice) -> Message:
    """Celebrating the new pairs in the program channel: names only, nothing private."""
    pairs, cycle_weeks = notice.pairs, notice.cycle_weeks
    lines = [f"• {mention(g)} guides {mention(lrn)}" for g, lrn in pairs]
    head = (
        f"🎉 *{len(pairs)} new reverse-mentoring pair(s) start today!* "
        f"They'll meet over the next {cycle_weeks} weeks. Welcome aboard:"
    )
    blocks: list[Block] = [section(head)]
    chunks = pack(lines)
    blocks += [section(text) for text in chunks[:MAX_LIST_SECTIONS]]
    if len(chunks) > MAX_LIST_SECTIONS:
        blocks.append(context("…and more. Welcome, everyone!"))
    text = f"{len(pairs)} new reverse-mentoring pairs start today! " + ", ".join(
        f"{mention(g)} and {mention(lrn)}" for g, lrn in pairs
    )
    return Message(text=text[:3900], blocks=blocks)


def waitlist_message(notice: WaitlistNotice) -> Message:
    text = (
        "This round I couldn't find you a partner, so you're on the waitlist — and first in "
        f"line next round. (Why: {escape(notice.reason)}.) Nothing to do on your side; you'll hear "
        "from me as soon as you're paired."
    )
    return Message(text=text, blocks=[section(f"⏳ {text}")])


def pair_ended_message(notice: PairEndedNotice) -> Message:
    partner = mention(notice.partner)
    thanks = "Thank you for the time you spent together!"
    if notice.why == "left":
        text = (
            f"{partner} has left the program, so your pair has ended. {thanks} You're first in "
            "line for the next round."
        )
    elif notice.why == "deactivated":
        # Slack says only that the account was closed: no guess at why, nothing about the person.
        text = (
            f"{partner} is no longer part of the workspace, so your pair has ended. {thanks} "
            "Nothing for you to do: you're first in line for the next round."
        )
    elif notice.why == "unpaired":
        text = (
            f"Your pairing with {partner} has ended (changed by HR). {thanks} You'll be "
            "considered in the next round."
        )
    elif notice.why == "not_a_fit":
        text = (
            f"Your pairing with {partner} ends here: HR is giving you both a fresh start with "
            "someone new. Sometimes two ways of working just don't line up — that's nobody's "
            f"fault. {thanks} Your new introduction follows, or a note if you're first in line "
            "for the next round."
        )
    elif notice.why == "partner_ended":
        text = (
            f"Your pairing with {partner} has ended. {thanks} You'll be considered in the next "
            "round."
        )
    else:
        text = f"Your pairing with {partner} has ended (the cycle ended). Thank you!"
    return say(text)


# ---- the end of a cycle --------------------------------------------------------------------------


def cycle_end_message(notice: CycleEndNotice) -> Message:
    who = tools_phrase(mention(p) for p in notice.partners)
    text = (
        f"🙏 This reverse-mentoring cycle has ended — thank you for the time you and {who} gave "
        "it! Would you like to continue into the next cycle?"
    )
    value = str(notice.round_id)
    blocks: list[Block] = [
        section(text),
        ActionsBlock(
            block_id=BlockId.CYCLE_END_ACTIONS,
            elements=[
                button("Yes, pair me again", ActionId.CYCLE_CONTINUE, value, style="primary"),
                button(f"Take a break ({notice.cycle_weeks} weeks)", ActionId.CYCLE_BREAK, value),
            ],
        ),
    ]
    return Message(text=text, blocks=blocks)


def continue_answer(user_id: str) -> Message:
    return say("🙌 Great — you're in the next round. You'll hear from me when you're paired.")


def break_answer(resume_on: date) -> Message:
    return say(
        f"😌 Enjoy the break! You're paused until {long_date(resume_on)} and won't be paired "
        "until then. Use Resume on my Home tab to come back earlier."
    )


# ---- admin commands ------------------------------------------------------------------------------

PAIR_EXAMPLE = "admin pair @guide @learner"
UNPAIR_EXAMPLE = "admin unpair @person"


def usage_message(command: str, problem: str, example: str) -> Message:
    """`problem`: a plain sentence, which may quote what the admin typed."""
    return say(f"{escape(problem)}\nFor example: `{command} {example}`")


def manual_pair_message(result: ManualPair) -> Message:
    pair = result.pair
    repeat = " They were paired before." if result.repeat else ""
    return say(
        f"✅ Paired {mention(pair.guide)} (guide) with {mention(pair.learner)} (learner) until "
        f"{long_date(result.ends_on)}. Their introduction is on its way.{repeat}"
    )


def unpaired_message(ended: Sequence[EndedPair]) -> Message:
    lines = [f"• {mention(e.guide)} → {mention(e.learner)}" for e in ended]
    return say("Ended (both were told privately):\n" + "\n".join(lines))


def refusal_message(reason: str) -> Message:
    """`reason`: a refusal's plain sentence, which may quote display names and tools."""
    return say(f"❌ {escape(reason)}")
