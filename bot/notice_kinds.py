"""Every kind of notice the bot sends: its renderer (bot/blocks) and after-send hook (services).

The one table the dispatcher renders with, built where a process is composed. Adding a kind:
define the notice in its service, its builder in bot/blocks, and one line here.
"""

from __future__ import annotations

from bot.blocks import checkins, enrollment, prompts, rounds, stats
from bot.blocks.message import rendered_message
from bot.delivery.kinds import NoticeKind, NoticeKinds
from bot.services import checkins as checkin_service
from bot.services import enrollment as enrollment_service
from bot.services import prompts as prompt_service
from bot.services import stalls as stall_service
from bot.services.notices import Rendered
from bot.services.rounds import notices as round_notices


def notice_kinds() -> NoticeKinds:
    """The table of every notice kind, for the dispatcher."""
    return NoticeKinds(
        [
            NoticeKind(Rendered, rendered_message),
            NoticeKind(enrollment_service.InviteNotice, enrollment.invite_message),
            NoticeKind(
                round_notices.IntroNotice,
                rounds.intro_message,
                after_send=round_notices.remember_group_dm,
            ),
            NoticeKind(round_notices.AnnouncementNotice, rounds.announcement_message),
            NoticeKind(round_notices.WaitlistNotice, rounds.waitlist_message),
            NoticeKind(round_notices.PairEndedNotice, rounds.pair_ended_message),
            NoticeKind(round_notices.CycleEndNotice, rounds.cycle_end_message),
            NoticeKind(round_notices.ProposalNotice, rounds.proposal_message),
            NoticeKind(
                prompt_service.PromptNotice,
                prompts.weekly_prompt_message,
                after_send=prompt_service.remember_prompt_message,
            ),
            NoticeKind(
                checkin_service.CheckinNotice,
                checkins.checkin_message,
                after_send=checkin_service.remember_checkin_message,
            ),
            NoticeKind(checkin_service.CantMakeItNotice, checkins.hr_cant_make_it_message),
            NoticeKind(
                stall_service.StallAlertNotice,
                lambda notice: stats.stall_alert_message(notice.view),
            ),
            NoticeKind(stall_service.StallNudgeNotice, stats.stall_nudge_message),
            NoticeKind(stall_service.StallTalkNotice, stats.stall_talk_message),
        ]
    )
