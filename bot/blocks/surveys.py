"""The mid- and end-of-cycle survey: the DM with its button (and the one reminder), the modal
(pre-filled when reopened), and the DM once answered.

Privacy: answers show only in the person's own modal; the DM says so. Tool names appear only
as plain_text (input labels), which Slack never parses.
"""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import ActionsBlock, Block, Option
from slack_sdk.models.views import View

from bot.blocks.kit import Inputs, button, context, mention, modal, option, section
from bot.blocks.learning import CONFIDENCE_LABELS
from bot.blocks.message import Message
from bot.i18n import long_date
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.surveys import MAX_OTHER_SIDE, SurveyForm, SurveyNotice

inputs = Inputs(ActionId.SURVEY_ANSWER)
USEFULNESS = {"1": "1 — not useful", "2": "2", "3": "3 — useful", "4": "4", "5": "5 — very useful"}
YES_NO = {"yes": "Yes", "no": "No"}
STAGE_NAME = {"mid": "mid-cycle", "end": "end-of-cycle"}


def confidence_block(index: int) -> str:
    """The block of the confidence question for the modal's `index`-th tool."""
    return f"{BlockId.SURVEY_CONFIDENCE}_{index}"


def _private(partner: str, closes_on_last: str) -> str:
    return (
        f"Private: HR reads the answers (in aggregate), {mention(partner)} never sees yours. "
        f"You can change them until {closes_on_last}."
    )


def _last_day(survey: SurveyForm | SurveyNotice) -> str:
    """The last day answers can be changed (the day before the survey closes)."""
    return long_date(survey.closes_on - timedelta(days=1))


def _open_button(survey_id: int, label: str) -> ActionsBlock:
    return ActionsBlock(
        block_id=BlockId.SURVEY_ACTIONS,
        elements=[button(label, ActionId.SURVEY_OPEN, str(survey_id), style="primary")],
    )


def survey_message(notice: SurveyNotice) -> Message:
    """The DM with the survey's button (attempt 2: the reminder)."""
    partner = mention(notice.partner)
    if notice.stage == "mid":
        lead = f"🧭 You're halfway through your cycle with {partner}! How is it going?"
    else:
        lead = f"🏁 Your cycle with {partner} ends soon — how did it go?"
    if notice.attempt > 1:
        lead = f"A gentle reminder, in case it slipped by: {lead}"
    lead += " A few quick questions, one minute."
    blocks: list[Block] = [
        section(lead),
        _open_button(notice.survey_id, "Answer the survey"),
        context(_private(notice.partner, _last_day(notice))),
    ]
    return Message(text=lead, blocks=blocks)


def survey_saved_message(form: SurveyForm) -> Message:
    """The DM once answered: thanks, and a button to change the answers while open."""
    text = f"✅ Thanks — your {STAGE_NAME.get(form.stage, '')} survey is saved."
    blocks: list[Block] = [
        section(text),
        _open_button(form.survey_id, "Change my answers"),
        context(_private(form.partner, _last_day(form))),
    ]
    return Message(text=text, blocks=blocks)


def _initial(choices: dict[str, str], value: object) -> Option | None:
    """The option to pre-select for a stored answer (None when there is none)."""
    key = (
        {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)
    )
    return option(key, choices[key]) if value is not None and key in choices else None


def survey_modal(form: SurveyForm, private_metadata: str) -> View:
    """The survey: usefulness, recommend, confidence per tool (learners), what they learned
    about how the other side works, and at the end whether to continue with this partner."""
    answers = form.answers
    given = dict(answers.confidence) if answers else {}

    blocks: list[Block] = [
        section(f"About your cycle with {mention(form.partner)}."),
        inputs.select(
            BlockId.SURVEY_USEFULNESS,
            "How useful is reverse mentoring for you?",
            [option(v, label) for v, label in USEFULNESS.items()],
            initial=_initial(USEFULNESS, answers and answers.usefulness),
            placeholder="1 to 5",
        ),
        inputs.radio(
            BlockId.SURVEY_RECOMMEND,
            "Would you recommend it to a colleague?",
            [option(v, label) for v, label in YES_NO.items()],
            initial=_initial(YES_NO, answers and answers.recommend),
        ),
    ]
    for index, tool in enumerate(form.tools):
        rating = given.get(tool)
        blocks.append(
            inputs.select(
                confidence_block(index),
                f"How confident are you with {tool} today?",
                [option(v, label) for v, label in CONFIDENCE_LABELS.items()],
                initial=_initial(CONFIDENCE_LABELS, rating),
                placeholder="1 = never used it … 5 = could teach it",
                optional=True,
            )
        )
    blocks.append(
        inputs.text(
            BlockId.SURVEY_OTHER_SIDE,
            "What did you learn about how the other side works?",
            max_length=MAX_OTHER_SIDE,
            optional=True,
            hint="One sentence is plenty.",
            initial=answers.learned_other_side if answers else None,
        )
    )
    if form.stage == "end":
        blocks.append(
            inputs.radio(
                BlockId.SURVEY_CONTINUE,
                "Continue with this partner?",
                [option(v, label) for v, label in YES_NO.items()],
                initial=_initial(YES_NO, answers and answers.continue_pair),
            )
        )
    return modal(
        CallbackId.SURVEY, "Your survey", blocks, submit="Save", private_metadata=private_metadata
    )
