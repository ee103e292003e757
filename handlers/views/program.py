"""The program-settings modal's submission: every value checked, refused on its field when
invalid, stored, logged (who, when, old → new), and the admin told what changed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.errors import admins_only_message
from bot.blocks.program import CADENCE_PHRASES, NO_MANAGER_FIELD, settings_saved_message
from bot.blocks.wording import program_label
from bot.i18n import LANGUAGES, N_, _
from bot.ids import BlockId
from bot.install.keys import workspace_of
from bot.services.directory import ProfileField
from bot.services.errors import ProgramNameTaken
from bot.services.program.programs import check_default_name_free, check_name_free, open_programs
from bot.services.program.settings import (
    CADENCES,
    MAX_MANAGERS,
    MAX_NAME,
    MAX_PROGRAM_PAUSE,
    RANGES,
    ProgramConfig,
    apply_template,
    cadence_misfit,
    update_program_settings,
)
from bot.services.program.templates import PROGRAM_TEMPLATES
from bot.services.text import CONTROLS, has_controls, is_slack_id, whole_number
from handlers.directory import profile_fields
from handlers.kit import Submission, ViewState
from handlers.program_channels import program_channels

logger = logging.getLogger(__name__)

# Each field's refusal, in full (translated where it is shown).
NUMBERS = {
    BlockId.SETTINGS_CYCLE_WEEKS: (
        "cycle_weeks",
        N_("Cycle length: enter a whole number from {low} to {high}."),
    ),
    BlockId.SETTINGS_CHECKIN_DELAY: (
        "checkin_delay_days",
        N_("Check-in delay: enter a whole number from {low} to {high}."),
    ),
    BlockId.SETTINGS_STALL_WEEKS: (
        "stall_weeks",
        N_("Stall alert: enter a whole number from {low} to {high}."),
    ),
    BlockId.SETTINGS_ANONYMITY_K: (
        "anonymity_k",
        N_("Anonymity threshold: enter a whole number from {low} to {high}."),
    ),
}
SELECTS = {
    BlockId.SETTINGS_NUDGE_DAY: (
        "nudge_weekday",
        N_("Weekly prompt day: pick one of the options."),
    ),
    BlockId.SETTINGS_NUDGE_HOUR: ("nudge_hour", N_("Weekly prompt hour: pick one of the options.")),
}


def _is_channel(channel: str) -> bool:
    return channel[:1] in ("C", "G") and is_slack_id(channel)


async def _channels_without_rotnem(
    submission: Submission, parsed: dict[str, Any]
) -> dict[str, str]:
    """A field error for each channel picked that Rotnem is not in: it could neither announce
    there nor see who joins (conversations.info; a channel Slack does not answer for is let
    through, and the outbox says later what went wrong)."""
    errors: dict[str, str] = {}
    for block, name, label in (
        (BlockId.SETTINGS_CHANNEL, "announce_channel", N_("Announcement channel")),
        (BlockId.SETTINGS_PROGRAM_CHANNEL, "program_channel", N_("Program channel")),
    ):
        channel = parsed.get(name)
        if not channel:
            continue
        member = False
        try:
            info = await submission.client.conversations_info(channel=channel)
            member = bool((info.get("channel") or {}).get("is_member"))
        except SlackApiError as exc:
            if exc.response.get("error") != "channel_not_found":
                logger.warning("Could not check %s: %s", channel, exc.response.get("error"))
                continue
        if not member:
            errors[block] = _(
                "{setting}: Rotnem is not in that channel. Type /invite @Rotnem in it, then "
                "save again."
            ).format(setting=_(label))
    return errors


async def _channel_of_another(
    submission: Submission, session: AsyncSession, parsed: dict[str, Any]
) -> dict[str, str]:
    """The field error when the program channel picked is another open program's: whoever
    joins it is invited to one program only."""
    picked = parsed.get("program_channel")
    if not picked:
        return {}
    programs = await open_programs(session, workspace_of(submission.team_id))
    for program, channel in await program_channels(submission.deps, session, programs):
        if channel == picked and program.key != submission.team_id:
            return {
                BlockId.SETTINGS_PROGRAM_CHANNEL: _(
                    "Program channel: that channel is already {program}'s program channel. "
                    "Pick another."
                ).format(program=program_label(program.name, program.template))
            }
    return {}


def _in_range(raw: str | None, name: str) -> int | None:
    return whole_number(raw, *RANGES[name])


def parse_settings(state: ViewState) -> tuple[dict[str, Any], dict[str, str]]:
    """The modal's answers as `update_program_settings` keywords, and errors by block."""
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for block, (name, refusal) in NUMBERS.items():
        value = _in_range(state.text(block), name)
        if value is None:
            low, high = RANGES[name]
            errors[block] = _(refusal).format(low=low, high=high)
        else:
            parsed[name] = value
    for block, (name, refusal) in SELECTS.items():
        value = _in_range(state.selected(block), name)
        if value is None:
            errors[block] = _(refusal)
        else:
            parsed[name] = value
    tz = state.selected(BlockId.SETTINGS_TZ)
    if tz not in ("prefer_close", "ignore"):
        errors[BlockId.SETTINGS_TZ] = _("Time zones in matching: pick one of the options.")
    else:
        parsed["tz_preference"] = tz
    auto = state.selected(BlockId.SETTINGS_AUTO)
    if auto not in ("yes", "no"):
        errors[BlockId.SETTINGS_AUTO] = _("Propose the next round automatically: yes or no.")
    else:
        parsed["auto_propose_next_round"] = auto == "yes"
    shared = state.selected(BlockId.SETTINGS_SHARED_TOOL)
    if shared not in ("yes", "no"):
        errors[BlockId.SETTINGS_SHARED_TOOL] = _("Pairs must share a tool: yes or no.")
    else:
        parsed["require_shared_tool"] = shared == "yes"
    channel = state.conversation(BlockId.SETTINGS_CHANNEL)
    if channel is not None and not _is_channel(channel):
        errors[BlockId.SETTINGS_CHANNEL] = _("Announcement channel: pick a channel, not a person.")
    else:
        parsed["announce_channel"] = channel or ""
    # Not answered (a modal opened before this setting existed): left as it is.
    if state.answered(BlockId.SETTINGS_NAME):
        name = " ".join((state.text(BlockId.SETTINGS_NAME) or "").split())
        if has_controls(name):
            errors[BlockId.SETTINGS_NAME] = _(CONTROLS)
        elif len(name) > MAX_NAME:
            errors[BlockId.SETTINGS_NAME] = _(
                "Program name: at most {limit} characters (this one has {length})."
            ).format(limit=MAX_NAME, length=len(name))
        else:
            parsed["name"] = name
    if state.answered(BlockId.SETTINGS_PAUSED_UNTIL):
        picked = state.date(BlockId.SETTINGS_PAUSED_UNTIL)
        try:
            parsed["paused_until"] = date.fromisoformat(picked) if picked else ""
        except ValueError:
            errors[BlockId.SETTINGS_PAUSED_UNTIL] = _(
                "Pause the program until: pick a day in the calendar."
            )
    if state.answered(BlockId.SETTINGS_MANAGERS):
        managers = state.users(BlockId.SETTINGS_MANAGERS)
        if len(set(managers)) > MAX_MANAGERS or not all(
            user[:1] in ("U", "W") and is_slack_id(user) for user in managers
        ):
            errors[BlockId.SETTINGS_MANAGERS] = _(
                "Program managers: pick at most {limit} people."
            ).format(limit=MAX_MANAGERS)
        else:
            parsed["managers"] = managers
    if state.answered(BlockId.SETTINGS_PROGRAM_CHANNEL):
        joined = state.conversation(BlockId.SETTINGS_PROGRAM_CHANNEL)
        if joined is not None and not _is_channel(joined):
            errors[BlockId.SETTINGS_PROGRAM_CHANNEL] = _(
                "Program channel: pick a channel, not a person."
            )
        else:
            parsed["program_channel"] = joined or ""
    # Not answered (a modal opened before this setting existed, or a further program's, which
    # does not welcome the workspace's newcomers): left as it is.
    invite = state.selected(BlockId.SETTINGS_INVITE_NEW)
    if invite is not None and invite not in ("yes", "no"):
        errors[BlockId.SETTINGS_INVITE_NEW] = _("Invite people who join the workspace: yes or no.")
    elif invite is not None:
        parsed["invite_new_people"] = invite == "yes"
    # Not answered (a modal opened before this setting existed): left as it is.
    cadence = whole_number(state.selected(BlockId.SETTINGS_CADENCE))
    if state.selected(BlockId.SETTINGS_CADENCE) is not None and cadence not in CADENCES:
        errors[BlockId.SETTINGS_CADENCE] = _("Prompts and check-ins: pick one of the options.")
    elif cadence is not None:
        parsed["cadence_weeks"] = cadence
    language = state.selected(BlockId.SETTINGS_LANGUAGE)
    if language is not None and language not in LANGUAGES:
        errors[BlockId.SETTINGS_LANGUAGE] = _("Program language: pick one of the options.")
    elif language is not None:
        parsed["language"] = language
    return parsed, errors


