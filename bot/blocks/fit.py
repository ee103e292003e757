"""Pair fit: the private "How is the fit?" DM and its answer, HR's alert about a "Not a good fit"
with Re-pair / Keep the pair, and what HR is told after a click.

Privacy: a person's answer shows only in their own DM and in HR's alert; the partner never sees
it, nor who said it or why.
"""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.blocks.kit import ask_first, button, context, escape, mention, say, section
from bot.blocks.message import Message
from bot.blocks.wording import worded
from bot.explain import reason_or
from bot.i18n import N_, _, ngettext
from bot.ids import ActionId, BlockId
from bot.services.fit import FitAlert, FitNotice, FitView, Repair

# Each answer's label (marked for the catalog, translated where shown) and button.
ANSWERS = {
    "good": (N_("👍 Good fit"), ActionId.FIT_GOOD),
    "deciding": (N_("🤔 Still deciding"), ActionId.FIT_DECIDING),
    "bad": (N_("👎 Not a good fit"), ActionId.FIT_BAD),
}
ANSWER_OF_ACTION = {action: answer for answer, (_label, action) in ANSWERS.items()}


def _fit(fit_id: int, partner: str, answer: str | None) -> Message:
    lead = worded("fit", partner=mention(partner))
    blocks: list[Block] = [section(lead)]
    text = lead
    if answer is not None:
        label = _(ANSWERS[answer][0]) if answer in ANSWERS else answer
        chosen = _("You answered: *{answer}*. You can change it here until HR follows up.").format(
            answer=label
        )
        blocks.append(section(chosen))
        text += " " + chosen.replace("*", "")
    blocks += [
        ActionsBlock(
            block_id=BlockId.FIT_ACTIONS,
            elements=[
                button(_(text), action, str(fit_id), style="primary" if value == answer else None)
                for value, (text, action) in ANSWERS.items()
            ],
        ),
        context(
            _(
                "Private: {partner} never sees your answer. “Not a good fit” goes to HR "
                "only, who may suggest a new partner."
            ).format(partner=mention(partner))
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
        return _(
            "Thanks for saying so — HR will follow up with you privately. Your partner isn't told."
        )
    return _("Thanks — noted. Only you and HR see it.")


def fit_alert_message(alert: FitAlert) -> Message:
    """To each HR admin: a pair someone finds not a good fit, with Re-pair / Keep the pair."""
    guide, learner = mention(alert.guide), mention(alert.learner)
    text = _(
        "🧩 {person} answered “Not a good fit” after the first session of "
        "their pair: {guide} (guide) and {learner} (learner)."
    ).format(person=mention(alert.said_by), guide=guide, learner=learner)
    blocks: list[Block] = [section(text)]
    if alert.handled_by is None:
        blocks.append(
            ActionsBlock(
                block_id=BlockId.FIT_HR_ACTIONS,
                elements=[
                    button(
                        _("Re-pair"),
                        ActionId.FIT_REPAIR,
                        str(alert.pair_id),
                        style="primary",
                        confirm=ask_first(
                            _("Propose new partners?"),
                            _(
                                "I'll propose a new partner for each of them from the people "
                                "waiting for one. Nothing changes until you approve that proposal."
                            ),
                            _("Propose"),
                            _("Not yet"),
                        ),
                    ),
                    button(_("Keep the pair"), ActionId.FIT_KEEP, str(alert.pair_id)),
                ],
            )
        )
    elif alert.handling == "repair":
        blocks.append(
            context(
                _("✅ {admin} asked for a re-pair (proposal in your DMs).").format(
                    admin=mention(alert.handled_by)
                )
            )
        )
    else:
        blocks.append(
            context(_("✅ {admin} kept the pair as it is.").format(admin=mention(alert.handled_by)))
        )
    blocks.append(
        context(_("Only HR admins get this message; the partner is never told who said it or why."))
    )
    return Message(text=text, blocks=blocks)


def repair_answer(repair: Repair) -> Message:
    """To the admin who clicked Re-pair: what the proposal holds, and why someone has no one."""
    proposal = repair.proposal
    unmatched = [
        _("• {person}: {reason}").format(
            person=mention(u.user_id), reason=escape(reason_or(u.why, u.hr_reason, hr=True))
        )
        for u in proposal.unmatched
    ]
    if not proposal.pairs:
        lines = [
            _("Nobody can be re-paired right now:"),
            *unmatched,
            _(
                "Approving the proposal in your DMs ends their pair and puts whoever is not in "
                "another pair on the waitlist; Discard it to keep the pair."
            ),
        ]
    else:
        count = len(proposal.pairs)
        lines = [
            ngettext(
                "The re-pair proposal is in your DMs: {count} new pair. Nothing changes until "
                "you approve it.",
                "The re-pair proposal is in your DMs: {count} new pairs. Nothing changes until "
                "you approve it.",
                count,
            ).format(count=count)
        ]
        if unmatched:
            lines += [_("Without a new partner (they'd go to the waitlist):"), *unmatched]
    return say("\n".join(lines))


def keep_answer() -> Message:
    return say(_("Done: the pair goes on, and nobody is told anything."))
