"""Settings: one object, read from the environment (and a `.env` file), validated at start-up.

Every value is checked here so that a typo surfaces as one clear line naming the variable, not as a
traceback minutes later. Field names are the environment variable names (case-insensitive).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///rotnem.db"
_SLACK_ID = re.compile(r"^[A-Z0-9]{2,}$")


class ConfigError(Exception):
    """The environment does not describe a runnable bot; the message is for the operator."""


def normalize_database_url(url: str) -> str:
    """Map the URLs hosting platforms hand out to the async drivers SQLAlchemy needs."""
    scheme, sep, rest = url.partition("://")
    if not sep or not rest:
        raise ValueError(
            "must look like sqlite+aiosqlite:///rotnem.db or postgresql://user@host/db"
        )
    scheme = scheme.lower()
    try:
        urlsplit(f"db://{rest}").port  # noqa: B018 - parsing it raises on a port like 54x2
    except ValueError:
        raise ValueError("has a port that is not a number (host:5432)") from None
    if scheme in {"postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"}:
        return f"postgresql+asyncpg://{rest}"
    if scheme == "sqlite":
        return f"sqlite+aiosqlite://{rest}"
    if scheme in {"postgresql+asyncpg", "sqlite+aiosqlite"}:
        return f"{scheme}://{rest}"
    raise ValueError(f"unsupported database {scheme!r}: use SQLite or PostgreSQL")


def sqlite_file(database_url: str) -> Path | None:
    """The file a SQLite URL names; None for PostgreSQL and for an in-memory SQLite database."""
    from sqlalchemy.engine import make_url  # here: `rotnem version` must not load SQLAlchemy

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


class Settings(BaseSettings):
    """Rotnem's configuration; see the README's configuration table for each variable."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Installing by OAuth (any number of workspaces, or a whole Enterprise Grid org) instead of
    # one workspace's SLACK_BOT_TOKEN: the app's credentials, and the secret that signs the
    # `state` of each install so a state this server did not issue is refused outright.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_state_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = DEFAULT_DATABASE_URL
    port: int = Field(default=3000, ge=1, le=65535)
    rotnem_command: str = "/rotnem"
    rotnem_admins: Annotated[frozenset[str], NoDecode] = frozenset()
    rotnem_announce_channel: str | None = None
    rotnem_program_channel: str | None = None
    rotnem_timezone: str = "UTC"
    # The program's language until HR sets one (bot/i18n.py has the catalogs).
    rotnem_language: Literal["en", "fr", "es", "de"] = "en"
    log_level: str = "INFO"
    # Pairing defaults; HR can override each per workspace (the program_settings table).
    rotnem_cycle_weeks: int = Field(default=12, ge=1, le=52)
    rotnem_auto_propose_next_round: bool = False
    rotnem_tz_preference: Literal["prefer_close", "ignore"] = "prefer_close"
    rotnem_require_shared_tool: bool = False
    # Keep-alive defaults (weekly prompt in each learner's zone, check-in, stall alert to HR).
    rotnem_nudge_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    rotnem_nudge_hour: int = Field(default=10, ge=0, le=23)
    rotnem_checkin_delay_days: int = Field(default=3, ge=1, le=6)
    rotnem_stall_weeks: int = Field(default=3, ge=1, le=12)
    # Outbox dispatcher (bot/delivery). Rates are per workspace (Slack limits each one apart)
    # and per dispatcher process: with several workers, divide a workspace's budget between them.
    rotnem_post_rate_per_minute: int = Field(default=180, ge=1, le=60_000)
    rotnem_open_rate_per_minute: int = Field(default=40, ge=1, le=6_000)
    rotnem_outbox_concurrency: int = Field(default=8, ge=1, le=100)
    # A dispatcher renews its claims three times per lease; a dead one's rows wait this long.
    rotnem_outbox_lease_seconds: int = Field(default=3, ge=2, le=300)
    rotnem_outbox_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    rotnem_outbox_max_attempts: int = Field(default=10, ge=1, le=100)

    @field_validator("slack_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("rotnem_command")
    @classmethod
    def _check_command(cls, value: str) -> str:
        if not re.fullmatch(r"/[a-z0-9_-]{1,31}", value):
            raise ValueError("must be a slash command such as /rotnem")
        return value

    @field_validator("rotnem_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            ids = [part.strip() for part in value.split(",") if part.strip()]
            bad = [user_id for user_id in ids if not _SLACK_ID.match(user_id)]
            if bad:
                raise ValueError(f"not Slack user IDs: {', '.join(bad)} (expected e.g. U012AB3CD)")
            return frozenset(ids)
        return value

    @field_validator("rotnem_nudge_day", mode="before")
    @classmethod
    def _lower_day(cls, value: object) -> object:
        return value.strip().lower()[:3] if isinstance(value, str) else value

    @field_validator("rotnem_announce_channel", "rotnem_program_channel", mode="before")
    @classmethod
    def _check_channel(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip() or None
            if value is not None and not _SLACK_ID.match(value):
                raise ValueError("must be a channel ID such as C0123456789, not a #name")
        return value

    @field_validator("rotnem_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        # OSError: a region such as "Europe" is a folder of zones, which zoneinfo tries to open.
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError("must be an IANA time zone such as Europe/Paris") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @property
    def zone(self) -> ZoneInfo:
        """The program's default time zone."""
        return ZoneInfo(self.rotnem_timezone)

    @property
    def installs_by_oauth(self) -> bool:
        """Whether tokens come from OAuth installs (SLACK_CLIENT_ID …), not SLACK_BOT_TOKEN."""
        return any(
            _given(value)
            for value in (self.slack_client_id, self.slack_client_secret, self.slack_state_secret)
        )

    def missing_slack_credentials(self) -> list[str]:
        """Names of the variables `rotnem serve` cannot run without, in the mode chosen."""
        needed: dict[str, str | SecretStr | None] = {}
        if self.installs_by_oauth:
            needed["SLACK_CLIENT_ID"] = self.slack_client_id
            needed["SLACK_CLIENT_SECRET"] = self.slack_client_secret
            needed["SLACK_STATE_SECRET"] = self.slack_state_secret
        else:
            needed["SLACK_BOT_TOKEN"] = self.slack_bot_token
        needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        return [name for name, value in needed.items() if not _given(value)]

    def conflicting_slack_credentials(self) -> str | None:
        """Why the Slack credentials describe two modes at once, if they do."""
        if self.installs_by_oauth and _given(self.slack_bot_token):
            return (
                "SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET/SLACK_STATE_SECRET are "
                "both set: use the bot token for one workspace, or the client credentials to "
                "install by OAuth, not both"
            )
        return None


def _given(value: str | SecretStr | None) -> bool:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return bool(value and value.strip())


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation errors into one readable `ConfigError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"Invalid configuration:\n  .env is not UTF-8 text ({exc.reason} at byte "
            f"{exc.start}): save it as UTF-8"
        ) from None
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "configuration"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{name}: {message}")
        raise ConfigError("Invalid configuration:\n  " + "\n  ".join(lines)) from None