def check_manager_field(
    picked: str | None, fields: Sequence[ProfileField] | None
) -> tuple[str | None, str | None]:
    """The manager field to store ("" for none) or the error to show: only a field Slack lists
    with type "user" can name a manager."""
    if picked is None or picked == NO_MANAGER_FIELD:
        return "", None
    if fields is None:
        return None, _("Slack didn't list the profile fields just now: try again in a minute.")
    field = next((f for f in fields if f.id == picked), None)
    if field is None:
        return None, _("That profile field is no longer in Slack: pick another one.")
    if not field.names_a_person:
        return None, _(
            "“{field}” holds text, not a person: pick a field of type Person (user), or None."
        ).format(field=field.label)
    return field.id, None


def _pause_in_range(submission: Submission, parsed: dict[str, Any]) -> dict[str, str]:
    """A program pause ends after today and within six months."""
    until = parsed.get("paused_until")
    if not isinstance(until, date):
        return {}
    today = submission.deps.clock.now().astimezone(submission.deps.settings.zone).date()
    if today < until <= today + MAX_PROGRAM_PAUSE:
        return {}
    return {
        BlockId.SETTINGS_PAUSED_UNTIL: _(
            "Pause the program until: pick a day after today and within six months, or leave it "
            "empty to run the program."
        )
    }


