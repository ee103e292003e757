"""Program settings: a row per program whose empty columns fall back to the environment.

Adding a setting: a nullable column on `models.ProgramSettings` (and a migration), a field on
`ProgramConfig`, its environment default in `defaults_from`, and one line in `_merge`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import LANGUAGES, _
from bot.install.keys import FIRST_PROGRAM, in_workspace, program_number, workspace_of
from bot.services.errors import NotFound, ProgramClosed
from bot.services.program.templates import PROGRAM_TEMPLATES, ProgramTemplate
from models import ProgramSettings, SettingsChange

TzPreference = Literal["prefer_close", "ignore"]
TZ_PREFERENCES: dict[str, TzPreference] = {"prefer_close": "prefer_close", "ignore": "ignore"}
# Text settings an empty value sets back to their default.
CLEARED_BY_EMPTY = (
    "announce_channel",
    "program_channel",
    "manager_field_id",
    "name",
    "paused_until",
)
# How far ahead HR may pause the whole program.
MAX_PROGRAM_PAUSE = timedelta(weeks=26)
# A program's name, as HR types it.
MAX_NAME = 60
# Program managers beside ROTNEM_ADMINS.
MAX_MANAGERS = 20
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Integer settings: (lowest, highest), also checked by the database.
RANGES: dict[str, tuple[int, int]] = {
    "cycle_weeks": (1, 52),
    "nudge_weekday": (0, 6),
    "nudge_hour": (0, 23),
    "checkin_delay_days": (1, 6),
    "stall_weeks": (1, 12),
    "anonymity_k": (2, 50),
}
# Prompts and check-ins every week, every two weeks, every four (monthly).
CADENCES = (1, 2, 4)
# The program templates, as the settings row may name them.
TEMPLATE_KEYS = tuple(PROGRAM_TEMPLATES)


@dataclass(frozen=True)
class ProgramConfig:
    """The settings in force for one program."""

    cycle_weeks: int = 12
    auto_propose_next_round: bool = False
    tz_preference: TzPreference = "prefer_close"
    # Keep-alive: the weekly prompt's day (0 = Monday) and hour in the learner's zone, the days
    # from a prompt to its check-in, the silent weeks before HR hears of a pair.
    nudge_weekday: int = 0
    nudge_hour: int = 10
    # A pair's prompt (and so its check-ins) comes every this many weeks, counted from its first.
    cadence_weeks: int = 1
    checkin_delay_days: int = 3
    stall_weeks: int = 3
    announce_channel: str | None = None
    # People who join this channel get an invitation to the program by DM.
    program_channel: str | None = None
    # Matching: pair only people who share a tool (else a shared tool is a preference).
    require_shared_tool: bool = False
    # The report shows any breakdown over fewer people than this as "fewer than k".
    anonymity_k: int = 5
    # The directory: the Slack profile field (type "user") naming each person's manager (None:
    # people pick their manager in the profile modal; the workspace's, set on its first
    # program), and a welcome DM to people who join.
    manager_field_id: str | None = None
    invite_new_people: bool = False
    # Channels, and people whose own language Rotnem does not speak, read this one.
    language: str = "en"
    # The template HR started from (`templates.py`), whose kickoff agreement introductions use.
    template: str | None = None
    # The name HR gave the program (None: the template's, else "Reverse mentoring").
    name: str | None = None
    # Slack users who administer the program beside ROTNEM_ADMINS (who alone appoint them).
    managers: tuple[str, ...] = ()
    # The whole program pauses (no prompts, so no check-ins nor stall alerts) before this day.
    paused_until: date | None = None

    def paused_on(self, day: date) -> bool:
        """Whether the program is paused on `day` (it runs again on `paused_until`)."""
        return self.paused_until is not None and day < self.paused_until


def cadence_misfit(config: ProgramConfig) -> str | None:
    """The setting that does not fit the cadence, if one: a cycle needs room for two sessions,
    and a stall alert must wait for more than the usual gap between two."""
    if config.cycle_weeks < 2 * config.cadence_weeks:
        return "cycle_weeks"
    if config.stall_weeks < config.cadence_weeks:
        return "stall_weeks"
    return None


def defaults_from(settings: Settings) -> ProgramConfig:
    """The environment's defaults (ROTNEM_CYCLE_WEEKS, ROTNEM_AUTO_PROPOSE_NEXT_ROUND, …)."""
    return ProgramConfig(
        cycle_weeks=settings.rotnem_cycle_weeks,
        auto_propose_next_round=settings.rotnem_auto_propose_next_round,
        tz_preference=settings.rotnem_tz_preference,
        nudge_weekday=WEEKDAYS.index(settings.rotnem_nudge_day),
        nudge_hour=settings.rotnem_nudge_hour,
        checkin_delay_days=settings.rotnem_checkin_delay_days,
        stall_weeks=settings.rotnem_stall_weeks,
        announce_channel=settings.rotnem_announce_channel,
        program_channel=settings.rotnem_program_channel,
        require_shared_tool=settings.rotnem_require_shared_tool,
        language=settings.rotnem_language,
    )


