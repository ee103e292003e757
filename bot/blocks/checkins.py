"""The check-in DM and its answers, the "We met" and "We can't make this work" modals, HR's DM
about a pair that can't make it, and the pair's progress on the Home tab and in `status`.

Privacy: the note to HR and the private reason appear only in HR's DM, never in anything the
partner or a channel sees.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block
from slack_sdk.models.views import View

from bot.blocks.kit import (
    Inputs,
    button,
    context,
    escape,
    mention,
    modal,
    option,
    say,
    section,
    slack_date,
)
from bot.blocks.learning import confidence_options, direction_options
from bot.blocks.message import Message
from bot.blocks.wording import worded
from bot.i18n import N_, _, day_month, ngettext
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.checkins import (
    MAX_LEARNED,
    MAX_NOTE,
    MAX_OTHER,
    REMIND_AFTER,
    CantMakeItNotice,
    CheckinNotice,
)
from bot.services.home import PairProgress
from bot.services.text import whole_number

OTHER = "__other__"
# Every input of the check-in modals answers under one action_id.
inputs = Inputs(ActionId.CHECKIN_ANSWER)
# The answers' texts, translated where they are shown (`answer_text`); "not_yet" counts the
# days until the reminder.
ANSWER_TEXT = {
    "met": N_("✅ We met"),
    "not_yet_final": N_("⏳ Not yet"),
    "skipped": N_("⏭️ Skip this week"),
    "cant_make_it": N_("🚧 We can't make this work"),
}
RATING_LABELS = {
    "1": N_("1 — not useful"),
    "2": "2",
    "3": N_("3 — useful"),
    "4": "4",
    "5": N_("5 — very useful"),
}


def answer_text(answer: str) -> str:
    """An answer as its button reads, in the language in force (an unknown one as it is)."""
    if answer == "not_yet":
        days = REMIND_AFTER.days
        return ngettext(
            "⏳ Not yet — remind me in {count} day", "⏳ Not yet — remind me in {count} days", days
        ).format(count=days)
    return _(ANSWER_TEXT[answer]) if answer in ANSWER_TEXT else answer


def button_value(checkin_id: int | str, attempt: int) -> str:
    return f"{checkin_id}:{attempt}"


def parse_button_value(value: str) -> tuple[int, int] | None:
    """`"12:1"` → (12, 1); None for anything else."""
    head, __, tail = value.partition(":")
    checkin_id, attempt = whole_number(head), whole_number(tail)
    return None if checkin_id is None or attempt is None else (checkin_id, attempt)


def question(partner: str, attempt: int = 1) -> str:
    """The check-in's question (attempt 2: the reminder's), in the workspace's wording."""
    return worded("checkin" if attempt == 1 else "checkin_reminder", partner=mention(partner))


def checkin_message(notice: CheckinNotice) -> Message:
    """The DM to one person of a pair, with the four answers."""
    checkin_id, attempt, partner = notice.checkin_id, notice.attempt, notice.partner
    value = button_value(checkin_id, attempt)
    lead = question(partner, attempt)
    buttons = [
        button(answer_text("met"), ActionId.CHECKIN_MET, value, style="primary"),
        button(
            answer_text("not_yet" if attempt == 1 else "not_yet_final"),
            ActionId.CHECKIN_NOT_YET,
            value,
        ),
        button(answer_text("skipped"), ActionId.CHECKIN_SKIP, value),
        button(answer_text("cant_make_it"), ActionId.CHECKIN_CANT, value),
    ]
    return Message(
        text=lead,
        blocks=[
            section(lead),
            ActionsBlock(block_id=BlockId.CHECKIN_ACTIONS, elements=buttons),
            context(_("Only you see your answer; your partner sees their own check-in.")),
        ],
    )


def answered_message(partner: str, answer: str, detail: str | None = None) -> Message:
    """The check-in after an answer: what was chosen, and no buttons left to click."""
    chosen = answer_text(answer)
    answered = (
        _("You answered: *{answer}* — {detail}").format(answer=chosen, detail=detail)
        if detail
        else _("You answered: *{answer}*").format(answer=chosen)
    )
    return say(f"{question(partner)}\n{answered}")


def remind_detail() -> str:
    days = REMIND_AFTER.days
    return ngettext(
        "I'll ask again in {count} day.", "I'll ask again in {count} days.", days
    ).format(count=days)


def already_answered_text(answer: str | None) -> str:
    if answer == "pair_ended":
        return _("This pair has ended, so the check-in is closed and nothing changed.")
    if answer is None or answer == "asked":
        return _(
            "That message is out of date (I asked again in a newer one), so nothing changed: "
            "please answer the latest check-in."
        )
    return _("Already recorded — thanks! (Your answer: {answer}.)").format(
        answer=answer_text(answer)
    )


