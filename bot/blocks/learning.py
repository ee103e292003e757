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
from bot.i18n import N_, _
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
# The labels are marked for the catalog and translated where they are shown (`label`).
CONFIDENCE_LABELS = {
    "1": N_("1 — never used it"),
    "2": "2",
    "3": "3",
    "4": "4",
    "5": N_("5 — could teach it"),
}
TEACHING_LABELS = {
    "1": N_("1 — I'd struggle to explain it"),
    "2": "2",
    "3": "3",
    "4": "4",
    "5": N_("5 — I could teach it to anyone"),
}
# Which way a session's learning went (`LearningWay`).
DIRECTION_LABELS = {
    "tool": N_("A tool, taught"),
    "mirror": N_("How things work here, shared back (“reverse the mirror”)"),
    "both": N_("Both"),
}
# "Still using it?" (`StillUsing`): each answer's label and button.
STILL_USING = {
    "yes": (N_("Yes"), ActionId.STILL_USING_YES),
    "sometimes": (N_("Sometimes"), ActionId.STILL_USING_SOMETIMES),
    "no": (N_("No"), ActionId.STILL_USING_NO),
}
PRIVATE = N_("Only you see your ratings here; HR's program figures count them without your name.")


def label(text: str) -> str:
    """A label of the tables above in the language in force (the bare digits stay as they are)."""
    return text if text.isdigit() else _(text)


def labelled_options(labels: dict[str, str]) -> list[Option]:
    """The options of one of the tables above, their labels translated."""
    return [option(value, label(text)) for value, text in labels.items()]


def confidence_options() -> list[Option]:
    return labelled_options(CONFIDENCE_LABELS)


def direction_options() -> list[Option]:
    return labelled_options(DIRECTION_LABELS)


def rating_block(index: int) -> str:
    """The block of the `index`-th rating of the baseline step."""
    return f"{BlockId.BASELINE_RATING}:{index}"


# ---- the baseline: a step after the profile ---------------------------------------------------


def baseline_modal(tools: Sequence[ToolToRate], private_metadata: str) -> View:
    """ "How confident are you today?" per tool of the profile not rated yet; the tools to learn
    must be rated, those to teach may be."""
    blocks: list[Block] = [
        section(
            _(
                "Your profile is saved. One last question, so you can see how far you come: "
                "how confident are you with each tool *today*?"
            )
        )
    ]
    for index, tool in enumerate(tools):
        learning = tool.direction == "learn"
        labels = CONFIDENCE_LABELS if learning else TEACHING_LABELS
        question = (
            _("How confident are you with {tool} today?").format(tool=tool.tool)
            if learning
            else _("How confident are you teaching {tool}? (optional)").format(tool=tool.tool)
        )
        blocks.append(
            inputs.select(
                rating_block(index),
                question,
                labelled_options(labels),
                placeholder=_("1 to 5"),
                optional=not learning,
            )
        )
    blocks.append(context(_(PRIVATE)))
    return modal(
        CallbackId.BASELINE,
        _("Your starting point"),
        blocks,
        submit=_("Save"),
        private_metadata=private_metadata,
    )


# ---- the teach-back ---------------------------------------------------------------------------


def first_name(display_name: str) -> str:
    """ "Kim Lee" → "Kim" (a button label has room for little)."""
    return (display_name.split() or [_("Your learner")])[0]


def with_teach_back(message: Message, offer: TeachBackOffer) -> Message:
    """The guide's answered check-in with the teach-back button, or once confirmed, a line
    saying so."""
    if offer.confirmed:
        done = _("✅ You confirmed that {learner} showed *{tool}* back.").format(
            learner=mention(offer.learner), tool=escape(offer.tool)
        )
        return Message(text=message.text, blocks=[*message.blocks, context(done)])
    shown = _("✅ {name} showed {tool} back").format(
        name=first_name(offer.learner_name), tool=offer.tool
    )
    actions = ActionsBlock(
        block_id=BlockId.TEACH_BACK_ACTIONS,
        elements=[button(shown, ActionId.TEACH_BACK, str(offer.session_id))],
    )
    hint = context(
        _(
            "When {learner} can do *{tool}* on their own, confirm it: "
            "it counts as learned, and you both see it in your group DM."
        ).format(learner=mention(offer.learner), tool=escape(offer.tool))
    )
    return Message(text=message.text, blocks=[*message.blocks, actions, hint])


def teach_back_modal(private_metadata: str, offer: TeachBackOffer) -> View:
    """Confirm a teach-back, with an optional line on what the learner did."""
    return modal(
        CallbackId.TEACH_BACK,
        _("Teach-back"),
        [
            section(
                _(
                    "Confirm that {learner} showed *{tool}* back on "
                    "their own. It counts as learned, and your group DM says so."
                ).format(learner=mention(offer.learner), tool=escape(offer.tool))
            ),
            inputs.text(
                BlockId.TEACH_BACK_WHAT,
                _("What did they do? (optional)"),
                max_length=MAX_WHAT,
                optional=True,
                placeholder=_("built a pivot table on their own data"),
            ),
        ],
        submit=_("Confirm"),
        private_metadata=private_metadata,
    )


def teach_back_message(notice: TeachBackNotice) -> Message:
    """In the pair's group DM: the learner showed a tool back (the guide confirmed it)."""
    learner, tool = mention(notice.learner), escape(notice.tool)
    if notice.what:
        what = escape(notice.what)
        text = _("✅ {learner} showed {tool} back — {what}").format(
            learner=learner, tool=tool, what=what
        )
        lead = _("✅ {learner} showed *{tool}* back — {what}").format(
            learner=learner, tool=tool, what=what
        )
    else:
        text = _("✅ {learner} showed {tool} back").format(learner=learner, tool=tool)
        lead = _("✅ {learner} showed *{tool}* back").format(learner=learner, tool=tool)
    confirmed = _("Confirmed by {guide}: {tool} counts as learned. Well done!").format(
        guide=mention(notice.guide), tool=tool
    )
    return Message(text=text, blocks=[section(lead), context(confirmed)])


# ---- the follow-up ------------------------------------------------------------------------------


def _follow_up(follow_up_id: int, tool: str, guide: str, answer: str | None = None) -> Message:
    question = _("A month ago you learned *{tool}* with {guide}. Still using it?").format(
        tool=escape(tool), guide=mention(guide)
    )
    value = str(follow_up_id)
    buttons = [
        button(_(text), action_id, value, style="primary" if choice == answer else None)
        for choice, (text, action_id) in STILL_USING.items()
    ]
    blocks: list[Block] = [
        section(question),
        ActionsBlock(block_id=BlockId.FOLLOW_UP_ACTIONS, elements=buttons),
    ]
    if answer is None:
        blocks.append(context(_("Only you and HR's program figures see your answer.")))
        return Message(text=question.replace("*", ""), blocks=blocks)
    noted = _("Thanks — noted: *{answer}*. Changed your mind? Pick another.").format(
        answer=_(STILL_USING[answer][0])
    )
    blocks.append(context(noted))
    return Message(text=f"{question} {noted}".replace("*", ""), blocks=blocks)


def follow_up_message(notice: FollowUpNotice) -> Message:
    """The DM to the learner: "Still using <tool>?" with yes / sometimes / no."""
    return _follow_up(notice.follow_up_id, notice.tool, notice.guide)


def follow_up_answered_message(answer: FollowUpAnswer) -> Message:
    """The follow-up after a click: the answer noted, the buttons kept to change it."""
    return _follow_up(answer.follow_up_id, answer.tool, answer.guide, answer.answer)