# Read on every Home open and every tick: a Core row, built once (the row is only written by
# `update_program_settings`, which flushes, so this read sees the session's changes).
_SETTINGS = select(*ProgramSettings.__table__.c).where(
    ProgramSettings.__table__.c.team_id == bindparam("team_id")
)


def _merge(defaults: ProgramConfig, row: ProgramSettings | Row[Any] | None) -> ProgramConfig:
    if row is None:
        return defaults
    config = defaults
    if row.cycle_weeks is not None:
        config = replace(config, cycle_weeks=row.cycle_weeks)
    if row.auto_propose_next_round is not None:
        config = replace(config, auto_propose_next_round=row.auto_propose_next_round)
    if row.tz_preference in TZ_PREFERENCES:
        config = replace(config, tz_preference=TZ_PREFERENCES[row.tz_preference])
    if row.cadence_weeks in CADENCES:
        config = replace(config, cadence_weeks=row.cadence_weeks)
    for name in ("nudge_weekday", "nudge_hour", "checkin_delay_days", "stall_weeks", "anonymity_k"):
        value = getattr(row, name)
        if value is not None:
            config = replace(config, **{name: value})
    if row.announce_channel:
        config = replace(config, announce_channel=row.announce_channel)
    if row.program_channel:
        config = replace(config, program_channel=row.program_channel)
    if row.require_shared_tool is not None:
        config = replace(config, require_shared_tool=row.require_shared_tool)
    if row.manager_field_id:
        config = replace(config, manager_field_id=row.manager_field_id)
    if row.invite_new_people is not None:
        config = replace(config, invite_new_people=row.invite_new_people)
    if row.language in LANGUAGES:
        config = replace(config, language=row.language)
    if row.template in TEMPLATE_KEYS:
        config = replace(config, template=row.template)
    if row.name:
        config = replace(config, name=row.name)
    if row.managers:
        config = replace(config, managers=tuple(str(user) for user in row.managers))
    if row.paused_until is not None:
        config = replace(config, paused_until=row.paused_until)
    return config


_MANAGER_FIELD = select(ProgramSettings.__table__.c.manager_field_id).where(
    ProgramSettings.__table__.c.team_id == bindparam("team_id")
)


async def program_config(
    session: AsyncSession, team_id: str, defaults: ProgramConfig
) -> ProgramConfig:
    """The program's settings, each one from its row or else from `defaults`; the manager
    field is the workspace's, as its first program's row names it (reporting lines are the
    company's: bot.services.directory). The environment's channels (ROTNEM_ANNOUNCE_CHANNEL,
    ROTNEM_PROGRAM_CHANNEL) are the first program's: a further program announces and invites
    only where HR set it to."""
    workspace = workspace_of(team_id)
    if workspace != team_id:
        defaults = replace(defaults, announce_channel=None, program_channel=None)
    config = _merge(defaults, (await session.execute(_SETTINGS, {"team_id": team_id})).first())
    if workspace != team_id:
        field_id = await session.scalar(_MANAGER_FIELD, {"team_id": workspace})
        config = replace(config, manager_field_id=field_id or defaults.manager_field_id)
    return config


def _shown(value: object) -> str | None:
    """A setting's value as the log keeps it: a list (the managers' IDs) whole, which the log
    and the confirmation's mentions need; any other value's first 100 characters."""
    if isinstance(value, tuple):
        return " ".join(value) or None
    return None if value is None else str(value)[:100]


_MANAGERS = select(ProgramSettings.__table__.c.managers).where(
    ProgramSettings.__table__.c.team_id == bindparam("team_id")
)


async def program_managers(session: AsyncSession, team_id: str) -> tuple[str, ...]:
    """The Slack users HR appointed to administer the program (not ROTNEM_ADMINS)."""
    managers = await session.scalar(_MANAGERS, {"team_id": team_id})
    return tuple(str(user) for user in managers or ())


async def managers_by_program(session: AsyncSession, workspace: str) -> dict[str, tuple[str, ...]]:
    """Each program of the workspace with managers, and its managers."""
    rows = await session.execute(
        select(ProgramSettings.team_id, ProgramSettings.managers).where(
            in_workspace(ProgramSettings.team_id, workspace)
        )
    )
    return {key: tuple(str(user) for user in managers) for key, managers in rows if managers}


async def hr_recipients(session: AsyncSession, team_id: str, admins: Iterable[str]) -> list[str]:
    """Who gets HR's messages (proposals, alerts): ROTNEM_ADMINS and the program's managers."""
    return sorted({*admins, *await program_managers(session, team_id)})


