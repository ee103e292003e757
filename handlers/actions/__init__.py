"""Button clicks (`block_actions`): one listener (`on_click`) reads each click once and hands it
to the handler for its button."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from slack_bolt.async_app import AsyncApp

from bot.ids import ActionId
from handlers.actions import (
    checkins,
    enrollment,
    fit,
    learning,
    program,
    programs,
    rounds,
    stalls,
    surveys,
    wording,
)
from handlers.kit import Click, exactly, on_click


def register(app: AsyncApp, others: Mapping[str, Callable[[Click], Awaitable[None]]]) -> None:
    """The one `block_actions` listener: these buttons', and `others` (registered elsewhere)."""
    handlers: dict[str, Callable[[Click], Awaitable[None]]] = {
        action_id: handler
        for action_id, handler in (
            (ActionId.JOIN, enrollment.join),
            (ActionId.EDIT_PROFILE, enrollment.join),
            (ActionId.PAUSE, enrollment.pause),
            (ActionId.RESUME, enrollment.resume),
            (ActionId.LEAVE, enrollment.leave),
            (ActionId.LEAVE_CONFIRM, enrollment.leave_confirmed),
            (ActionId.LEAVE_CANCEL, enrollment.leave_cancelled),
            (ActionId.ROUND_APPROVE, rounds.approve),
            (ActionId.ROUND_DISCARD, rounds.discard),
            (ActionId.FIRST_SESSION_SCHEDULED, rounds.first_session),
            (ActionId.CYCLE_CONTINUE, rounds.cycle_continue),
            (ActionId.CYCLE_BREAK, rounds.cycle_break),
            (ActionId.CHECKIN_MET, checkins.met),
            (ActionId.CHECKIN_NOT_YET, checkins.not_yet),
            (ActionId.CHECKIN_SKIP, checkins.skip),
            (ActionId.CHECKIN_CANT, checkins.cant),
            (ActionId.STALL_NUDGE, stalls.nudge),
            (ActionId.STALL_TALK, stalls.talk),
            (ActionId.FIT_GOOD, fit.good),
            (ActionId.FIT_DECIDING, fit.deciding),
            (ActionId.FIT_BAD, fit.bad),
            (ActionId.FIT_REPAIR, fit.repair),
            (ActionId.FIT_KEEP, fit.keep),
            (ActionId.SURVEY_OPEN, surveys.open_survey),
            (ActionId.TEACH_BACK, learning.teach_back),
            (ActionId.STILL_USING_YES, learning.still_using_yes),
            (ActionId.STILL_USING_SOMETIMES, learning.still_using_sometimes),
            (ActionId.STILL_USING_NO, learning.still_using_no),
            (ActionId.SETTINGS_TEMPLATE, program.choose_template),
            (ActionId.HOME_SETTINGS, program.home_settings),
            (ActionId.HOME_WORDING, program.home_wording),
            (ActionId.PROGRAMS_SETTINGS, program.home_settings),
            (ActionId.PROGRAMS_WORDING, program.home_wording),
            (ActionId.PROGRAMS_NEW, programs.new_program),
            (ActionId.PROGRAMS_CLOSE, programs.close),
            (ActionId.WORDING_EDIT, wording.edit),
            (ActionId.WORDING_PREVIEW, wording.preview),
            (ActionId.WORDING_RESET, wording.reset),
        )
    }
    handlers.update(others)
    app.action(exactly(handlers))(on_click(handlers))
