"""``rotnem demo``: a simulated cohort through the real app, against a local Slack, in a minute.

One process holds everything: :class:`~bot.sandbox.FakeSlack` (Slack's Web API, in a thread),
the real app served by uvicorn on 127.0.0.1 (real handlers, real database), the bot's jobs
and the outbox dispatcher stepped by a simulated clock (:mod:`bot.demo.clockwork`), and a
:class:`~bot.sandbox.driver.SlackDriver` through which synthetic people type commands, fill
modals and click buttons by what they say. Settings are built here, never read from the
environment: the bot talks to the fake only.

The scenario, all drawn from ``--seed``: everyone joins through the profile modal (one person
first sends it half-filled and reads the errors), HR proposes a round, reads it and approves;
then the weeks pass hour by hour. People answer their check-ins some hours later: most pairs
meet and report with a rating, some skip a week or say "not yet" first; one pair goes silent
until HR's stall alert and nudge, one person pauses, one leaves, one pair tells HR it is not
working. HR reads the stats at the end, three Home tabs are opened and the CSV exports are
written next to the database.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import logging
import random
import re
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from sqlalchemy import event, func, select

from bot import migrate
from bot.clock import ManualClock
from bot.config import Settings, normalize_database_url
from bot.delivery.outbox import counts_by_status
from bot.demo import html as html_page
from bot.demo.clockwork import Clockwork
from bot.demo.options import (
    DEFAULT_DATABASE,
    DemoOptions,
    TranscriptMode,
    add_arguments,
    options_from,
)
from bot.demo.slacktext import Names
from bot.demo.summary import Summary, calls_by_method, program_figures
from bot.demo.transcript import Places, render
from bot.deps import build_deps
from bot.runtime import build_server_app
from bot.sandbox.driver import (
    DriverError,
    Event,
    SlackDriver,
    has_button,
    input_blocks,
    options_of,
)
from bot.sandbox.fake_slack import DEFAULT_TOKEN, FakeSlack
from bot.sandbox.people import Person, Workspace, make_workspace
from bot.sandbox.serving import serve_locally
from bot.sandbox.signing import SlackRequester
from models import Participant

CHANNEL_ID = "C0MENTORS1"
CHANNEL_NAME = "mentoring-announcements"
# Shared by the fake Slack and the app only; no real Slack is ever contacted.
SIGNING_SECRET = "rotnem-demo-signing-secret"
PROGRAM_ZONE = "Europe/London"
APOLOGY = "something went wrong on our side"
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)")


class DemoError(Exception):
    """The demo could not run through; the message is one line for the person running it."""


@dataclass
class DemoResult:
    summary: Summary
    workspace: Workspace
    driver: SlackDriver
    messages: list[dict[str, Any]]
    names: Names
    places: Places
    times: dict[tuple[str, str], datetime]
    notice: str
    files: list[Path] = field(default_factory=list)
    story_users: frozenset[str] = frozenset()


class _CodeSettings(Settings):
    """Settings from arguments only: the demo never reads the environment or a .env file."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def demo_settings(database_url: str, slack: FakeSlack, admin_id: str) -> Settings:
    return _CodeSettings(
        slack_bot_token=DEFAULT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        database_url=database_url,
        rotnem_admins=admin_id,
        rotnem_announce_channel=CHANNEL_ID,
        rotnem_timezone=PROGRAM_ZONE,
        log_level="WARNING",
    )


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL); in-memory databases are refused."""
    scheme, _, rest = database_url.partition("://")
    if not scheme.startswith("sqlite"):
        return None
    path = rest[1:] if rest.startswith("/") else rest
    if not path or path == ":memory:":
        raise DemoError("the demo needs a database file (the CSV exports go next to it)")
    return Path(path)


def prepare_database(database_url: str) -> str:
    """Start from a fresh schema; what was done, in a sentence."""
    path = sqlite_file(database_url)
    notice = ""
    if path is not None:
        existed = path.exists()
        for extra in ("", "-wal", "-shm", "-journal"):
            with suppress(FileNotFoundError):
                Path(f"{path}{extra}").unlink()
        notice = (
            f"Starting from a fresh {path} (the previous demo database was deleted)."
            if existed
            else f"Creating {path}."
        )
        path.parent.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(database_url)
    return notice


def first_monday(now: datetime) -> datetime:
    """The next Monday, 07:00 UTC: the simulation starts at a week's beginning."""
    days = (7 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=7, minute=0, second=0, microsecond=0)


