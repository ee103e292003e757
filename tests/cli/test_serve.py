"""`rotnem serve`, `migrate` and `version` as an operator runs them: a real subprocess, real exit
codes; and the serve flags as parsed."""

from __future__ import annotations

from pathlib import Path

from bot import __version__, cli
from tests.factories import bare_environment, run_rotnem


def test_serve_without_tokens_exits_2_with_a_paragraph_naming_the_readme(tmp_path: Path) -> None:
    result = run_rotnem("serve", env=bare_environment(), cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" in result.stderr
    assert '"Create the Slack app" in the README' in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "rotnem.db").exists(), "nothing may be created before refusing"


def test_serve_names_only_the_missing_variable(tmp_path: Path) -> None:
    result = run_rotnem("serve", env=bare_environment(SLACK_BOT_TOKEN="xoxb-1"), cwd=tmp_path)
    assert result.returncode == 2
    assert "needs SLACK_SIGNING_SECRET" in result.stderr


def test_a_bad_setting_is_refused_at_start_with_its_name(tmp_path: Path) -> None:
    env = bare_environment(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", ROTNEM_TIMEZONE="Europe/Atlantis"
    )
    result = run_rotnem("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "ROTNEM_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_migrate(tmp_path: Path) -> None:
    version = run_rotnem("version", env=bare_environment(), cwd=tmp_path)
    assert version.returncode == 0
    assert version.stdout.strip() == f"rotnem {__version__}"

    migrated = run_rotnem("migrate", env=bare_environment(), cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "rotnem.db").exists()
    again = run_rotnem("migrate", env=bare_environment(), cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_serve_flags() -> None:
    args = cli._parser().parse_args(["serve", "--no-migrate", "--no-scheduler"])
    assert args.no_scheduler and args.no_migrate
    assert not cli._parser().parse_args(["serve"]).no_scheduler
    assert cli._parser().parse_args(["worker"]).command == "worker"
