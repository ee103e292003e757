"""Modal submissions (`view_submission`) and closings."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import CallbackId
from handlers.views.checkins import cant_submission_callback, met_submission_callback
from handlers.views.profile import profile_submission_callback
from handlers.views.settings import settings_submission_callback


def register(app: AsyncApp) -> None:
    app.view(CallbackId.PROFILE)(profile_submission_callback)
    app.view(CallbackId.CHECKIN_MET)(met_submission_callback)
    app.view(CallbackId.CHECKIN_CANT)(cant_submission_callback)
    app.view(CallbackId.SETTINGS)(settings_submission_callback)