def met_modal(
    private_metadata: str, partner: str, tools: Sequence[str], *, learner: bool = False
) -> View:
    """ "We met": what was covered, how useful it was, which way the learning went, (the
    learner only) how confident they feel now, what was learned, a note to HR."""
    options = [option(tool[:150], tool) for tool in dict.fromkeys(tools) if tool]
    options.append(option(OTHER, _("Something else")))
    # Learning outcomes: the learner's confidence now (the profile's question and scale).
    confidence = [
        inputs.select(
            BlockId.CHECKIN_CONFIDENCE,
            _("How confident do you feel now with the tool you covered?"),
            confidence_options(),
            placeholder=_("1 to 5"),
            optional=True,
            hint=_("The question from your profile, on the same scale. Only you see your answer."),
        )
    ]
    return modal(
        CallbackId.CHECKIN_MET,
        _("Your session"),
        [
            section(
                _("Great that you met with <@{partner}>! A few quick questions.").format(
                    partner=partner
                )
            ),
            inputs.select(
                BlockId.CHECKIN_COVERED,
                _("What did you cover?"),
                options[:100],
                placeholder=_("Pick a tool"),
            ),
            inputs.text(
                BlockId.CHECKIN_OTHER,
                _("Something else: what?"),
                max_length=MAX_OTHER,
                optional=True,
            ),
            inputs.select(
                BlockId.CHECKIN_RATING,
                _("How useful was it for you?"),
                [option(v, _(label)) for v, label in RATING_LABELS.items()],
                placeholder=_("1 to 5"),
            ),
            inputs.radio(
                BlockId.CHECKIN_DIRECTION, _("Which way did the learning go?"), direction_options()
            ),
            *(confidence if learner else []),
            inputs.text(
                BlockId.CHECKIN_LEARNED,
                _("What did you learn?"),
                max_length=MAX_LEARNED,
                optional=True,
            ),
            inputs.text(
                BlockId.CHECKIN_HR_NOTE,
                _("A private note to HR"),
                max_length=MAX_NOTE,
                optional=True,
                multiline=True,
                hint=_("Only the program's HR admins read this; your partner never sees it."),
            ),
        ],
        submit=_("Save"),
        private_metadata=private_metadata,
    )


def cant_modal(private_metadata: str, partner: str) -> View:
    """ "We can't make this work": end the pair or just tell HR, and a private reason."""
    return modal(
        CallbackId.CHECKIN_CANT,
        _("Can't make it work"),
        [
            section(
                _(
                    "Sorry it isn't working with <@{partner}>. That happens, and it's fine to say "
                    "so. What would you like?"
                ).format(partner=partner)
            ),
            inputs.radio(
                BlockId.CANT_CHOICE,
                _("What should happen?"),
                [
                    option("tell_hr", _("Just tell HR; keep the pair for now")),
                    option("end", _("End the pair")),
                ],
            ),
            inputs.text(
                BlockId.CANT_REASON,
                _("Why? (private, for HR only)"),
                max_length=MAX_NOTE,
                optional=True,
                multiline=True,
                hint=_("Only HR reads this; {partner} is not told your reason.").format(
                    partner=mention(partner)
                ),
            ),
        ],
        submit=_("Send"),
        private_metadata=private_metadata,
    )


def met_detail(tool: str | None, other: str | None, rating: int) -> str:
    typed = tool or other
    if not typed:
        return _("something else, usefulness {rating}/5").format(rating=rating)
    return _("{tool}, usefulness {rating}/5").format(tool=escape(typed), rating=rating)


def cant_detail(choice: str) -> str:
    if choice == "end":
        return _("you ended the pair; HR is told")
    return _("HR is told; the pair goes on")


def hr_cant_make_it_message(notice: CantMakeItNotice) -> Message:
    """To HR admins: someone says their pair can't work (with their private reason)."""
    user, partner = notice.user, notice.partner
    text = (
        _("<@{user}> says their pair with <@{partner}> can't work ({week}) and ended the pair.")
        if notice.choice == "end"
        else _(
            "<@{user}> says their pair with <@{partner}> can't work ({week}) and asked HR to "
            "know; the pair goes on."
        )
    ).format(user=user, partner=partner, week=notice.week)
    blocks: list[Block] = [section(f"🚧 {text}")]
    if notice.reason:
        blocks.append(
            section(
                _("*Their private reason (not shared with <@{partner}>):*\n{reason}").format(
                    partner=partner, reason=escape(notice.reason)
                )
            )
        )
    blocks.append(context(_("Only HR admins get this message.")))
    return Message(text=text, blocks=blocks)


# ---- the pair's progress (Home tab, `status`) ------------------------------------------------


def progress_lines(progress: PairProgress) -> list[str]:
    if progress.sessions:
        sessions = "; ".join(
            _("{day} ({tools})").format(day=day_month(s.on), tools=escape(", ".join(s.covered)))
            if s.covered
            else day_month(s.on)
            for s in progress.sessions
        )
    else:
        sessions = _("none reported yet")
    covered = escape(", ".join(progress.tools_covered)) or _("none yet")
    nxt = slack_date(progress.next_prompt_at) if progress.next_prompt_at else _("paused")
    return [
        _("*Last sessions with <@{partner}>:* {sessions}").format(
            partner=progress.partner, sessions=sessions
        ),
        _("*Tools covered so far:* {tools}").format(tools=covered),
        _("*Next prompt:* {when}").format(when=nxt),
    ]


def progress_blocks(progress: PairProgress | None) -> list[Block]:
    if progress is None:
        return []
    return [section("\n".join(progress_lines(progress)))]


def with_progress(message: Message, progress: PairProgress | None) -> Message:
    """`status`'s message with the pair's progress added."""
    if progress is None:
        return message
    lines = progress_lines(progress)
    blocks = list(message.blocks)
    blocks[1:1] = progress_blocks(progress)
    return Message(text=message.text + "\n" + "\n".join(lines).replace("*", ""), blocks=blocks)