class _LogCapture(logging.Handler):
    """Errors logged anywhere in the bot (a failed listener, job or delivery) stop the demo."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message += f": {type(error).__name__}: {error}"
        self.errors.append(f"{record.name}: {message}")


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


@dataclass(order=True)
class _Action:
    when: datetime
    seq: int
    label: str = field(compare=False)
    run: Callable[[], Awaitable[None]] = field(compare=False)


class Simulation:
    """The people's side of the story, acting through the driver as time passes."""

    def __init__(
        self,
        *,
        options: DemoOptions,
        workspace: Workspace,
        driver: SlackDriver,
        clockwork: Clockwork,
        clock: ManualClock,
        logs: _LogCapture,
        on_progress: Callable[[datetime], None],
    ) -> None:
        self.options = options
        self.workspace = workspace
        self.driver = driver
        self.clockwork = clockwork
        self.clock = clock
        self.logs = logs
        self.on_progress = on_progress
        self.start = clock.now()
        self.end = self.start + timedelta(weeks=options.weeks)
        self.admin = workspace.admin
        self.team_id = driver.slack.team_id
        self._queue: list[_Action] = []
        self._seq = 0
        self._seen = 0
        self.dm_owner: dict[str, str] = {}
        self.group_members: dict[str, tuple[str, ...]] = {}
        self.pairs: list[tuple[str, ...]] = []
        self.mode: dict[frozenset[str], str] = {}
        self.decisions: dict[tuple[frozenset[str], str], str] = {}
        self.first_week: dict[frozenset[str], str] = {}
        self.paused: set[str] = set()
        self.story: set[str] = {self.admin.user_id}
        self.cast_chosen = False

    # ---- plumbing ------------------------------------------------------------------------------

    def at(self, when: datetime, label: str, run: Callable[[], Awaitable[None]]) -> None:
        self._seq += 1
        heapq.heappush(self._queue, _Action(when, self._seq, label, run))

    def rng_for(self, *key: object) -> random.Random:
        """A generator for one decision: the same seed and key decide the same way, whatever
        order the bot's messages arrived in."""
        return random.Random(f"{self.options.seed}:{key!r}")

    def later(self, rng: random.Random, low_hours: float, high_hours: float) -> datetime:
        return self.clock.now() + timedelta(hours=rng.uniform(low_hours, high_hours))

    def check(self) -> None:
        """Stop at the first sign of a bot error, with one line saying what it was."""
        if self.logs.errors:
            raise DemoError(f"the bot logged an error: {self.logs.errors[0]}")
        if self.driver.app_errors:
            raise DemoError(self.driver.app_errors[0])
        if self.driver.slack_errors:
            raise DemoError(f"Slack refused a call from the bot: {self.driver.slack_errors[0]}")

    def _due_action(self) -> bool:
        return bool(self._queue) and self._queue[0].when <= self.clock.now()

    async def advance_to(self, when: datetime) -> None:
        """Let time pass until ``when``, or until someone has something to do, stopping
        wherever the bot's jobs have something due."""
        while self.clock.now() < when and not self._due_action():
            self.clock.set(await self.clockwork.next_moment(self.team_id, when))
            await self.clockwork.tick()
            self.react()
            self.check()
            self.on_progress(self.clock.now())

    async def run(self) -> None:
        self.driver.sync()
        for person in self.workspace:
            self.dm_owner[self.driver.dm_channel(person.user_id)] = person.user_id
        self.schedule_setup()
        while True:
            if self._due_action():
                action = heapq.heappop(self._queue)
                try:
                    await action.run()
                except DriverError as exc:
                    raise DemoError(f"{action.label}: {exc}") from exc
                await self.clockwork.drain()
                self.react()
                self.check()
                continue
            if self.clock.now() >= self.end:
                break
            upcoming = self._queue[0].when if self._queue else self.end
            await self.advance_to(min(upcoming, self.end))
        await self.finale()
        await self.clockwork.drain()
        self.react()
        self.check()

    # ---- the setup: joining, the first round -----------------------------------------------

    def schedule_setup(self) -> None:
        participants = self.workspace.participants
        spacing = timedelta(minutes=min(3.0, 240.0 / max(1, len(participants))))
        moment = self.start + timedelta(minutes=30)
        for index, person in enumerate(participants):
            moment += spacing
            self.at(moment, f"{person.name} joining", self._joiner(person, stumble=index == 0))
        self.at(moment + timedelta(minutes=45), "HR proposing a round", self.propose)

    def _joiner(self, person: Person, *, stumble: bool) -> Callable[[], Awaitable[None]]:
        async def join() -> None:
            await self.join(person, stumble=stumble)

        return join

    def profile_answers(self, person: Person) -> dict[str, Any]:
        role_label = {"guide": "I'll be a guide", "learner": "I'm a learner", "both": "Both ways"}
        answers: dict[str, Any] = {
            "How would you like to take part?": role_label[person.role or "learner"],
            "Department / team": person.department,
        }
        if person.teaches:
            answers["Tools I can teach"] = list(person.teaches)
            answers["How many learners can you take on?"] = str(person.capacity)
        if person.learns:
            answers["Tools I want to learn"] = list(person.learns)
        if person.share:
            answers["What I can share in return"] = person.share
        if person.manager_id:
            answers["My manager"] = person.manager_id
        if person.goals:
            answers["Goals for the program"] = person.goals
        return answers

    async def join(self, person: Person, *, stumble: bool) -> None:
        outcome = await self.driver.command(person.user_id, "join")
        if not outcome.of("modal"):
            raise DriverError(f"/rotnem join opened no modal for {person.name}")
        answers = self.profile_answers(person)
        if stumble:
            # The classic first try: the role picked, nothing else filled in.
            self.story.add(person.user_id)
            hasty = {
                "How would you like to take part?": answers["How would you like to take part?"]
            }
            refused = await self.driver.submit(person.user_id, hasty)
            if not refused.errors:
                raise DriverError("a profile without tools or department was accepted")
        accepted = await self.driver.submit(person.user_id, answers)
        if accepted.errors:
            raise DriverError(f"{person.name}'s profile was refused: {accepted.errors}")

    async def propose(self) -> None:
        outcome = await self.driver.command(self.admin.user_id, "admin pair")
        proposal = self.driver.last_ephemeral(self.admin.user_id, button="Approve and introduce")
        if proposal is None:
            texts = [e.text[:80] for e in outcome.of("ephemeral")]
            raise DriverError(f"no proposal with “Approve and introduce” reached HR: {texts}")

        async def approve() -> None:
            await self.driver.click(self.admin.user_id, "Approve and introduce", message=proposal)

        self.at(self.clock.now() + timedelta(minutes=12), "HR approving the round", approve)

    # ---- reacting to what the bot sent -------------------------------------------------------

    def react(self) -> None:
        self.driver.sync()
        events = self.driver.events
        while self._seen < len(events):
            event = events[self._seen]
            self._seen += 1
            if event.kind in ("message", "ephemeral", "update") and APOLOGY in event.text:
                raise DemoError(f"the bot apologised to someone: {event.text[:160]}")
            if event.kind != "message" or not event.channel:
                continue
            owner = self.dm_owner.get(event.channel)
            blocks = event.blocks
            if owner is not None:
                if has_button(blocks, "We met"):
                    self.on_checkin(owner, event)
                elif has_button(blocks, "Nudge them"):
                    self.on_stall_alert(event)
                elif has_button(blocks, "Yes, pair me again"):
                    self.on_cycle_end(owner, event)
            elif has_button(blocks, "We've scheduled our first session"):
                self.on_intro(event)
        if self.pairs and not self.cast_chosen:
            self.choose_cast()

    def current(self, event: Event) -> Event:
        """The message as it reads now (it may have been edited since it arrived)."""
        stored = self.driver.messages.get(event.channel or "", {}).get(event.ts or "")
        if stored is None:
            return event
        return Event(
            seq=event.seq,
            kind="message",
            at=event.at,
            channel=stored.channel,
            ts=stored.ts,
            text=stored.text,
            blocks=tuple(stored.blocks),
        )

    def click_later(
        self, user: str, button: str, event: Event, when: datetime, then: Any = None
    ) -> None:
        async def click() -> None:
            message = self.current(event)
            if not has_button(message.blocks, button):
                return  # answered meanwhile (or the pair ended): nothing left to click
            outcome = await self.driver.click(user, button, message=message)
            # No modal means the bot answered otherwise (the pair ended meanwhile, say): the
            # person reads that, and the transcript shows it.
            if then is not None and outcome.of("modal"):
                await then()

        self.at(when, f"{self.workspace.name_of(user)} clicking “{button}”", click)

    def on_intro(self, event: Event) -> None:
        channel = event.channel or ""
        members = tuple(
            u for u in self.driver.slack.conversation_members(channel) if u != "U0BOTUSER"
        )
        members = tuple(u for u in members if u in self.dm_owner.values())
        self.group_members[channel] = members
        self.pairs.append(members)
        key = frozenset(members)
        self.mode.setdefault(key, "steady")
        rng = self.rng_for("intro", sorted(members))
        if rng.random() < 0.6:
            clicker = rng.choice(sorted(members))
            when = self.later(rng, 1, 8)
            self.click_later(clicker, "We've scheduled our first session", event, when)

    def choose_cast(self) -> None:
        """Who plays the story's parts, among the pairs just introduced."""
        self.cast_chosen = True
        # By who is in them, not by arrival: the dispatcher sends introductions concurrently.
        pairs = sorted(tuple(sorted(pair)) for pair in self.pairs)
        if not pairs:
            return
        self.story.update(pairs[0])
        rest = pairs[1:]
        weeks = self.options.weeks
        if weeks >= 4 and rest:
            stall = rest.pop(0)
            self.mode[frozenset(stall)] = "stall"
            self.story.update(stall)
        if rest:
            pauser_pair = rest.pop(0)
            pauser = self.learner_of(pauser_pair)
            self.story.update(pauser_pair)
            week = 2 if weeks >= 3 else 1
            when = self.start + timedelta(weeks=week - 1, days=1, hours=8, minutes=17)
            self.at(when, "someone pausing", self._pause(pauser))
        if rest:
            leaver_pair = rest.pop(0)
            leaver = sorted(leaver_pair)[0]
            self.story.update(leaver_pair)
            week = min(3, weeks)
            when = self.start + timedelta(weeks=week - 1, days=2, hours=6, minutes=41)
            self.at(when, "someone leaving", self._leave(leaver))
        if rest and weeks >= 3:
            cant = rest.pop(0)
            self.mode[frozenset(cant)] = "cant"
            self.story.update(cant)

    def learner_of(self, pair: Sequence[str]) -> str:
        for user in pair:
            if self.workspace.person(user).role == "learner":
                return user
        return sorted(pair)[-1]

    def _pause(self, user: str) -> Callable[[], Awaitable[None]]:
        async def pause() -> None:
            self.paused.add(user)
            await self.driver.command(user, "pause 2w")

        return pause

    def _leave(self, user: str) -> Callable[[], Awaitable[None]]:
        async def leave() -> None:
            await self.driver.command(user, "leave")
            confirm = self.driver.last_ephemeral(user, button="Yes, leave")
            if confirm is None:
                raise DriverError("/rotnem leave asked nothing to confirm")
            await self.driver.click(user, "Yes, leave", message=confirm)

        return leave

    def decide(self, pair: frozenset[str], week: str) -> str:
        """What a pair did this week (both partners agree on it)."""
        key = (pair, week)
        if key in self.decisions:
            return self.decisions[key]
        first = self.first_week.setdefault(pair, week)
        mode = self.mode.get(pair, "steady")
        roll = self.rng_for("week", sorted(pair), week).random()
        if mode == "stall":
            decision = "skip" if week == first else "silent"
        elif mode == "cant" and week != first:
            decision = "cant"
            self.mode[pair] = "steady"
        elif roll < 0.74:
            decision = "met"
        elif roll < 0.86:
            decision = "not_yet"
        elif roll < 0.96:
            decision = "skip"
        else:
            decision = "silent"
        self.decisions[key] = decision
        return decision

    def on_checkin(self, user: str, event: Event) -> None:
        found = _MENTION.search(event.text)
        if found is None:
            return
        pair = frozenset({user, found.group(1)})
        week = (event.at - self.start).days // 7
        decision = self.decide(pair, str(week))
        again = event.text.startswith("As promised")
        if user in self.paused:
            decision = "skip"
        if decision == "not_yet" and again:
            decision = "met"
        rng = self.rng_for("answer", user, week, again)
        if decision == "met" and rng.random() < 0.1:
            return  # one partner forgets to answer; the other's report counts for both
        if decision == "silent":
            return
        if decision == "skip":
            self.click_later(user, "Skip this week", event, self.later(rng, 2, 30))
        elif decision == "not_yet":
            self.click_later(user, "Not yet", event, self.later(rng, 1, 20))
        elif decision == "cant":
            if user == self.learner_of(tuple(pair)):
                self.click_later(
                    user, "We can't make this work", event, self.later(rng, 2, 20), self._cant(user)
                )
            else:
                self.click_later(user, "Skip this week", event, self.later(rng, 2, 30))
        else:
            self.click_later(user, "We met", event, self.later(rng, 1, 28), self._report(user))

    def _report(self, user: str) -> Callable[[], Awaitable[None]]:
        async def report() -> None:
            rng = self.rng_for("report", user, self.clock.now().date().isoformat())
            view = self.driver.modal(user)
            if "What did you cover?" not in input_blocks(view):
                return  # a notice (the check-in closed meanwhile), not the session's questions
            tools = [t for t in options_of(view, "What did you cover?") if t != "Something else"]
            answers: dict[str, Any] = {}
            if tools and rng.random() < 0.9:
                answers["What did you cover?"] = rng.choice(tools)
            else:
                answers["What did you cover?"] = "Something else"
                answers["Something else: what?"] = rng.choice(OTHER_TOPICS)
            answers["How useful was it for you?"] = rng.choices(
                ["5", "4", "3", "2"], weights=[45, 35, 15, 5]
            )[0]
            if rng.random() < 0.6:
                answers["What did you learn?"] = rng.choice(LEARNED)
            if rng.random() < 0.05:
                answers["A private note to HR"] = "Great pairing & very patient — thank you!"
            outcome = await self.driver.submit(user, answers)
            if outcome.errors:
                raise DriverError(f"the session report was refused: {outcome.errors}")

        return report

    def _cant(self, user: str) -> Callable[[], Awaitable[None]]:
        async def cant() -> None:
            if "What should happen?" not in input_blocks(self.driver.modal(user)):
                return
            answers = {
                "What should happen?": "Just tell HR",
                "Why? (private, for HR only)": "Our calendars never line up across time zones.",
            }
            outcome = await self.driver.submit(user, answers)
            if outcome.errors:
                raise DriverError(f"“We can't make this work” was refused: {outcome.errors}")

        return cant

    def on_stall_alert(self, event: Event) -> None:
        for pair, mode in self.mode.items():
            if mode == "stall":
                self.mode[pair] = "steady"  # HR's nudge works: they meet again
        rng = self.rng_for("stall", event.at.date().isoformat())
        self.click_later(self.admin.user_id, "Nudge them", event, self.later(rng, 1, 4))

    def on_cycle_end(self, user: str, event: Event) -> None:
        rng = self.rng_for("cycle", user)
        button = "Yes, pair me again" if rng.random() < 0.7 else "Take a break"
        self.click_later(user, button, event, self.later(rng, 2, 24))

    # ---- the end ---------------------------------------------------------------------------

    async def finale(self) -> None:
        await self.driver.command(self.admin.user_id, "admin stats")
        for user in self.home_users():
            await self.driver.open_home(user)

    def home_users(self) -> list[str]:
        shown = list(self.pairs[0]) if self.pairs else []
        if not shown:
            shown = [p.user_id for p in self.workspace.participants[:2]]
        return [*shown[:2], self.admin.user_id]


