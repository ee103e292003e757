"""Program settings per workspace, and the log of every change to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId, between, one_of


class ProgramSettings(Base):
    """One program's settings (`team_id` is the program's key, bot/install/keys.py); a NULL
    column means "the environment's default". A workspace's first program may have no row; each
    further program has one from the moment it is created.

    Add a setting as one more nullable column (and its default in
    `bot/services/program/settings.py`).
    """

    __tablename__ = "program_settings"
    __table_args__ = (
        between("cycle_weeks", 1, 52, nullable=True),
        one_of("tz_preference", ("prefer_close", "ignore"), nullable=True),
        # The weekly rhythm (bot/services/program/settings.py has the ranges the modal checks).
        between("nudge_weekday", 0, 6, nullable=True, name="nudge_day"),
        between("nudge_hour", 0, 23, nullable=True),
        between("checkin_delay_days", 1, 6, nullable=True, name="checkin_delay"),
        between("stall_weeks", 1, 12, nullable=True),
        between("anonymity_k", 2, 50, nullable=True),
        CheckConstraint("cadence_weeks IS NULL OR cadence_weeks IN (1, 2, 4)", name="cadence"),
    )

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cycle_weeks: Mapped[int | None] = mapped_column(Integer)
    auto_propose_next_round: Mapped[bool | None] = mapped_column(Boolean)
    tz_preference: Mapped[str | None] = mapped_column(String(16))
    # Keep-alive: weekly prompt day (0 = Monday) and hour in the learner's zone, the days from
    # a prompt to its check-in, the silent weeks before HR hears of a pair, the announcement
    # channel.
    nudge_weekday: Mapped[int | None] = mapped_column(Integer)
    # Prompts and check-ins every week (1), every two weeks (2) or every four (4).
    cadence_weeks: Mapped[int | None] = mapped_column(Integer)
    nudge_hour: Mapped[int | None] = mapped_column(Integer)
    checkin_delay_days: Mapped[int | None] = mapped_column(Integer)
    stall_weeks: Mapped[int | None] = mapped_column(Integer)
    announce_channel: Mapped[SlackId | None]
    # Whoever joins this channel is invited to the program by DM.
    program_channel: Mapped[SlackId | None]
    # Breakdowns over fewer people than this show as "fewer than k".
    anonymity_k: Mapped[int | None] = mapped_column(Integer)
    # Only pair people who share a tool (otherwise overlap is a preference, not a rule).
    require_shared_tool: Mapped[bool | None] = mapped_column(Boolean)
    # The Slack profile field (type "user") naming each person's manager; NULL: people type it.
    manager_field_id: Mapped[str | None] = mapped_column(String(32))
    # Welcome people who join the workspace with an invitation to the program.
    invite_new_people: Mapped[bool | None] = mapped_column(Boolean)
    # The program's language ("en", "fr", "es", "de"): for channels, for people whose Slack
    # language Rotnem does not speak, and for group DMs whose partners read different ones.
    language: Mapped[str | None] = mapped_column(String(8))
    # No prompts or check-ins before this day (a holiday break); NULL: running.
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Slack users who administer the program beside ROTNEM_ADMINS (a JSON list of user IDs).
    managers: Mapped[list[str] | None] = mapped_column(JSON)
    # The program's name as HR typed it (`{program}` in HR's wording, the Home tab's title).
    name: Mapped[str | None] = mapped_column(String(60))
    # The template HR started from ("tools_sprint" …): its kickoff agreement is the default.
    template: Mapped[str | None] = mapped_column(String(24))
    # Closed by HR: nobody joins, its pairs ended; its history stays for stats and exports.
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    updated_by: Mapped[SlackId | None]


class SettingsChange(Base):
    """Append-only: who changed which program setting, when, from what to what."""

    __tablename__ = "program_settings_changes"
    __table_args__ = (Index("ix_program_settings_changes_team_id_at", "team_id", "at"),)

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    actor_id: Mapped[SlackId | None]
    at: Mapped[datetime]
    field: Mapped[str] = mapped_column(String(40))
    # Values as shown: a text HR typed is cut to its first 100 characters, a list is kept whole.
    old_value: Mapped[str | None] = mapped_column(String(1000))
    new_value: Mapped[str | None] = mapped_column(String(1000))
