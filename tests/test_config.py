"""Settings: defaults, normalisation, and a clear error naming each bad variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_DATABASE_URL, ConfigError, load_settings, normalize_database_url


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "DATABASE_URL",
        "PORT",
        "ROTNEM_COMMAND",
        "ROTNEM_ADMINS",
        "ROTNEM_ANNOUNCE_CHANNEL",
        "ROTNEM_PROGRAM_CHANNEL",
        "ROTNEM_TIMEZONE",
        "LOG_LEVEL",
    ]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_describe_an_embedded_bot() -> None:
    settings = load_settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.port == 3000
    assert settings.rotnem_command == "/rotnem"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.rotnem_timezone == "UTC"
    assert settings.missing_slack_credentials() == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgres://u:p@db.example.com:5432/app",
            "postgresql+asyncpg://u:p@db.example.com:5432/app",
        ),
        ("postgresql://u@localhost/app", "postgresql+asyncpg://u@localhost/app"),
        ("postgresql+psycopg2://u@h/app", "postgresql+asyncpg://u@h/app"),
        ("postgresql+asyncpg://u@h/app", "postgresql+asyncpg://u@h/app"),
        ("sqlite:///rotnem.db", "sqlite+aiosqlite:///rotnem.db"),
        ("sqlite+aiosqlite:////var/lib/rotnem.db", "sqlite+aiosqlite:////var/lib/rotnem.db"),
    ],
)
def test_database_urls_from_hosting_platforms_are_mapped_to_async_drivers(
    given: str, expected: str
) -> None:
    assert normalize_database_url(given) == expected


def test_environment_and_dotenv_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\nPORT=8080\n")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("ROTNEM_ADMINS", " U012AB3CD, U045EF6GH ,")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    settings = load_settings()
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-dotenv"
    assert settings.port == 8080
    assert settings.database_url == "postgresql+asyncpg://u@h/db"
    assert settings.rotnem_admins == {"U012AB3CD", "U045EF6GH"}
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"
    assert settings.missing_slack_credentials() == ["SLACK_SIGNING_SECRET"]


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("ROTNEM_TIMEZONE", "Mars/Olympus", "ROTNEM_TIMEZONE: must be an IANA time zone"),
        # A region is a folder of zones: zoneinfo fails to open it as a file.
        ("ROTNEM_TIMEZONE", "Europe", "ROTNEM_TIMEZONE: must be an IANA time zone"),
        ("PORT", "http", "PORT: Input should be a valid integer"),
        ("PORT", "70000", "PORT: Input should be less than or equal to 65535"),
        ("DATABASE_URL", "mysql://u@h/db", "DATABASE_URL: unsupported database 'mysql'"),
        ("DATABASE_URL", "not a url", "DATABASE_URL: must look like"),
        ("DATABASE_URL", "postgresql://u@h:54x2/db", "DATABASE_URL: has a port that is not a"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL: must be an http(s) URL"),
        ("ROTNEM_ADMINS", "U012AB3CD,@ana", "ROTNEM_ADMINS: not Slack user IDs: @ana"),
        ("ROTNEM_ANNOUNCE_CHANNEL", "#general", "ROTNEM_ANNOUNCE_CHANNEL: must be a channel ID"),
        ("ROTNEM_COMMAND", "rotnem", "ROTNEM_COMMAND: must be a slash command"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: must be DEBUG, INFO, WARNING or ERROR"),
    ],
)
def test_a_bad_value_is_one_clear_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, complaint: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert complaint in str(caught.value)


def test_a_dotenv_that_is_not_utf8_is_one_clear_line(tmp_path: Path) -> None:
    # Saved as Latin-1 by an editor: an accent in a comment.
    (tmp_path / ".env").write_bytes(b"# Fran\xe7ois's admins\nROTNEM_ADMINS=U012AB3CD\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert ".env is not UTF-8 text" in str(caught.value)
