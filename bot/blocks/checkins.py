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
_REMIND_IN = f"{REMIND_AFTER.days} days"
ANSWER_TEXT = {
    "met": "✅ We met",
    "not_yet": f"⏳ Not yet — remind me in {_REMIND_IN}",
    "not_yet_final": "⏳ Not yet",
    "skipped": "⏭️ Skip this week",
    "cant_make_it": "🚧 We can't make this work",
}
RATING_LABELS = {
    "1": "1 — not useful",
    "2": "2",
    "3": "3 — useful",
    "4": "4",
    "5": "5 — very useful",
}


def button_value(checkin_id: int | str, attempt: int) -> str:
    return f"{checkin_id}:{attempt}"


def parse_button_value(value: str) -> tuple[int, int] | None:
    """`"12:1"` → (12, 1); None for anything else."""
    head, _, tail = value.partition(":")
    checkin_id, attempt = whole_number(head), whole_number(tail)
    return None if checkin_id is None or attempt is None else (checkin_id, attempt)


def question(partner: str) -> str:
    return f"Did you and {mention(partner)} meet this week?"


def checkin_message(notice: CheckinNotice) -> Message:
    """The DM to one person of a pair, with the four answers."""
    checkin_id, attempt, partner = notice.checkin_id, notice.attempt, notice.partner
    value = button_value(checkin_id, attempt)
    lead = question(partner)
    if attempt > 1:
        lead = f"As promised, asking again: {lead[0].lower()}{lead[1:]}"
    buttons = [
        button(ANSWER_TEXT["met"], ActionId.CHECKIN_MET, value, style="primary"),
        button(
            ANSWER_TEXT["not_yet"] if attempt == 1 else ANSWER_TEXT["not_yet_final"],
            ActionId.CHECKIN_NOT_YET,
            value,
        ),
        button(ANSWER_TEXT["skipped"], ActionId.CHECKIN_SKIP, value),
        button(ANSWER_TEXT["cant_make_it"], ActionId.CHECKIN_CANT, value),
    ]
    return Message(
        text=lead,
        blocks=[
            section(lead),
            ActionsBlock(block_id=BlockId.CHECKIN_ACTIONS, elements=buttons),
            context("Only you see your answer; your partner sees their own check-in."),
        ],
    )


def answered_message(partner: str, answer: str, detail: str | None = None) -> Message:
    """The check-in after an answer: what was chosen, and no buttons left to click."""
    chosen = ANSWER_TEXT.get(answer, answer)
    return say(
        f"{question(partner)}\nYou answered: *{chosen}*" + (f" — {detail}" if detail else "")
    )


def remind_detail() -> str:
    return f"I'll ask again in {_REMIND_IN}."


def already_answered_text(answer: str | None) -> str:
    if answer == "pair_ended":
        return "This pair has ended, so the check-in is closed and nothing changed."
    if answer is None or answer == "asked":
        return (
            "That message is out of date (I asked again in a newer one), so nothing changed: "
            "please answer the latest check-in."
        )
    return f"Already recorded — thanks! (Your answer: {ANSWER_TEXT.get(answer, answer)}.)"


