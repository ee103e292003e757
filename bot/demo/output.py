"""What a run leaves behind: its result read from the stage, the transcript, the CSV exports, the
HTML page, the progress bar and what `rotnem demo` prints."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.program import export_csv
from bot.config import Settings
from bot.delivery.outbox import counts_by_status
from bot.demo import html as html_page
from bot.demo.conversations import conversations
from bot.demo.database import Database
from bot.demo.html_blocks import Render
from bot.demo.options import TranscriptMode
from bot.demo.scenario import Cohort
from bot.demo.setup import CHANNEL_ID, CHANNEL_NAME, DemoError, Stage
from bot.demo.slacktext import Names
from bot.demo.summary import Summary, calls_by_method, pairs_by_language, stall_alerts
from bot.demo.transcript import Places, render
from bot.sandbox.driver import Event, SlackDriver
from bot.sandbox.fake_slack import UploadedFile
from bot.sandbox.fake_slack.router import UPLOAD_METHOD
from bot.services.figures import program_figures
from bot.services.program.exports import EXPORTS
from bot.services.report.learning import learning_figures
from models import Pair, Participant


@dataclass
class DemoResult:
    """A run: its figures, everything the bot sent and the people did, and the files written."""

    summary: Summary
    settings: Settings
    database: Database
    driver: SlackDriver
    messages: list[dict[str, Any]]  # as the fake Slack stored them, edits applied
    names: Names
    places: Places
    story_users: frozenset[str]
    shared: list[UploadedFile]  # the files the bot uploaded, with their bytes
    zones: dict[str, str]  # each person's time zone
    program_zone: str
    hr: frozenset[str]
    files: list[Path] = field(default_factory=list)


async def collect(stage: Stage, cohort: Cohort, database: Database, started: float) -> DemoResult:
    """The result, read while the stage still stands; raises `DemoError` when the program did
    not run through (an outbox message failed, someone did not manage to join)."""
    async with stage.deps.sessionmaker() as session:
        team_id = stage.slack.team_id
        figures = await program_figures(session, team_id, now=stage.deps.clock.now())
        config = await stage.deps.program_config(session, team_id)
        learning = await learning_figures(
            session, team_id, k=config.anonymity_k, since=figures.since
        )
        alerts = await stall_alerts(session, team_id)
        outbox = await counts_by_status(session)
        guides = await guides_by_channel(session, team_id)
        languages = await pairs_by_language(session, team_id, stage.deps.settings.rotnem_language)
    if outbox.get("failed"):
        raise DemoError(f"{outbox['failed']} outbox message(s) failed: see `rotnem outbox`")
    participants = len(stage.workspace.participants)
    joined = figures.participants.total + figures.participants.left
    if joined != participants:
        raise DemoError(f"{joined} of {participants} people joined the program")
    calls = stage.slack.calls()
    summary = Summary(
        people=len(stage.workspace),
        weeks=cohort.weeks,
        seed=cohort.seed,
        program=figures,
        learning=learning,
        stall_alerts=alerts,
        calls_by_method=calls_by_method([c.method for c in calls if c.method != UPLOAD_METHOD]),
        ratelimited=sum(1 for c in calls if c.status == 429),
        outbox=outbox,
        seconds=time.perf_counter() - started,
        languages=languages,
    )
    names = Names(
        users={p.user_id: p.name for p in stage.workspace} | {stage.slack.bot_user_id: "rotnem"},
        channels={CHANNEL_ID: CHANNEL_NAME},
    )
    members = {channel: stage.people_in(channel) for channel in cohort.group_members}
    return DemoResult(
        summary=summary,
        settings=stage.deps.settings,
        database=database,
        driver=stage.driver,
        messages=stage.slack.messages(),
        names=names,
        places=Places(names=names, members=members, dm_of=dict(cohort.dm_owner), guides=guides),
        story_users=frozenset(cohort.story),
        shared=stage.slack.files(),
        zones={p.user_id: p.tz for p in stage.workspace},
        program_zone=stage.deps.settings.rotnem_timezone,
        hr=stage.deps.settings.rotnem_admins,
    )


async def guides_by_channel(session: AsyncSession, team_id: str) -> dict[str, str]:
    """Each pair's group DM and its guide's user ID."""
    rows = await session.execute(
        select(Pair.group_channel_id, Participant.user_id)
        .join(Participant, Participant.id == Pair.guide_id)
        .where(Pair.team_id == team_id, Pair.group_channel_id.is_not(None))
    )
    return {str(channel): str(user) for channel, user in rows.all()}


def transcript_lines(result: DemoResult, mode: TranscriptMode) -> list[str]:
    """The transcript: every event (``full``), or the story's people in full and others counted."""
    events = result.driver.events
    if mode == "full":
        return render(events, result.places)
    story = result.story_users

    def keep(event: Event) -> bool:
        if event.user is not None:
            return event.user in story
        return result.places.involves(event.channel, story)

    return render(events, result.places, keep=keep)


