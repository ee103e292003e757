"""Modal submissions (`view_submission`): one listener (`on_submission`) for every modal."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.blocks.learning import rating_block
from bot.ids import ActionId, BlockId, CallbackId
from handlers.kit import Modal, exactly, on_submission
from handlers.views import checkins, enrollment, learning, program, programs, surveys, wording


def register(app: AsyncApp) -> None:
    modals: dict[str, Modal] = {
        CallbackId.PROFILE: Modal(
            enrollment.profile, ActionId.PROFILE_ANSWER, BlockId.PROFILE_ROLE
        ),
        CallbackId.CHECKIN_MET: Modal(
            checkins.met, ActionId.CHECKIN_ANSWER, BlockId.CHECKIN_COVERED
        ),
        CallbackId.CHECKIN_CANT: Modal(checkins.cant, ActionId.CHECKIN_ANSWER, BlockId.CANT_CHOICE),
        CallbackId.BASELINE: Modal(learning.baseline, ActionId.LEARNING_ANSWER, rating_block(0)),
        CallbackId.TEACH_BACK: Modal(
            learning.teach_back, ActionId.LEARNING_ANSWER, BlockId.TEACH_BACK_WHAT
        ),
        CallbackId.SETTINGS: Modal(
            program.settings, ActionId.SETTINGS_ANSWER, BlockId.SETTINGS_CYCLE_WEEKS
        ),
        CallbackId.PROGRAM_TEMPLATE: Modal(
            program.template, ActionId.TEMPLATE_ANSWER, BlockId.TEMPLATE_CHOICE
        ),
        CallbackId.PROGRAMS_NEW: Modal(
            programs.create, ActionId.PROGRAMS_ANSWER, BlockId.PROGRAMS_NAME
        ),
        CallbackId.SURVEY: Modal(surveys.survey, ActionId.SURVEY_ANSWER, BlockId.SURVEY_USEFULNESS),
        CallbackId.WORDING_EDIT: Modal(wording.save, ActionId.WORDING_ANSWER, BlockId.WORDING_TEXT),
    }
    app.view(exactly(modals))(on_submission(modals))