def _managers_kept(
    submission: Submission, current: ProgramConfig, parsed: dict[str, Any]
) -> dict[str, str]:
    """A manager may change every setting but who the managers are: only ROTNEM_ADMINS, who
    answer for the program, appoint them (else a manager could add anyone, or remove the
    others)."""
    if "managers" not in parsed or submission.user_id in submission.deps.settings.rotnem_admins:
        return {}
    if set(parsed["managers"]) == set(current.managers):
        return {}
    return {
        BlockId.SETTINGS_MANAGERS: _(
            "Program managers: only Rotnem's administrators (ROTNEM_ADMINS) change this list."
        )
    }


async def _name_taken(
    session: AsyncSession, key: str, current: ProgramConfig, parsed: dict[str, Any]
) -> dict[str, str]:
    """A name another program of the workspace already goes by is refused on its field: people
    pick between programs by name. A name cleared leaves the template's, which is checked too."""
    if "name" not in parsed:
        return {}
    try:
        if parsed["name"]:
            await check_name_free(session, workspace_of(key), parsed["name"], keep=key)
        else:
            await check_default_name_free(session, workspace_of(key), key, current.template)
    except ProgramNameTaken as taken:
        return {BlockId.SETTINGS_NAME: taken.message}
    return {}


def _cadence_misfit(current: ProgramConfig, parsed: dict[str, Any]) -> dict[str, str]:
    """The field error when the cadence and the settings it depends on, as they would be saved,
    do not fit together (the service refuses them too)."""
    known = {name: value for name, value in parsed.items() if hasattr(current, name)}
    after = replace(current, **known)
    misfit = cadence_misfit(after)
    every = _(CADENCE_PHRASES[after.cadence_weeks])
    if misfit == "cycle_weeks":
        return {
            BlockId.SETTINGS_CYCLE_WEEKS: _(
                "Cycle length: {weeks} weeks or more leaves room for two sessions {every}."
            ).format(weeks=2 * after.cadence_weeks, every=every)
        }
    if misfit == "stall_weeks":
        return {
            BlockId.SETTINGS_STALL_WEEKS: _(
                "Stall alert: with sessions {every}, wait {weeks} weeks or more, or HR is "
                "alerted between two sessions."
            ).format(weeks=after.cadence_weeks, every=every)
        }
    return {}


