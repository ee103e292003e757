"""`rotnem serve` runs the dispatcher and scheduler in its own process unless --no-scheduler."""

from __future__ import annotations

from bot import cli
from bot.clock import ManualClock
from bot.delivery.outbox import enqueue
from bot.deps import build_deps
from bot.runtime import build_server_app
from bot.sandbox import FakeSlack
from bot.services.notices import Rendered
from tests.factories import TEAM, bot_settings


async def test_the_embedded_dispatcher_sends_what_is_enqueued(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    settings = bot_settings(
        database_url=database_url, slack=fake_slack, rotnem_outbox_poll_seconds=0.05
    )
    deps = build_deps(settings, clock=clock)
    app = build_server_app(deps, background=True)
    async with app.router.lifespan_context(app):
        async with deps.sessionmaker.begin() as session:
            await enqueue(
                session,
                team_id=TEAM,
                dedupe_key="welcome:1",
                notice=Rendered(text="Welcome to the program"),
                channel="C0PROGRAM",
                now=clock.now(),
            )
        [call] = await fake_slack.wait_for("chat.postMessage", 1, timeout=10)
    assert call.args["text"] == "Welcome to the program"


def test_serve_flags() -> None:
    args = cli._parser().parse_args(["serve", "--no-migrate", "--no-scheduler"])
    assert args.no_scheduler and args.no_migrate
    assert not cli._parser().parse_args(["serve"]).no_scheduler
    assert cli._parser().parse_args(["worker"]).command == "worker"
