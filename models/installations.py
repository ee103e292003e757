"""Slack installations (OAuth): bot tokens per workspace or Grid org, and pending install states.

These are slack_sdk's own tables (`slack_bots`, `slack_installations`, `slack_oauth_states`),
which its async SQLAlchemy stores read and write (bot/install/stores.py). They are declared here,
column for column as slack_sdk's table builders declare them, so that Alembic creates them on both
backends; `tests/models/test_installations.py` fails if slack_sdk's schema and this one drift.
(Not built by importing slack_sdk's builders: models, and the services above them, must load
without the Slack client.)
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, func

from models.base import Base

BOTS_TABLE = "slack_bots"
INSTALLATIONS_TABLE = "slack_installations"
OAUTH_STATES_TABLE = "slack_oauth_states"


def _who() -> list[Column[object]]:
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("client_id", String(32), nullable=False),
        Column("app_id", String(32), nullable=False),
        Column("enterprise_id", String(32)),
        Column("enterprise_name", String(200)),
    ]


def _bot() -> list[Column[object]]:
    return [
        Column("bot_token", String(200)),
        Column("bot_id", String(32)),
        Column("bot_user_id", String(32)),
        Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", String(200)),
        Column("bot_token_expires_at", DateTime),
    ]


SlackBots = Table(
    BOTS_TABLE,
    Base.metadata,
    *_who(),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot(),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(f"{BOTS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

SlackInstallations = Table(
    INSTALLATIONS_TABLE,
    Base.metadata,
    *_who(),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot(),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(
        f"{INSTALLATIONS_TABLE}_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

SlackOAuthStates = Table(
    OAUTH_STATES_TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