async def update_program_settings(
    session: AsyncSession,
    team_id: str,
    *,
    now: datetime,
    actor_id: str | None,
    cycle_weeks: int | None = None,
    auto_propose_next_round: bool | None = None,
    tz_preference: TzPreference | None = None,
    nudge_weekday: int | None = None,
    nudge_hour: int | None = None,
    cadence_weeks: int | None = None,
    checkin_delay_days: int | None = None,
    stall_weeks: int | None = None,
    announce_channel: str | None = None,
    program_channel: str | None = None,
    require_shared_tool: bool | None = None,
    anonymity_k: int | None = None,
    manager_field_id: str | None = None,
    invite_new_people: bool | None = None,
    language: str | None = None,
    template: str | None = None,
    name: str | None = None,
    managers: Sequence[str] | None = None,
    paused_until: date | Literal[""] | None = None,
    defaults: ProgramConfig | None = None,
) -> list[SettingsChange]:
    """Store the given settings for the program (None leaves a setting as it is; an empty
    `announce_channel` goes back to the environment's, an empty `manager_field_id` back to
    managers picked in the profile modal; only the first program keeps a manager field). Every
    change is logged (who, when, old → new, as values in force: from `defaults` where the row
    had none); returns the log."""
    values: dict[str, object] = {
        "cycle_weeks": cycle_weeks,
        "auto_propose_next_round": auto_propose_next_round,
        "tz_preference": tz_preference,
        "nudge_weekday": nudge_weekday,
        "nudge_hour": nudge_hour,
        "cadence_weeks": cadence_weeks,
        "checkin_delay_days": checkin_delay_days,
        "stall_weeks": stall_weeks,
        "announce_channel": announce_channel,
        "program_channel": program_channel,
        "require_shared_tool": require_shared_tool,
        "anonymity_k": anonymity_k,
        "manager_field_id": manager_field_id,
        "invite_new_people": invite_new_people,
        "language": language,
        "template": template,
        "name": name,
        "managers": sorted(set(managers)) if managers is not None else None,
        "paused_until": paused_until,
    }
    for setting, (lowest, highest) in RANGES.items():
        value = values[setting]
        if value is not None and not (isinstance(value, int) and lowest <= value <= highest):
            raise ValueError(f"{setting} must be between {lowest} and {highest}")
    if managers is not None and len(set(managers)) > MAX_MANAGERS:
        raise ValueError(f"at most {MAX_MANAGERS} managers")
    if name is not None and len(name) > MAX_NAME:
        raise ValueError(f"name must be at most {MAX_NAME} characters")
    if template is not None and template not in TEMPLATE_KEYS:
        raise ValueError(f"template must be one of {', '.join(TEMPLATE_KEYS)}")
    if cadence_weeks is not None and cadence_weeks not in CADENCES:
        raise ValueError(f"cadence_weeks must be one of {CADENCES}")
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    if manager_field_id is not None and workspace_of(team_id) != team_id:
        raise ValueError("the manager field is the workspace's: set it on its first program")
    row = await session.get(ProgramSettings, team_id, with_for_update=True)
    if row is None:
        # A further program's row is made with it (`programs.create_program`): a key that has
        # none names no program of the workspace.
        if program_number(team_id) != FIRST_PROGRAM:
            raise NotFound(_("That program does not exist any more."))
        row = ProgramSettings(team_id=team_id, updated_at=now)
        session.add(row)
    elif row.closed_at is not None:
        raise ProgramClosed(_("That program has closed: its settings stay as they were."))
    before = _merge(defaults or ProgramConfig(), row)
    for field_name, value in values.items():
        if value is None:
            continue
        empty_is_none = field_name in CLEARED_BY_EMPTY or field_name == "managers"
        setattr(row, field_name, (value or None) if empty_is_none else value)
    after = _merge(defaults or ProgramConfig(), row)
    misfit = cadence_misfit(after)
    if misfit is not None:
        raise ValueError(f"{misfit} does not fit a session every {after.cadence_weeks} weeks")
    changes = [
        SettingsChange(
            team_id=team_id,
            actor_id=actor_id,
            at=now,
            field=field.name,
            old_value=_shown(getattr(before, field.name)),
            new_value=_shown(getattr(after, field.name)),
        )
        for field in fields(ProgramConfig)
        if getattr(before, field.name) != getattr(after, field.name)
    ]
    session.add_all(changes)
    row.updated_at = now
    row.updated_by = actor_id
    await session.flush()
    return changes


async def apply_template(
    session: AsyncSession,
    team_id: str,
    template: ProgramTemplate,
    *,
    now: datetime,
    actor_id: str | None,
    defaults: ProgramConfig,
) -> list[SettingsChange]:
    """Set the program's cycle, cadence and stall alert to `template`'s, and its kickoff
    agreement to the template's own (`templates.py`); logged like any setting."""
    return await update_program_settings(
        session,
        team_id,
        now=now,
        actor_id=actor_id,
        cycle_weeks=template.cycle_weeks,
        cadence_weeks=template.cadence_weeks,
        stall_weeks=template.stall_weeks,
        template=template.key,
        defaults=defaults,
    )
