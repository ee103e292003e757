"""Every kind of notice the bot sends: its renderer (bot/blocks) and after-send hook (services).

The one table the dispatcher renders with, built where a process is composed. Adding a kind:
define the notice in the service that sends it, its builder in bot/blocks, and one line here.
"""

from __future__ import annotations

from bot.blocks import (
    checkins,
    directory,
    enrollment,
    fit,
    learning,
    prompts,
    rounds,
    stalls,
    surveys,
)
from bot.blocks.message import rendered_message
from bot.delivery.kinds import NoticeKind, NoticeKinds
from bot.services import checkins as checkin_service
from bot.services import fit as fit_service
from bot.services import learning as learning_service
from bot.services import stalls as stall_service
from bot.services import surveys as survey_service
from bot.services.directory import ReportingLineNotice
from bot.services.enrollment.invites import InviteNotice, WelcomeNotice
from bot.services.notices import Rendered
from bot.services.prompts.tick import PromptNotice, remember_prompt_message
from bot.services.rounds.approve import (
    AnnouncementNotice,
    IntroNotice,
    WaitlistNotice,
    remember_group_dm,
)
from bot.services.rounds.cycles import CycleEndNotice
from bot.services.rounds.ending import PairEndedNotice, withdraw_if_ended
from bot.services.rounds.propose import ProposalNotice


def _partners(notice: PromptNotice | learning_service.TeachBackNotice) -> tuple[str, str]:
    """A pair's group DM is read by both partners."""
    return (notice.guide, notice.learner)


def notice_kinds() -> NoticeKinds:
    """The table of every notice kind, for the dispatcher."""
    return NoticeKinds(
        [
            NoticeKind(Rendered, rendered_message),
            NoticeKind(InviteNotice, enrollment.invite_message),
            NoticeKind(WelcomeNotice, enrollment.welcome_message),
            NoticeKind(ReportingLineNotice, directory.reporting_line_message),
            NoticeKind(IntroNotice, rounds.intro_message, after_send=remember_group_dm),
            NoticeKind(AnnouncementNotice, rounds.announcement_message),
            NoticeKind(WaitlistNotice, rounds.waitlist_message),
            NoticeKind(PairEndedNotice, rounds.pair_ended_message),
            NoticeKind(CycleEndNotice, rounds.cycle_end_message),
            NoticeKind(ProposalNotice, rounds.proposal_message),
            NoticeKind(
                PromptNotice,
                prompts.weekly_prompt_message,
                after_send=remember_prompt_message,
                readers=_partners,
                withdraw_if=withdraw_if_ended,
            ),
            NoticeKind(
                checkin_service.CheckinNotice,
                checkins.checkin_message,
                after_send=checkin_service.remember_checkin_message,
                withdraw_if=withdraw_if_ended,
            ),
            NoticeKind(checkin_service.CantMakeItNotice, checkins.hr_cant_make_it_message),
            NoticeKind(
                stall_service.StallAlertNotice,
                lambda notice: stalls.stall_alert_message(notice.view),
            ),
            NoticeKind(stall_service.StallNudgeNotice, stalls.stall_nudge_message),
            NoticeKind(stall_service.StallTalkNotice, stalls.stall_talk_message),
            NoticeKind(
                fit_service.FitNotice, fit.fit_message, after_send=fit_service.remember_fit_message
            ),
            NoticeKind(
                fit_service.FitAlertNotice, lambda notice: fit.fit_alert_message(notice.alert)
            ),
            NoticeKind(
                survey_service.SurveyNotice,
                surveys.survey_message,
                after_send=survey_service.remember_survey_message,
            ),
            NoticeKind(
                learning_service.TeachBackNotice, learning.teach_back_message, readers=_partners
            ),
            NoticeKind(
                learning_service.FollowUpNotice,
                learning.follow_up_message,
                after_send=learning_service.remember_follow_up_message,
            ),
        ]
    )
