"""What people see of their learning: the confidence question (profile step and "We met"), which
way a session's learning went, the guide's teach-back button and modal, the teach-back notice
in the pair's group DM, and the learner's "Still using it?" a month after the cycle.

Privacy: ratings and follow-up answers are the person's own; the only thing the partner sees is
the teach-back the guide confirmed, in their shared group DM.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, Option
from slack_sdk.models.views import View

from bot.blocks.kit import Inputs, button, context, escape, mention, modal, option, section
from bot.blocks.message import Message
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.learning import (
    MAX_WHAT,
    FollowUpAnswer,
    FollowUpNotice,
    TeachBackNotice,
    TeachBackOffer,
    ToolToRate,
)

# Every input of the learning modals answers under one action_id.
inputs = Inputs(ActionId.LEARNING_ANSWER)

# One question on one scale wherever confidence is asked (the profile step, "We met", surveys).
CONFIDENCE_LABELS = {
    "1": "1 — never used it",
    "2": "2",
    "3": "3",
    "4": "4",
    "5": "5 — could teach it",
}
TEACHING_LABELS = {
    "1": "1 — I'd struggle to explain it",
    "2": "2",
    "3": "3",
    "4": "4",
    "5": "5 — I could teach it to anyone",
}
# Which way a session's learning went (`LearningWay`).
DIRECTION_LABELS = {
    "tool": "A tool, taught",
    "mirror": "How things work here, shared back (“reverse the mirror”)",
    "both": "Both",
}
# "Still using it?" (`StillUsing`): each answer's label and button.
STILL_USING = {
    "yes": ("Yes", ActionId.STILL_USING_YES),
    "sometimes": ("Sometimes", ActionId.STILL_USING_SOMETIMES),
    "no": ("No", ActionId.STILL_USING_NO),
}
PRIVATE = "Only you see your ratings here; HR's program figures count them without your name."


def confidence_options() -> list[Option]:
    return [option(value, label) for value, label in CONFIDENCE_LABELS.items()]


def direction_options() -> list[Option]:
    return [option(way, label) for way, label in DIRECTION_LABELS.items()]


def rating_block(index: int) -> str:
    """The block of the `index`-th rating of the baseline step."""
    return f"{BlockId.BASELINE_RATING}:{index}"


# ---- the baseline: a step after the profile ---------------------------------------------------


def baseline_modal(tools: Sequence[ToolToRate], private_metadata: str) -> View:
    """ "How confident are you today?" per tool of the profile not rated yet; the tools to learn
    must be rated, those to teach may be."""
    blocks: list[Block] = [
        section(
            "Your profile is saved. One last question, so you can see how far you come: "
            "how confident are you with each tool *today*?"
        )
    ]
    for index, tool in enumerate(tools):
        learning = tool.direction == "learn"
        labels = CONFIDENCE_LABELS if learning else TEACHING_LABELS
        label = (
            f"How confident are you with {tool.tool} today?"
            if learning
            else f"How confident are you teaching {tool.tool}? (optional)"
        )
        blocks.append(
            inputs.select(
                rating_block(index),
                label,
                [option(value, text) for value, text in labels.items()],
                placeholder="1 to 5",
                optional=not learning,
            )
        )
    blocks.append(context(PRIVATE))
    return modal(
        CallbackId.BASELINE,
        "Your starting point",
        blocks,
        submit="Save",
        private_metadata=private_metadata,
    )


# ---- the teach-back ---------------------------------------------------------------------------


def first_name(display_name: str) -> str:
    """ "Kim Lee" → "Kim" (a button label has room for little)."""
    return (display_name.split() or ["Your learner"])[0]


def with_teach_back(message: Message, offer: TeachBackOffer) -> Message:
    """The guide's answered check-in with the teach-back button, or once confirmed, a line
    saying so."""
    if offer.confirmed:
        done = f"✅ You confirmed that {mention(offer.learner)} showed *{escape(offer.tool)}* back."
        return Message(text=message.text, blocks=[*message.blocks, context(done)])
    label = f"✅ {first_name(offer.learner_name)} showed {offer.tool} back"
    actions = ActionsBlock(
        block_id=BlockId.TEACH_BACK_ACTIONS,
        elements=[button(label, ActionId.TEACH_BACK, str(offer.session_id))],
    )
    hint = context(
        f"When {mention(offer.learner)} can do *{escape(offer.tool)}* on their own, confirm it: "
        "it counts as learned, and you both see it in your group DM."
    )
    return Message(text=message.text, blocks=[*message.blocks, actions, hint])


def teach_back_modal(private_metadata: str, offer: TeachBackOffer) -> View:
    """Confirm a teach-back, with an optional line on what the learner did."""
    return modal(
        CallbackId.TEACH_BACK,
        "Teach-back",
        [
            section(
                f"Confirm that {mention(offer.learner)} showed *{escape(offer.tool)}* back on "
                "their own. It counts as learned, and your group DM says so."
            ),
            inputs.text(
                BlockId.TEACH_BACK_WHAT,
                "What did they do? (optional)",
                max_length=MAX_WHAT,
                optional=True,
                placeholder="built a pivot table on their own data",
            ),
        ],
        submit="Confirm",
        private_metadata=private_metadata,
    )


def teach_back_message(notice: TeachBackNotice) -> Message:
    """In the pair's group DM: the learner showed a tool back (the guide confirmed it)."""
    learner, tool = mention(notice.learner), escape(notice.tool)
    did = f" — {escape(notice.what)}" if notice.what else ""
    text = f"✅ {learner} showed {tool} back{did}"
    return Message(
        text=text,
        blocks=[
            section(f"✅ {learner} showed *{tool}* back{did}"),
            context(f"Confirmed by {mention(notice.guide)}: {tool} counts as learned. Well done!"),
        ],
    )


# ---- the follow-up ------------------------------------------------------------------------------


def _follow_up(follow_up_id: int, tool: str, guide: str, answer: str | None = None) -> Message:
    question = f"A month ago you learned *{escape(tool)}* with {mention(guide)}. Still using it?"
    value = str(follow_up_id)
    buttons = [
        button(label, action_id, value, style="primary" if choice == answer else None)
        for choice, (label, action_id) in STILL_USING.items()
    ]
    blocks: list[Block] = [
        section(question),
        ActionsBlock(block_id=BlockId.FOLLOW_UP_ACTIONS, elements=buttons),
    ]
    if answer is None:
        blocks.append(context("Only you and HR's program figures see your answer."))
        return Message(text=question.replace("*", ""), blocks=blocks)
    noted = f"Thanks — noted: *{STILL_USING[answer][0]}*. Changed your mind? Pick another."
    blocks.append(context(noted))
    return Message(text=f"{question} {noted}".replace("*", ""), blocks=blocks)


def follow_up_message(notice: FollowUpNotice) -> Message:
    """The DM to the learner: "Still using <tool>?" with yes / sometimes / no."""
    return _follow_up(notice.follow_up_id, notice.tool, notice.guide)


def follow_up_answered_message(answer: FollowUpAnswer) -> Message:
    """The follow-up after a click: the answer noted, the buttons kept to change it."""
    return _follow_up(answer.follow_up_id, answer.tool, answer.guide, answer.answer)