def met_modal(
    private_metadata: str, partner: str, tools: Sequence[str], *, learner: bool = False
) -> View:
    """ "We met": what was covered, how useful it was, which way the learning went, (the
    learner only) how confident they feel now, what was learned, a note to HR."""
    options = [option(tool[:150], tool) for tool in dict.fromkeys(tools) if tool]
    options.append(option(OTHER, "Something else"))
    # Learning outcomes: the learner's confidence now (the profile's question and scale).
    confidence = [
        inputs.select(
            BlockId.CHECKIN_CONFIDENCE,
            "How confident do you feel now with the tool you covered?",
            confidence_options(),
            placeholder="1 to 5",
            optional=True,
            hint="The question from your profile, on the same scale. Only you see your answer.",
        )
    ]
    return modal(
        CallbackId.CHECKIN_MET,
        "Your session",
        [
            section(f"Great that you met with <@{partner}>! A few quick questions."),
            inputs.select(
                BlockId.CHECKIN_COVERED,
                "What did you cover?",
                options[:100],
                placeholder="Pick a tool",
            ),
            inputs.text(
                BlockId.CHECKIN_OTHER, "Something else: what?", max_length=MAX_OTHER, optional=True
            ),
            inputs.select(
                BlockId.CHECKIN_RATING,
                "How useful was it for you?",
                [option(v, label) for v, label in RATING_LABELS.items()],
                placeholder="1 to 5",
            ),
            inputs.radio(
                BlockId.CHECKIN_DIRECTION, "Which way did the learning go?", direction_options()
            ),
            *(confidence if learner else []),
            inputs.text(
                BlockId.CHECKIN_LEARNED,
                "What did you learn?",
                max_length=MAX_LEARNED,
                optional=True,
            ),
            inputs.text(
                BlockId.CHECKIN_HR_NOTE,
                "A private note to HR",
                max_length=MAX_NOTE,
                optional=True,
                multiline=True,
                hint="Only the program's HR admins read this; your partner never sees it.",
            ),
        ],
        submit="Save",
        private_metadata=private_metadata,
    )


def cant_modal(private_metadata: str, partner: str) -> View:
    """ "We can't make this work": end the pair or just tell HR, and a private reason."""
    return modal(
        CallbackId.CHECKIN_CANT,
        "Can't make it work",
        [
            section(
                f"Sorry it isn't working with <@{partner}>. That happens, and it's fine to say "
                "so. What would you like?"
            ),
            inputs.radio(
                BlockId.CANT_CHOICE,
                "What should happen?",
                [
                    option("tell_hr", "Just tell HR; keep the pair for now"),
                    option("end", "End the pair"),
                ],
            ),
            inputs.text(
                BlockId.CANT_REASON,
                "Why? (private, for HR only)",
                max_length=MAX_NOTE,
                optional=True,
                multiline=True,
                hint=f"Only HR reads this; {mention(partner)} is not told your reason.",
            ),
        ],
        submit="Send",
        private_metadata=private_metadata,
    )


def met_detail(tool: str | None, other: str | None, rating: int) -> str:
    typed = tool or other
    covered = escape(typed) if typed else "something else"
    return f"{covered}, usefulness {rating}/5"


def cant_detail(choice: str) -> str:
    return "you ended the pair; HR is told" if choice == "end" else "HR is told; the pair goes on"


def hr_cant_make_it_message(notice: CantMakeItNotice) -> Message:
    """To HR admins: someone says their pair can't work (with their private reason)."""
    user, partner = notice.user, notice.partner
    what = "ended the pair" if notice.choice == "end" else "asked HR to know; the pair goes on"
    text = f"<@{user}> says their pair with <@{partner}> can't work ({notice.week}) and {what}."
    blocks: list[Block] = [section(f"🚧 {text}")]
    if notice.reason:
        blocks.append(
            section(
                f"*Their private reason (not shared with <@{partner}>):*\n{escape(notice.reason)}"
            )
        )
    blocks.append(context("Only HR admins get this message."))
    return Message(text=text, blocks=blocks)


# ---- the pair's progress (Home tab, `status`) ------------------------------------------------


def progress_lines(progress: PairProgress) -> list[str]:
    if progress.sessions:
        sessions = "; ".join(
            f"{s.on:%d %b}" + (f" ({escape(', '.join(s.covered))})" if s.covered else "")
            for s in progress.sessions
        )
    else:
        sessions = "none reported yet"
    covered = escape(", ".join(progress.tools_covered)) or "none yet"
    nxt = slack_date(progress.next_prompt_at) if progress.next_prompt_at else "paused"
    return [
        f"*Last sessions with <@{progress.partner}>:* {sessions}",
        f"*Tools covered so far:* {covered}",
        f"*Next prompt:* {nxt}",
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