OTHER_TOPICS = (
    "How our budget cycle works",
    "Who really decides on new hires",
    "Preparing for a board meeting",
    "Negotiating with suppliers",
)
LEARNED = (
    "Ask the AI for three options, then pick one.",
    "Templates save me an hour a week.",
    "Shortcuts for the things I do twenty times a day.",
    "How to record a 2-minute video instead of a meeting.",
    "Put the question first, then the context.",
    "Let the spreadsheet do the lookup for me.",
)


async def simulate(
    options: DemoOptions,
    database_url: str,
    notice: str,
    on_progress: Callable[[datetime, datetime, datetime], None] | None = None,
) -> DemoResult:
    """Run the whole story; raises `DemoError` with one line when the bot fails."""
    started = time.perf_counter()
    workspace = make_workspace(options.people, options.seed)
    clock = ManualClock(first_monday(datetime.now(UTC)))
    logs = _LogCapture()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(logs)
    root.setLevel(logging.WARNING)
    try:
        with FakeSlack() as slack:
            for person in workspace:
                slack.add_user(
                    person.user_id, real_name=person.name, tz=person.tz, title=person.title
                )
            slack.add_channel(CHANNEL_ID, name=CHANNEL_NAME, members=[p.user_id for p in workspace])
            settings = demo_settings(database_url, slack, workspace.admin.user_id)
            deps = build_deps(settings, clock=clock)
            if deps.engine.dialect.name == "sqlite":
                # A throwaway database: commits need not wait for the disk (weeks of jobs
                # commit thousands of times).
                event.listen(deps.engine.sync_engine, "connect", _no_fsync)
            async with (
                serve_locally(build_server_app(deps)) as url,
                httpx.AsyncClient(timeout=30) as client,
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http,
            ):
                requester = SlackRequester(url, SIGNING_SECRET, slack=slack, client=client)
                driver = SlackDriver(slack, requester, now=clock.now)
                clockwork = Clockwork(deps, clock, http)
                start = clock.now()
                end = start + timedelta(weeks=options.weeks)

                def progress(now: datetime) -> None:
                    if on_progress is not None:
                        on_progress(start, now, end)

                simulation = Simulation(
                    options=options,
                    workspace=workspace,
                    driver=driver,
                    clockwork=clockwork,
                    clock=clock,
                    logs=logs,
                    on_progress=progress,
                )
                await simulation.run()
                async with deps.sessionmaker() as session:
                    figures = await program_figures(session, slack.team_id)
                    outbox = await counts_by_status(session)
                    joined = int(
                        await session.scalar(select(func.count()).select_from(Participant)) or 0
                    )
                if outbox.get("failed"):
                    raise DemoError(
                        f"{outbox['failed']} outbox message(s) failed: see `rotnem outbox`"
                    )
                if joined != len(workspace.participants):
                    raise DemoError(
                        f"{joined} of {len(workspace.participants)} people joined the program"
                    )
            calls = slack.calls()
            messages = slack.messages()
            members = {
                channel: tuple(
                    u for u in slack.conversation_members(channel) if u != slack.bot_user_id
                )
                for channel in simulation.group_members
            }
    finally:
        root.removeHandler(logs)
        root.setLevel(previous_level)
    summary = Summary(
        people=len(workspace),
        weeks=options.weeks,
        seed=options.seed,
        program=figures,
        calls_by_method=calls_by_method(
            [c.method for c in calls if c.method not in ("upload_url",)]
        ),
        ratelimited=sum(1 for c in calls if c.status == 429),
        outbox=outbox,
        seconds=time.perf_counter() - started,
    )
    names = Names(
        users={p.user_id: p.name for p in workspace} | {slack.bot_user_id: "rotnem"},
        channels={CHANNEL_ID: CHANNEL_NAME},
    )
    places = Places(
        names=names,
        members=members,
        dm_of=dict(simulation.dm_owner),
    )
    times = {
        (m.channel, m.ts): m.posted_at
        for channel in driver.messages.values()
        for m in channel.values()
    }
    return DemoResult(
        summary=summary,
        workspace=workspace,
        driver=driver,
        messages=messages,
        names=names,
        places=places,
        times=times,
        notice=notice,
        story_users=frozenset(simulation.story),
    )


