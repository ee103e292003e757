"""Modal submissions (`view_submission`)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.blocks.learning import rating_block
from bot.ids import ActionId, BlockId, CallbackId
from handlers.kit import on_submission
from handlers.views import checkins, enrollment, learning, program, surveys


def register(app: AsyncApp) -> None:
    for callback_id, handler, action_id, refusals_on in (
        (CallbackId.PROFILE, enrollment.profile, ActionId.PROFILE_ANSWER, BlockId.PROFILE_ROLE),
        (CallbackId.CHECKIN_MET, checkins.met, ActionId.CHECKIN_ANSWER, BlockId.CHECKIN_COVERED),
        (CallbackId.CHECKIN_CANT, checkins.cant, ActionId.CHECKIN_ANSWER, BlockId.CANT_CHOICE),
        (CallbackId.BASELINE, learning.baseline, ActionId.LEARNING_ANSWER, rating_block(0)),
        (
            CallbackId.TEACH_BACK,
            learning.teach_back,
            ActionId.LEARNING_ANSWER,
            BlockId.TEACH_BACK_WHAT,
        ),
        (
            CallbackId.SETTINGS,
            program.settings,
            ActionId.SETTINGS_ANSWER,
            BlockId.SETTINGS_CYCLE_WEEKS,
        ),
        (CallbackId.SURVEY, surveys.survey, ActionId.SURVEY_ANSWER, BlockId.SURVEY_USEFULNESS),
    ):
        app.view(callback_id)(on_submission(handler, action_id, refusals_on=refusals_on))
