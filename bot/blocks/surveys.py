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
from bot.blocks.learning import CONFIDENCE_LABELS, label, labelled_options
from bot.blocks.message import Message
from bot.blocks.wording import worded
from bot.i18n import N_, _, long_date
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.surveys import MAX_OTHER_SIDE, SurveyForm, SurveyNotice

inputs = Inputs(ActionId.SURVEY_ANSWER)
# Labels marked for the catalog, translated where shown.
USEFULNESS = {
    "1": N_("1 — not useful"),
    "2": "2",
    "3": N_("3 — useful"),
    "4": "4",
    "5": N_("5 — very useful"),
}
YES_NO = {"yes": N_("Yes"), "no": N_("No")}
# "Thanks, saved" per stage.
SAVED = {
    "mid": N_("✅ Thanks — your mid-cycle survey is saved."),
    "end": N_("✅ Thanks — your end-of-cycle survey is saved."),
}


def confidence_block(index: int) -> str:
    """The block of the confidence question for the modal's `index`-th tool."""
    return f"{BlockId.SURVEY_CONFIDENCE}_{index}"


def _private(partner: str, closes_on_last: str) -> str:
    return _(
        "Private: HR reads the answers (in aggregate), {partner} never sees yours. "
        "You can change them until {day}."
    ).format(partner=mention(partner), day=closes_on_last)


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
    lead = worded(
        "survey_mid" if notice.stage == "mid" else "survey_end", partner=mention(notice.partner)
    )
    if notice.attempt > 1:
        lead = _("A gentle reminder, in case it slipped by: {message}").format(message=lead)
    blocks: list[Block] = [
        section(lead),
        _open_button(notice.survey_id, _("Answer the survey")),
        context(_private(notice.partner, _last_day(notice))),
    ]
    return Message(text=lead, blocks=blocks)


def survey_saved_message(form: SurveyForm) -> Message:
    """The DM once answered: thanks, and a button to change the answers while open."""
    text = _(SAVED.get(form.stage, SAVED["mid"]))
    blocks: list[Block] = [
        section(text),
        _open_button(form.survey_id, _("Change my answers")),
        context(_private(form.partner, _last_day(form))),
    ]
    return Message(text=text, blocks=blocks)


def _initial(choices: dict[str, str], value: object) -> Option | None:
    """The option to pre-select for a stored answer (None when there is none)."""
    key = (
        {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)
    )
    return option(key, label(choices[key])) if value is not None and key in choices else None


def survey_modal(form: SurveyForm, private_metadata: str) -> View:
    """The survey: usefulness, recommend, confidence per tool (learners), what they learned
    about how the other side works, and at the end whether to continue with this partner."""
    answers = form.answers
    given = dict(answers.confidence) if answers else {}

    blocks: list[Block] = [
        section(_("About your cycle with {partner}.").format(partner=mention(form.partner))),
        inputs.select(
            BlockId.SURVEY_USEFULNESS,
            _("How useful is reverse mentoring for you?"),
            labelled_options(USEFULNESS),
            initial=_initial(USEFULNESS, answers and answers.usefulness),
            placeholder=_("1 to 5"),
        ),
        inputs.radio(
            BlockId.SURVEY_RECOMMEND,
            _("Would you recommend it to a colleague?"),
            labelled_options(YES_NO),
            initial=_initial(YES_NO, answers and answers.recommend),
        ),
    ]
    for index, tool in enumerate(form.tools):
        rating = given.get(tool)
        blocks.append(
            inputs.select(
                confidence_block(index),
                _("How confident are you with {tool} today?").format(tool=tool),
                labelled_options(CONFIDENCE_LABELS),
                initial=_initial(CONFIDENCE_LABELS, rating),
                placeholder=_("1 = never used it … 5 = could teach it"),
                optional=True,
            )
        )
    blocks.append(
        inputs.text(
            BlockId.SURVEY_OTHER_SIDE,
            _("What did you learn about how the other side works?"),
            max_length=MAX_OTHER_SIDE,
            optional=True,
            hint=_("One sentence is plenty."),
            initial=answers.learned_other_side if answers else None,
        )
    )
    if form.stage == "end":
        blocks.append(
            inputs.radio(
                BlockId.SURVEY_CONTINUE,
                _("Continue with this partner?"),
                labelled_options(YES_NO),
                initial=_initial(YES_NO, answers and answers.continue_pair),
            )
        )
    return modal(
        CallbackId.SURVEY,
        _("Your survey"),
        blocks,
        submit=_("Save"),
        private_metadata=private_metadata,
    )