def exports_next_to(database_url: str) -> Path:
    path = sqlite_file(database_url)
    return path.parent if path is not None else Path.cwd()


def stem_of(database_url: str) -> str:
    path = sqlite_file(database_url)
    return path.stem if path is not None else "demo"


async def write_exports(database_url: str) -> list[Path]:
    """The three CSV exports, exactly as `rotnem export` writes them."""
    from bot.cli.program import export_csv

    settings = _CodeSettings(database_url=database_url, rotnem_timezone=PROGRAM_ZONE)
    folder = exports_next_to(database_url)
    written: list[Path] = []
    for kind in ("sessions", "pairs", "participants"):
        target = folder / f"{stem_of(database_url)}-{kind}.csv"
        outcome = await export_csv(settings, kind, output=str(target), team=None)
        if outcome.code != 0:
            raise DemoError(f"rotnem export {kind}: {outcome.text}")
        written.append(target)
    return written


def html_of(result: DemoResult) -> str:
    """The static page of the run."""
    by_channel: dict[str, list[dict[str, Any]]] = {}
    for message in result.messages:
        by_channel.setdefault(str(message["channel"]), []).append(message)
    places = result.places
    conversations = sorted(
        (
            html_page.Conversation(channel, places.where(channel), places.kind(channel), messages)
            for channel, messages in by_channel.items()
        ),
        key=lambda c: c.title,  # the page groups them by kind
    )
    homes = [(u, result.driver.homes[u]) for u in _home_order(result) if u in result.driver.homes]
    s = result.summary
    figures = s.rows()
    return html_page.page(
        title="Rotnem demo",
        intro=(
            f"{s.people} synthetic people, {s.weeks} simulated week(s), seed {s.seed}: every "
            "message below was sent by the real bot to a local Slack stand-in."
        ),
        figures=figures,
        conversations=conversations,
        homes=homes,
        names=result.names,
        times=result.times,
    )


