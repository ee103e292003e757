"""Modal submissions (`view_submission`)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import ActionId, CallbackId
from handlers.kit import on_submission
from handlers.views import checkins, enrollment, program


def register(app: AsyncApp) -> None:
    app.view(CallbackId.PROFILE)(on_submission(enrollment.profile, ActionId.PROFILE_ANSWER))
    app.view(CallbackId.CHECKIN_MET)(on_submission(checkins.met, ActionId.CHECKIN_ANSWER))
    app.view(CallbackId.CHECKIN_CANT)(on_submission(checkins.cant, ActionId.CHECKIN_ANSWER))
    app.view(CallbackId.SETTINGS)(on_submission(program.settings, ActionId.SETTINGS_ANSWER))
