"""Slack action, callback and block IDs in one place, where IDs meet functions."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """`action_id`s of interactive elements."""

    # Enrollment: Home tab buttons, the program-channel invite, the leave confirmation.
    JOIN = "enrollment_join"
    EDIT_PROFILE = "enrollment_edit_profile"
    PAUSE = "enrollment_pause"
    RESUME = "enrollment_resume"
    LEAVE = "enrollment_leave"
    LEAVE_CONFIRM = "enrollment_leave_confirm"
    LEAVE_CANCEL = "enrollment_leave_cancel"
    # Every input of the profile modal (unique per block is all Slack asks).
    PROFILE_ANSWER = "profile_answer"
    # Pairing: the admin's proposal, the introduction, the end-of-cycle question.
    ROUND_APPROVE = "round_approve"
    ROUND_DISCARD = "round_discard"
    FIRST_SESSION_SCHEDULED = "pair_first_session_scheduled"
    CYCLE_CONTINUE = "cycle_continue"
    CYCLE_BREAK = "cycle_break"


class CallbackId(StrEnum):
    """`callback_id`s of modals."""

    PROFILE = "profile"
    NOTICE = "notice"


class BlockId(StrEnum):
    """`block_id`s our handlers read back (modal inputs, where validation errors point)."""

    PROFILE_ROLE = "profile_role"
    PROFILE_TEACH = "profile_teach"
    PROFILE_TEACH_OTHER = "profile_teach_other"
    PROFILE_LEARN = "profile_learn"
    PROFILE_LEARN_OTHER = "profile_learn_other"
    PROFILE_SHARE = "profile_share"
    PROFILE_DEPARTMENT = "profile_department"
    PROFILE_MANAGER = "profile_manager"
    PROFILE_CAPACITY = "profile_capacity"
    PROFILE_GOALS = "profile_goals"
    # Pairing: the buttons' blocks (their values carry the round or pair ID).
    ROUND_DECISION = "round_decision"
    INTRO_ACTIONS = "intro_actions"
    CYCLE_END_ACTIONS = "cycle_end_actions"