def _home_order(result: DemoResult) -> list[str]:
    opened = [e.user for e in result.driver.events if e.kind == "event" and e.user]
    return list(dict.fromkeys(opened))


def transcript_lines(result: DemoResult, mode: TranscriptMode) -> list[str]:
    events = result.driver.events
    if mode == "full":
        return render(events, result.places)
    story = result.story_users

    def keep(event: Event) -> bool:
        if event.user is not None:
            return event.user in story
        return result.places.involves(event.channel, story)

    return render(events, result.places, keep=keep)


# ---- command line -------------------------------------------------------------------------------


def run(options: DemoOptions) -> DemoResult:
    """Everything `rotnem demo` does except printing: fresh database, simulation, files."""
    try:
        database_url = normalize_database_url(options.database)
    except ValueError as exc:
        raise DemoError(f"--database {options.database}: {exc}") from None
    notice = prepare_database(database_url)
    return asyncio.run(_run_with_files(options, database_url, notice))


async def _run_with_files(options: DemoOptions, database_url: str, notice: str) -> DemoResult:
    progress_bar = _ProgressBar(options.weeks) if options.progress else None
    try:
        result = await simulate(
            options,
            database_url,
            notice,
            on_progress=progress_bar.update if progress_bar else None,
        )
    finally:
        if progress_bar is not None:
            progress_bar.close()
    result.files = await write_exports(database_url)
    folder = exports_next_to(database_url)
    transcript = folder / f"{stem_of(database_url)}-transcript.txt"
    transcript.write_text("\n".join(transcript_lines(result, "full")) + "\n", encoding="utf-8")
    result.files.append(transcript)
    if options.html is not None:
        options.html.parent.mkdir(parents=True, exist_ok=True)
        options.html.write_text(html_of(result), encoding="utf-8")
        result.files.append(options.html)
    return result


