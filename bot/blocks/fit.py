"""Pair fit: the private "How is the fit?" DM and its answer, HR's alert about a "Not a good fit"
with Re-pair / Keep the pair, and what HR is told after a click.

Privacy: a person's answer shows only in their own DM and in HR's alert; the partner never sees
it, nor who said it or why.
"""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ConfirmObject

from bot.blocks.kit import button, context, escape, mention, say, section
from bot.blocks.message import Message
from bot.ids import ActionId, BlockId
from bot.services.fit import FitAlert, FitNotice, FitView, Repair

ANSWERS = {
    "good": ("👍 Good fit", ActionId.FIT_GOOD),
    "deciding": ("🤔 Still deciding", ActionId.FIT_DECIDING),
    "bad": ("👎 Not a good fit", ActionId.FIT_BAD),
}
ANSWER_OF_ACTION = {action: answer for answer, (_, action) in ANSWERS.items()}


def _fit(fit_id: int, partner: str, answer: str | None) -> Message:
    lead = f"You've had your first session with {mention(partner)} — how is the fit?"
    blocks: list[Block] = [section(lead)]
    text = lead
    if answer is not None:
        label = ANSWERS.get(answer, (answer, ""))[0]
        chosen = f"You answered: *{label}*. You can change it here until HR follows up."
        blocks.append(section(chosen))
        text += " " + chosen.replace("*", "")
    blocks += [
        ActionsBlock(
            block_id=BlockId.FIT_ACTIONS,
            elements=[
                button(label, action, str(fit_id), style="primary" if value == answer else None)
                for value, (label, action) in ANSWERS.items()
            ],
        ),
        context(
            f"Private: {mention(partner)} never sees your answer. “Not a good fit” goes to HR "
            "only, who may suggest a new partner."
        ),
    ]
    return Message(text=text, blocks=blocks)


def fit_message(notice: FitNotice) -> Message:
    """The DM to one person after their pair's first reported session."""
    return _fit(notice.fit_id, notice.partner, None)


def fit_answered_message(view: FitView) -> Message:
    """The same DM after an answer: what was chosen, still changeable."""
    return _fit(view.fit_id, view.partner, view.answer)


def fit_saved_answer(answer: str) -> str:
    """What the person is told below the message after their click."""
    if answer == "bad":
        return (
            "Thanks for saying so — HR will follow up with you privately. Your partner isn't told."
        )
    return "Thanks — noted. Only you and HR see it."


def fit_alert_message(alert: FitAlert) -> Message:
    """To each HR admin: a pair someone finds not a good fit, with Re-pair / Keep the pair."""
    guide, learner = mention(alert.guide), mention(alert.learner)
    text = (
        f"🧩 {mention(alert.said_by)} answered “Not a good fit” after the first session of "
        f"their pair: {guide} (guide) and {learner} (learner)."
    )
    blocks: list[Block] = [section(text)]
    if alert.handled_by is None:
        blocks.append(
            ActionsBlock(
                block_id=BlockId.FIT_HR_ACTIONS,
                elements=[
                    button(
                        "Re-pair",
                        ActionId.FIT_REPAIR,
                        str(alert.pair_id),
                        style="primary",
                        confirm=ConfirmObject(
                            title="Propose new partners?",
                            text="I'll propose a new partner for each of them from the people "
                            "waiting for one. Nothing changes until you approve that proposal.",
                            confirm="Propose",
                            deny="Not yet",
                        ),
                    ),
                    button("Keep the pair", ActionId.FIT_KEEP, str(alert.pair_id)),
                ],
            )
        )
    elif alert.handling == "repair":
        blocks.append(
            context(f"✅ {mention(alert.handled_by)} asked for a re-pair (proposal in your DMs).")
        )
    else:
        blocks.append(context(f"✅ {mention(alert.handled_by)} kept the pair as it is."))
    blocks.append(
        context("Only HR admins get this message; the partner is never told who said it or why.")
    )
    return Message(text=text, blocks=blocks)


def repair_answer(repair: Repair) -> Message:
    """To the admin who clicked Re-pair: what the proposal holds, and why someone has no one."""
    proposal = repair.proposal
    unmatched = [f"• {mention(u.user_id)}: {escape(u.hr_reason)}" for u in proposal.unmatched]
    if not proposal.pairs:
        lines = [
            "Nobody can be re-paired right now:",
            *unmatched,
            "Approving the proposal in your DMs ends their pair and puts both on the waitlist; "
            "Discard it to keep the pair.",
        ]
    else:
        lines = [
            f"The re-pair proposal is in your DMs: {len(proposal.pairs)} new pair(s). Nothing "
            "changes until you approve it."
        ]
        if unmatched:
            lines += ["Without a new partner (they'd go to the waitlist):", *unmatched]
    return say("\n".join(lines))


def keep_answer() -> Message:
    return say("Done: the pair goes on, and nobody is told anything.")
