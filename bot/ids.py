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
    # Keep-alive: the check-in DM's buttons, every input of its modals, HR's stall-alert buttons.
    CHECKIN_MET = "checkin_met"
    CHECKIN_NOT_YET = "checkin_not_yet"
    CHECKIN_SKIP = "checkin_skip"
    CHECKIN_CANT = "checkin_cant"
    CHECKIN_ANSWER = "checkin_answer"
    STALL_NUDGE = "stall_nudge"
    STALL_TALK = "stall_talk"
    SETTINGS_ANSWER = "settings_answer"
    # The settings modal's "Start from a template" button, and the template modal's choice.
    SETTINGS_TEMPLATE = "settings_template"
    TEMPLATE_ANSWER = "template_answer"
    # Pair fit: each person's answer, HR's follow-up on "Not a good fit".
    FIT_GOOD = "fit_good"
    FIT_DECIDING = "fit_deciding"
    FIT_BAD = "fit_bad"
    FIT_REPAIR = "fit_repair"
    FIT_KEEP = "fit_keep"
    # Surveys: the DM's button, and every input of the survey modal.
    SURVEY_OPEN = "survey_open"
    SURVEY_ANSWER = "survey_answer"
    # Learning: every input of its modals, the guide's teach-back button, "Still using it?".
    LEARNING_ANSWER = "learning_answer"
    TEACH_BACK = "learning_teach_back"
    STILL_USING_YES = "learning_still_using_yes"
    STILL_USING_SOMETIMES = "learning_still_using_sometimes"
    STILL_USING_NO = "learning_still_using_no"
    # The Home tab's shortcuts for HR admins.
    HOME_SETTINGS = "home_settings"
    HOME_WORDING = "home_wording"
    # "Which program?": runs the command that asked in the program picked.
    PICK_PROGRAM = "pick_program"
    # HR's wording: the list's language picks, the edit modal's input and buttons.
    WORDING_EDIT = "wording_edit"
    WORDING_ANSWER = "wording_answer"
    WORDING_PREVIEW = "wording_preview"
    WORDING_RESET = "wording_reset"
    # The workspace's programs (`admin programs`): each one's buttons, New, every input of the
    # new-program modal.
    PROGRAMS_SETTINGS = "programs_settings"
    PROGRAMS_WORDING = "programs_wording"
    PROGRAMS_CLOSE = "programs_close"
    PROGRAMS_NEW = "programs_new"
    PROGRAMS_ANSWER = "programs_answer"


class CallbackId(StrEnum):
    """`callback_id`s of modals."""

    PROFILE = "profile"
    NOTICE = "notice"
    CHECKIN_MET = "checkin_met"
    CHECKIN_CANT = "checkin_cant"
    SETTINGS = "program_settings"
    PROGRAM_TEMPLATE = "program_template"
    SURVEY = "survey"
    BASELINE = "learning_baseline"
    TEACH_BACK = "learning_teach_back"
    WORDING_LIST = "wording_list"
    WORDING_EDIT = "wording_edit"
    WORDING_SAVED = "wording_saved"
    PROGRAMS_NEW = "programs_new"
    PROGRAMS_CREATED = "programs_created"


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
    # Keep-alive: the check-in buttons and modals, the stall alert, the settings modal.
    CHECKIN_ACTIONS = "checkin_actions"
    CHECKIN_COVERED = "checkin_covered"
    CHECKIN_OTHER = "checkin_other"
    CHECKIN_RATING = "checkin_rating"
    CHECKIN_LEARNED = "checkin_learned"
    CHECKIN_HR_NOTE = "checkin_hr_note"
    CHECKIN_CONFIDENCE = "checkin_confidence"
    CHECKIN_DIRECTION = "checkin_direction"
    CANT_CHOICE = "checkin_cant_choice"
    CANT_REASON = "checkin_cant_reason"
    STALL_ACTIONS = "stall_actions"
    SETTINGS_CYCLE_WEEKS = "settings_cycle_weeks"
    SETTINGS_NUDGE_DAY = "settings_nudge_day"
    SETTINGS_NUDGE_HOUR = "settings_nudge_hour"
    SETTINGS_CHECKIN_DELAY = "settings_checkin_delay"
    SETTINGS_STALL_WEEKS = "settings_stall_weeks"
    SETTINGS_TZ = "settings_tz_preference"
    SETTINGS_CHANNEL = "settings_announce_channel"
    SETTINGS_AUTO = "settings_auto_propose"
    SETTINGS_SHARED_TOOL = "settings_require_shared_tool"
    # Pair fit: the person's buttons, HR's buttons.
    FIT_ACTIONS = "fit_actions"
    FIT_HR_ACTIONS = "fit_hr_actions"
    # Surveys: the DM's button and the modal's inputs (one confidence block per tool:
    # `survey_confidence_<n>`, the tool's place in the list the modal was opened with).
    SURVEY_ACTIONS = "survey_actions"
    SURVEY_USEFULNESS = "survey_usefulness"
    SURVEY_RECOMMEND = "survey_recommend"
    SURVEY_CONFIDENCE = "survey_confidence"
    SURVEY_OTHER_SIDE = "survey_other_side"
    SURVEY_CONTINUE = "survey_continue"
    # Learning: one rating per tool (`learning_rating:<n>`), the teach-back, the follow-up.
    BASELINE_RATING = "learning_rating"
    TEACH_BACK_ACTIONS = "learning_teach_back_actions"
    TEACH_BACK_WHAT = "learning_teach_back_what"
    FOLLOW_UP_ACTIONS = "learning_follow_up_actions"
    SETTINGS_ANONYMITY_K = "settings_anonymity_k"
    # The directory: the profile field naming managers, the welcome to people who join.
    SETTINGS_MANAGER_FIELD = "settings_manager_field"
    SETTINGS_INVITE_NEW = "settings_invite_new_people"
    SETTINGS_LANGUAGE = "settings_language"
    SETTINGS_CADENCE = "settings_cadence"
    SETTINGS_PROGRAM_CHANNEL = "settings_program_channel"
    SETTINGS_NAME = "settings_name"
    SETTINGS_MANAGERS = "settings_managers"
    SETTINGS_PAUSED_UNTIL = "settings_paused_until"
    TEMPLATE_CHOICE = "template_choice"
    # HR's wording: the text being edited, the Preview and Reset buttons.
    WORDING_TEXT = "wording_text"
    WORDING_ACTIONS = "wording_actions"
    # The workspace's programs: each one's buttons (`programs_actions:<n>`), the new one's name
    # and template.
    PROGRAMS_ACTIONS = "programs_actions"
    PROGRAMS_NAME = "programs_name"
    PROGRAMS_TEMPLATE = "programs_template"
