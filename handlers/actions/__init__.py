"""Button clicks and other `block_actions`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import ActionId
from handlers.actions.checkins import (
    cant_callback,
    met_callback,
    not_yet_callback,
    skip_callback,
)
from handlers.actions.home_participation import leave_callback, pause_callback, resume_callback
from handlers.actions.join import join_callback
from handlers.actions.leave_confirm import leave_cancel_callback, leave_confirm_callback
from handlers.actions.rounds import (
    approve_callback,
    cycle_break_callback,
    cycle_continue_callback,
    discard_callback,
    first_session_callback,
)
from handlers.actions.stalls import nudge_callback, talk_callback


def register(app: AsyncApp) -> None:
    app.action(ActionId.JOIN)(join_callback)
    app.action(ActionId.EDIT_PROFILE)(join_callback)
    app.action(ActionId.PAUSE)(pause_callback)
    app.action(ActionId.RESUME)(resume_callback)
    app.action(ActionId.LEAVE)(leave_callback)
    app.action(ActionId.LEAVE_CONFIRM)(leave_confirm_callback)
    app.action(ActionId.LEAVE_CANCEL)(leave_cancel_callback)
    app.action(ActionId.ROUND_APPROVE)(approve_callback)
    app.action(ActionId.ROUND_DISCARD)(discard_callback)
    app.action(ActionId.FIRST_SESSION_SCHEDULED)(first_session_callback)
    app.action(ActionId.CYCLE_CONTINUE)(cycle_continue_callback)
    app.action(ActionId.CYCLE_BREAK)(cycle_break_callback)
    app.action(ActionId.CHECKIN_MET)(met_callback)
    app.action(ActionId.CHECKIN_NOT_YET)(not_yet_callback)
    app.action(ActionId.CHECKIN_SKIP)(skip_callback)
    app.action(ActionId.CHECKIN_CANT)(cant_callback)
    app.action(ActionId.STALL_NUDGE)(nudge_callback)
    app.action(ActionId.STALL_TALK)(talk_callback)