async def settings(submission: Submission) -> None:
    deps = submission.deps
    if not await submission.is_admin():
        await submission.errors({BlockId.SETTINGS_CYCLE_WEEKS: admins_only_message().text[:150]})
        return
    parsed, errors = parse_settings(submission.state)
    # Not answered (a modal opened before this setting existed, or a further program's, which
    # shows the workspace's field instead of choosing one): left as it is.
    picked = submission.state.selected(BlockId.SETTINGS_MANAGER_FIELD)
    if workspace_of(submission.team_id) != submission.team_id:
        # The manager field and welcoming newcomers are the workspace's (its first program's).
        picked = None
        parsed.pop("invite_new_people", None)
    fields = await profile_fields(submission.client, deps, submission.team_id)
    field_id, field_error = check_manager_field(picked, fields)
    if field_error is not None:
        errors[BlockId.SETTINGS_MANAGER_FIELD] = field_error
    elif picked is not None:
        parsed["manager_field_id"] = field_id
    if not errors:
        errors.update(_pause_in_range(submission, parsed))
        # The settings in force, read once for the checks that compare with them.
        async with deps.sessionmaker() as session:
            current = await deps.program_config(session, submission.team_id)
            errors.update(await _name_taken(session, submission.team_id, current, parsed))
            errors.update(await _channel_of_another(submission, session, parsed))
        errors.update(_managers_kept(submission, current, parsed))
        errors.update(_cadence_misfit(current, parsed))
        errors.update(await _channels_without_rotnem(submission, parsed))
    if errors:
        await submission.errors(errors)
        return
    async with submission.saving() as session:
        changes = await update_program_settings(
            session,
            submission.team_id,
            now=deps.clock.now(),
            actor_id=submission.user_id,
            defaults=deps.program_defaults,
            **parsed,
        )
        # The manager field is named by its label in Slack, not its ID.
        labels = {f.id: f.label for f in fields or ()}

        def shown(field: str, value: str | None) -> str | None:
            return labels.get(value or "", value) if field == "manager_field_id" else value

        summary = [
            (c.field, shown(c.field, c.old_value), shown(c.field, c.new_value)) for c in changes
        ]
    # Channels and people without a language of ours read the new one from now on (other
    # processes within minutes: bot/languages.py).
    deps.languages.forget(submission.team_id)
    await _confirm(submission, summary)


async def _confirm(
    submission: Submission, summary: Sequence[tuple[str, str | None, str | None]]
) -> None:
    """The admin's DM after a save: each change, old → new (a failure is only logged)."""
    try:
        await submission.client.chat_postMessage(
            channel=submission.user_id, **settings_saved_message(summary).to_dict()
        )
    except SlackApiError as exc:
        logger.warning("Could not confirm the settings change: %s", exc.response.get("error"))


async def template(submission: Submission) -> None:
    """A template applied: the cycle, cadence and stall alert it sets, its kickoff agreement;
    both modals close and the admin gets the changes by DM, as after the settings."""
    deps = submission.deps
    if not await submission.is_admin():
        await submission.refuse(admins_only_message())
        return
    chosen = PROGRAM_TEMPLATES.get(submission.state.selected(BlockId.TEMPLATE_CHOICE) or "")
    if chosen is None:
        await submission.errors({BlockId.TEMPLATE_CHOICE: _("Pick one of the templates.")})
        return
    key = submission.team_id
    async with deps.sessionmaker() as session:
        # An unnamed program goes by its template's name: not one another program goes by.
        if not (await deps.program_config(session, key)).name:
            try:
                await check_default_name_free(session, workspace_of(key), key, chosen.key)
            except ProgramNameTaken as taken:
                await submission.errors({BlockId.TEMPLATE_CHOICE: taken.message})
                return
    async with submission.saving() as session:
        changes = await apply_template(
            session,
            submission.team_id,
            chosen,
            now=deps.clock.now(),
            actor_id=submission.user_id,
            defaults=deps.program_defaults,
        )
        submission.then_close_all()
    await _confirm(submission, [(c.field, c.old_value, c.new_value) for c in changes])