def html_of(result: DemoResult) -> str:
    """The static page of the run."""
    driver = result.driver
    render = Render(result.names, {f.id: f for f in result.shared})
    opened = dict.fromkeys(e.user for e in driver.events if e.kind == "event" and e.user)
    s = result.summary
    return html_page.page(
        title="Rotnem demo",
        intro=(
            f"{s.people} synthetic people, {s.weeks} simulated week(s), seed {s.seed}: every "
            "message below was sent by the real bot to a local Slack stand-in."
        ),
        figures=s.rows(),
        under_the_hood=s.under_the_hood(),
        conversations=conversations(driver, result.messages, result.shared, result.places),
        homes=[(user, driver.homes[user]) for user in opened if user in driver.homes],
        hr=sorted(result.hr),
        render=render,
        clocks=html_page.Clocks(result.zones, result.program_zone, render),
    )


async def write_files(result: DemoResult, html: Path | None) -> list[Path]:
    """The three CSV exports exactly as `rotnem export` writes them, the full transcript next to
    them, and the HTML page when asked for; the paths written."""
    written: list[Path] = []
    for kind in EXPORTS:
        target = result.database.beside(f"{kind}.csv")
        outcome = await export_csv(result.settings, kind, output=str(target), team=None)
        if outcome.code != 0:
            raise DemoError(f"rotnem export {kind}: {outcome.text}")
        written.append(target)
    transcript = result.database.beside("transcript.txt")
    transcript.write_text("\n".join(transcript_lines(result, "full")) + "\n", encoding="utf-8")
    written.append(transcript)
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(html_of(result), encoding="utf-8")
        written.append(html)
    return written


def print_report(result: DemoResult, transcript: TranscriptMode, out: TextIO) -> None:
    """What `rotnem demo` prints: the transcript, the summary and the files written."""
    if result.database.notice:
        print(result.database.notice, file=out)
    if transcript != "none":
        print("\n".join(transcript_lines(result, transcript)), file=out)
    for heading, rows in (
        ("Summary", result.summary.rows()),
        ("Under the hood", result.summary.under_the_hood()),
    ):
        print(f"\n{heading}", file=out)
        for name, value in rows:
            print(f"  {name}: {value}", file=out)
    print("\nWritten:", file=out)
    for path in result.files:
        print(f"  {path}", file=out)


@contextmanager
def progress_bar(shown: bool, start: datetime, weeks: int) -> Iterator[Callable[[datetime], None]]:
    """A rich progress bar over the simulated weeks, on standard error; its update function
    (which does nothing when not ``shown``)."""
    if not shown:
        yield lambda _now: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("[bold]Simulating[/bold] {task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = progress.add_task(f"week 1 of {weeks}", total=weeks * 7 * 24)
    end = start + timedelta(weeks=weeks)

    def update(now: datetime) -> None:
        hours = (min(now, end) - start).total_seconds() / 3600
        week = min(weeks, int(hours // (24 * 7)) + 1)
        label = f"week {week} of {weeks} · {now.strftime('%a %d %b %H:%M')} UTC"
        progress.update(task, completed=hours, description=label)

    progress.start()
    try:
        yield update
    finally:
        progress.stop()
