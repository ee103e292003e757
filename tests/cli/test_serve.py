"""`rotnem serve`, `migrate` and `version` as an operator runs them: `serve` as a real subprocess
(real exit codes, SIGTERM while Socket Mode cannot connect), the one-off commands in this process
as a fresh one would run them; and the serve flags as parsed."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from bot import __version__, cli
from bot.sandbox import FakeSlack
from bot.sandbox.process import free_port
from tests.factories import BOT_TOKEN, SIGNING_SECRET, bare_environment, run_rotnem, start_rotnem
from tests.in_process import run_in_process

APP_TOKEN = "xapp-1-A123ABC456-1-test"


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


def test_serve_by_oauth_names_what_is_missing_for_that_mode(tmp_path: Path) -> None:
    env = bare_environment(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="c", SLACK_SIGNING_SECRET="s")
    result = run_rotnem("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "needs SLACK_STATE_SECRET to install Rotnem by OAuth" in result.stderr
    assert "SLACK_BOT_TOKEN" not in result.stderr
    assert '"Install for a whole company" in the README' in result.stderr


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_bot_token_and_client_credentials_together_are_refused(
    command: str, tmp_path: Path
) -> None:
    env = bare_environment(
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_CLIENT_ID="1.2",
        SLACK_CLIENT_SECRET="c",
        SLACK_STATE_SECRET="x",
        SLACK_SIGNING_SECRET="s",
    )
    result = run_rotnem(command, env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN and SLACK_CLIENT_ID" in result.stderr and "not both" in result.stderr
    assert not (tmp_path / "rotnem.db").exists(), "nothing may be created before refusing"


def test_a_bad_setting_is_refused_at_start_with_its_name(tmp_path: Path) -> None:
    env = bare_environment(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", ROTNEM_TIMEZONE="Europe/Atlantis"
    )
    result = run_rotnem("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "ROTNEM_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_migrate(tmp_path: Path) -> None:
    version = run_in_process("version", env=bare_environment(), cwd=tmp_path)
    assert version.returncode == 0
    assert version.stdout.strip() == f"rotnem {__version__}"

    migrated = run_in_process("migrate", env=bare_environment(), cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "rotnem.db").exists()
    again = run_in_process("migrate", env=bare_environment(), cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_serve_flags() -> None:
    args = cli._parser().parse_args(["serve", "--no-migrate", "--no-scheduler"])
    assert args.no_scheduler and args.no_migrate
    assert not cli._parser().parse_args(["serve"]).no_scheduler
    assert cli._parser().parse_args(["worker"]).command == "worker"


@pytest.mark.parametrize("websocket", ["refused", "silent"])
def test_sigterm_stops_serve_promptly_while_socket_mode_cannot_connect(
    websocket: str, tmp_path: Path
) -> None:
    """Socket Mode to a WebSocket that refuses the upgrade, or accepts the connection and never
    answers: HTTP serves meanwhile, and SIGTERM stops `rotnem serve` within 10 s."""
    with FakeSlack() as slack, socket.socket() as silent:
        slack.add_token(APP_TOKEN)
        if websocket == "silent":
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            slack.point_socket_mode_at(f"ws://127.0.0.1:{silent.getsockname()[1]}/link")
        port = free_port()
        env = bare_environment(
            DATABASE_URL=f"sqlite:///{tmp_path / 'rotnem.db'}",
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_APP_TOKEN=APP_TOKEN,
            SLACK_API_URL=slack.api_url,
            PORT=str(port),
        )
        server = start_rotnem("serve", env=env, cwd=tmp_path)
        try:
            slack.wait_for_sync("apps.connections.open", 1, timeout=30)
            assert health(port, timeout=30) == 200, "start-up does not wait for Socket Mode"
            stopping = time.monotonic()
            server.send_signal(signal.SIGTERM)
            output, _ = server.communicate(timeout=20)
            took = time.monotonic() - stopping
        finally:
            if server.poll() is None:
                server.kill()
                server.communicate()
    assert took < 10, f"{took:.1f}s\n{output}"
    # uvicorn re-raises the SIGTERM it handled once it has shut down cleanly.
    assert server.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output


def health(port: int, timeout: float) -> int:
    """The status of GET /healthz, once the server answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
