"""Program settings: a row per workspace whose empty columns fall back to the environment.

Adding a setting: a nullable column on `models.ProgramSettings` (and a migration), a field on
`ProgramConfig`, its environment default in `defaults_from`, and one line in `_merge`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from models import ProgramSettings

TzPreference = Literal["prefer_close", "ignore"]
TZ_PREFERENCES: dict[str, TzPreference] = {"prefer_close": "prefer_close", "ignore": "ignore"}


@dataclass(frozen=True)
class ProgramConfig:
    """The settings in force for one workspace."""

    cycle_weeks: int = 12
    auto_propose_next_round: bool = False
    tz_preference: TzPreference = "prefer_close"


def defaults_from(settings: Settings) -> ProgramConfig:
    """The environment's defaults (ROTNEM_CYCLE_WEEKS, ROTNEM_AUTO_PROPOSE_NEXT_ROUND, …)."""
    return ProgramConfig(
        cycle_weeks=settings.rotnem_cycle_weeks,
        auto_propose_next_round=settings.rotnem_auto_propose_next_round,
        tz_preference=settings.rotnem_tz_preference,
    )


def _merge(defaults: ProgramConfig, row: ProgramSettings | None) -> ProgramConfig:
    if row is None:
        return defaults
    config = defaults
    if row.cycle_weeks is not None:
        config = replace(config, cycle_weeks=row.cycle_weeks)
    if row.auto_propose_next_round is not None:
        config = replace(config, auto_propose_next_round=row.auto_propose_next_round)
    if row.tz_preference in TZ_PREFERENCES:
        config = replace(config, tz_preference=TZ_PREFERENCES[row.tz_preference])
    return config


async def program_config(
    session: AsyncSession, team_id: str, defaults: ProgramConfig
) -> ProgramConfig:
    """The workspace's settings, each one from its row or else from `defaults`."""
    return _merge(defaults, await session.get(ProgramSettings, team_id))


async def update_program_settings(
    session: AsyncSession,
    team_id: str,
    *,
    now: datetime,
    actor_id: str | None,
    cycle_weeks: int | None = None,
    auto_propose_next_round: bool | None = None,
    tz_preference: TzPreference | None = None,
) -> None:
    """Store the given settings for the workspace (None leaves a setting as it is)."""
    row = await session.get(ProgramSettings, team_id, with_for_update=True)
    if row is None:
        row = ProgramSettings(team_id=team_id, updated_at=now)
        session.add(row)
    if cycle_weeks is not None:
        if not 1 <= cycle_weeks <= 52:
            raise ValueError("a cycle lasts 1 to 52 weeks")
        row.cycle_weeks = cycle_weeks
    if auto_propose_next_round is not None:
        row.auto_propose_next_round = auto_propose_next_round
    if tz_preference is not None:
        row.tz_preference = tz_preference
    row.updated_at = now
    row.updated_by = actor_id
    await session.flush()