class _ProgressBar:
    """A rich progress bar over the simulated weeks, on standard error."""

    def __init__(self, weeks: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("[bold]Simulating[/bold] {task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.task = self.progress.add_task(f"week 1 of {weeks}", total=weeks * 7 * 24)
        self.weeks = weeks
        self.progress.start()

    def update(self, start: datetime, now: datetime, end: datetime) -> None:
        hours = (min(now, end) - start).total_seconds() / 3600
        week = min(self.weeks, int(hours // (24 * 7)) + 1)
        label = f"week {week} of {self.weeks} · {now.strftime('%a %d %b %H:%M')} UTC"
        self.progress.update(self.task, completed=hours, description=label)

    def close(self) -> None:
        self.progress.stop()


def main(args: argparse.Namespace) -> int:
    """`rotnem demo`: 0 when the program ran through, 1 with one line when it did not."""
    options = options_from(args, progress=sys.stderr.isatty())
    try:
        result = run(options)
    except DemoError as exc:
        print(f"rotnem demo failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a clear line, not a traceback, whatever broke
        print(f"rotnem demo failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    out = sys.stdout
    if result.notice:
        print(result.notice, file=out)
    if options.transcript != "none":
        print("\n".join(transcript_lines(result, options.transcript)), file=out)
    print("\nSummary", file=out)
    for line in result.summary.lines():
        print(f"  {line}", file=out)
    print("\nWritten:", file=out)
    for path in result.files:
        print(f"  {path}", file=out)
    return 0


__all__ = [
    "DEFAULT_DATABASE",
    "DemoError",
    "DemoOptions",
    "DemoResult",
    "add_arguments",
    "html_of",
    "main",
    "run",
    "simulate",
    "transcript_lines",
]
