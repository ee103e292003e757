"""The cohort's behaviour: what the synthetic people do, and when, in answer to what the bot sent.

Everyone joins through the profile modal (one person first sends it half-filled and reads the
errors); HR pairs by hand the guide and learner who read Slack in another language (``--locale``,
French by default: the bot writes to them in it, and they answer on the buttons they read), then
proposes a round for everyone else, reads it and approves. Then people answer their check-ins some
hours later: most pairs meet and report with a rating, some skip a week or say "not yet" first;
one pair goes silent until HR's stall alert and nudge, one person pauses, one leaves, one pair
tells HR it is not working. HR reads the stats at the end and three Home tabs are opened.

Every choice is drawn from ``--seed`` and the choice's own key (`Cohort.rng_for`), so the same
seed tells the same story whatever order the bot's concurrent messages arrive in.
"""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal

from bot.demo.options import DemoOptions
from bot.demo.setup import Stage
from bot.ids import ActionId, CallbackId
from bot.sandbox.driver import Event
from bot.sandbox.people import TOOLS, Person, Workspace, compatible
from bot.sandbox.surfaces import DriverError, Label, Msg, buttons_in
from bot.services.checkins import REMIND_AFTER

Mode = Literal["steady", "stall", "cant"]
Decision = Literal["met", "not_yet", "skip", "silent", "cant"]

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)")
# The bot's texts people look for are its msgids, exactly: the driver translates each into the
# language of whoever reads it.
ROLE_LABELS = {
    "guide": "I'll be a guide — I teach tools",
    "learner": "I'm a learner — I want to learn tools",
    "both": "Both ways",
}
NOT_YET = Msg.of(
    "⏳ Not yet — remind me in {count} day",
    "⏳ Not yet — remind me in {count} days",
    REMIND_AFTER.days,
    count=REMIND_AFTER.days,
)
# How a person answers a check-in: the button, and how many hours later (low, high).
ANSWERS: dict[Decision, tuple[Label, float, float]] = {
    "met": ("✅ We met", 1, 28),
    "not_yet": (NOT_YET, 1, 20),
    "skip": ("⏭️ Skip this week", 2, 30),
    "cant": ("🚧 We can't make this work", 2, 20),
}
WAYS = ("A tool, taught", "How things work here, shared back (“reverse the mirror”)", "Both")
OTHER_TOPICS = (
    "How our budget cycle works",
    "Who really decides on new hires",
    "Preparing for a board meeting",
    "Negotiating with suppliers",
)
FOLLOW_UP_DAYS = 30
TEACH_BACKS = (
    "Built a pivot table on her own data",
    "Wrote a prompt that drafted the weekly update",
    "Recorded and shared a 2-minute video",
    "Set up a shared board for the team",
    "",
)
OTHER_SIDE = (
    "How budget decisions really get made.",
    "Why some meetings matter more than the agenda says.",
    "Juniors want feedback sooner than we give it.",
    "How a board paper gets written and approved.",
    "What a new joiner finds confusing in our tools.",
)
LEARNED = (
    "Ask the AI for three options, then pick one.",
    "Templates save me an hour a week.",
    "Shortcuts for the things I do twenty times a day.",
    "How to record a 2-minute video instead of a meeting.",
    "Put the question first, then the context.",
    "Let the spreadsheet do the lookup for me.",
)


class Cohort:
    """The people's side of the story, acting through the stage's driver as time passes."""

    def __init__(self, stage: Stage, options: DemoOptions) -> None:
        self.stage = stage
        self.driver = stage.driver
        self.workspace = stage.workspace
        self.admin = stage.workspace.admin.user_id
        self.seed = options.seed
        self.weeks = options.weeks
        self.start = stage.clock.now()
        # One whole cycle (HR approves the round on the first day; the cycle runs `weeks` from
        # then), and the month after it, when learners are asked whether they still use what
        # they learned.
        self.cycle_end = self.start + timedelta(weeks=options.weeks, days=2)
        self.end = self.cycle_end + timedelta(days=FOLLOW_UP_DAYS + 3)
        self._seen = 0  # driver events already reacted to
        self.dm_owner: dict[str, str] = {}
        self.group_members: dict[str, tuple[str, ...]] = {}
        self.pairs: list[tuple[str, ...]] = []
        self.mode: dict[frozenset[str], Mode] = {}
        self.decisions: dict[tuple[frozenset[str], str], Decision] = {}
        self.first_week: dict[frozenset[str], str] = {}
        self.paused: set[str] = set()
        # Whose conversations the story transcript shows in full.
        self.story: set[str] = {self.admin}
        self.cast_chosen = False
        self.misfit: str | None = None  # the learner who answers "Not a good fit"
        # The guide and learner who read Slack in another language (`--locale`): HR pairs them
        # by hand before proposing the round, and the story follows them.
        self.hand_pair = hand_pair(stage.workspace)
        self.story.update(p.user_id for p in self.hand_pair or ())

    async def run(self, on_progress: Callable[[datetime], None]) -> None:
        """The whole story: joining, the weeks of the program, HR's look at the end."""
        self.driver.sync()
        self.dm_owner = {self.driver.dm_channel(p.user_id): p.user_id for p in self.workspace}
        self.schedule_joining()
        await self.stage.play(self.end, self.react, on_progress)
        await self.finale()
        await self.stage.settle(self.react)

    def rng_for(self, *key: object) -> random.Random:
        """A generator for one decision: the same seed and key decide the same way, whatever
        order the bot's messages arrived in."""
        return random.Random(f"{self.seed}:{key!r}")

    def later(self, rng: random.Random, low_hours: float, high_hours: float) -> datetime:
        return self.stage.clock.now() + timedelta(hours=rng.uniform(low_hours, high_hours))

    async def submit(
        self, user: str, answers: Mapping[Label, Any] | Mapping[str, Any], what: str
    ) -> None:
        """Submit the open modal, which must accept it."""
        outcome = await self.driver.submit(user, answers)
        if outcome.errors:
            raise DriverError(f"{what} was refused: {outcome.errors}")

    # ---- joining and the first round -------------------------------------------------------------

    def schedule_joining(self) -> None:
        participants = self.workspace.participants
        late = self.late_joiners()
        spacing = timedelta(minutes=min(3.0, 240.0 / max(1, len(participants))))
        moment = self.start + timedelta(minutes=30)
        for index, person in enumerate(p for p in participants if p not in late):
            moment += spacing
            join = partial(self.join, person, stumble=index == 0)
            self.stage.at(moment, f"{person.name} joining", join)
        if self.hand_pair is not None:
            guide, learner = self.hand_pair
            label = f"HR pairing {guide.name} with {learner.name} by hand"
            self.stage.at(moment + timedelta(minutes=30), label, self.pair_by_hand)
        self.stage.at(moment + timedelta(minutes=45), "HR proposing a round", self.propose)
        # Joined after the round: waiting for a partner when a pair turns out not to fit.
        for hours, person in enumerate(late, start=50):
            self.story.add(person.user_id)
            join = partial(self.join, person, stumble=False)
            self.stage.at(self.start + timedelta(hours=hours), f"{person.name} joining late", join)

    def late_joiners(self) -> list[Person]:
        return late_joiners(self.workspace)

    async def join(self, person: Person, *, stumble: bool) -> None:
        outcome = await self.driver.command(person.user_id, "join")
        if not outcome.of("modal"):
            raise DriverError(f"/rotnem join opened no modal for {person.name}")
        answers = profile_answers(person)
        if stumble:
            # The classic first try: the role picked, nothing else filled in.
            self.story.add(person.user_id)
            role = ROLE_QUESTION
            refused = await self.driver.submit(person.user_id, {role: answers[role]})
            if not refused.errors:
                raise DriverError("a profile without tools or department was accepted")
        await self.submit(person.user_id, answers, f"{person.name}'s profile")
        await self.rate_tools(person)

    async def rate_tools(self, person: Person) -> None:
        """The step after the profile: how confident they are today with each tool."""
        view = self.driver.modals.get(person.user_id)
        if view is None or view.get("callback_id") != CallbackId.BASELINE:
            return
        rng = self.rng_for("baseline", person.user_id)
        # The tools to learn; teaching confidence is optional.
        learning = self.confidence_questions(person.user_id)
        answers: dict[Label, Any] = {
            label: rng.choices(["1", "2", "3", "4"], weights=[35, 35, 20, 10])[0]
            for label in self.driver.fields(view)
            if label in learning
        }
        await self.submit(person.user_id, answers, f"{person.name}'s confidence today")

    def confidence_questions(self, user: str) -> set[str]:
        """ "How confident are you with {tool} today?" for each catalogue tool, as ``user``
        reads it."""
        question = "How confident are you with {tool} today?"
        return {self.driver.says(user, Msg.of(question, tool=tool)) for tool, *_ in TOOLS}

    async def pair_by_hand(self) -> None:
        """HR pairs the guide and learner who read another language before the round."""
        if self.hand_pair is None:
            return
        guide, learner = self.hand_pair
        command = f"admin pair <@{guide.user_id}> <@{learner.user_id}>"
        answers = [e.text for e in (await self.driver.command(self.admin, command)).of("ephemeral")]
        if not any(text.startswith("✅") for text in answers):  # "✅ Paired …", else a refusal
            raise DriverError(f"HR could not pair {guide.name} with {learner.name}: {answers}")

    async def propose(self) -> None:
        outcome = await self.driver.command(self.admin, "admin pair")
        proposal = self.driver.last_ephemeral(self.admin, button="Approve and introduce")
        if proposal is None:
            texts = [e.text[:80] for e in outcome.of("ephemeral")]
            raise DriverError(f"no proposal with “Approve and introduce” reached HR: {texts}")
        approve = partial(self.driver.click, self.admin, "Approve and introduce", message=proposal)
        when = self.stage.clock.now() + timedelta(minutes=12)
        self.stage.at(when, "HR approving the round", approve)

    # ---- reading what the bot sent ---------------------------------------------------------------

    def react(self) -> None:
        """Read the bot's new messages and put people's answers to them on the agenda."""
        self.driver.sync()
        events = self.driver.events
        new, self._seen = events[self._seen :], len(events)
        for event in new:
            if event.kind != "message" or not event.channel:
                continue
            owner = self.dm_owner.get(event.channel)
            has = partial(self.driver.has_button, event)
            if owner is not None:
                if has("✅ We met"):
                    self.on_checkin(owner, event)
                elif has("Nudge them"):
                    self.on_stall_alert(event)
                elif has("Yes, pair me again"):
                    self.on_cycle_end(owner, event)
                elif has("👍 Good fit"):
                    self.on_fit(owner, event)
                elif has("Re-pair"):
                    self.on_misfit_alert(event)
                elif has("Approve and introduce"):
                    self.on_repair_proposal(event)
                elif has("Answer the survey"):
                    self.on_survey(owner, event)
                elif has("Sometimes"):
                    self.on_follow_up(owner, event)
            elif has("We've scheduled our first session"):
                self.on_intro(event)
        if not self.cast_chosen and any(not self.is_hand_pair(pair) for pair in self.pairs):
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
        self,
        user: str,
        button: Label,
        event: Event,
        when: datetime,
        then: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Click ``button`` on the message at ``when``, then fill the modal it opens."""

        async def click() -> None:
            message = self.current(event)
            if not self.driver.has_button(message, button):
                return  # answered meanwhile (or the pair ended): nothing left to click
            outcome = await self.driver.click(user, button, message=message)
            # No modal means the bot answered otherwise (the pair ended meanwhile, say): the
            # person reads that, and the transcript shows it.
            if then is not None and outcome.of("modal"):
                await then()

        shown = button.msgid if isinstance(button, Msg) else button
        self.stage.at(when, f"{self.workspace.name_of(user)} clicking “{shown}”", click)

    def on_intro(self, event: Event) -> None:
        channel = event.channel or ""
        members = self.stage.people_in(channel)
        self.group_members[channel] = members
        self.pairs.append(members)
        self.mode.setdefault(frozenset(members), "steady")
        rng = self.rng_for("intro", sorted(members))
        if rng.random() < 0.6:
            clicker = rng.choice(sorted(members))
            when = self.later(rng, 1, 8)
            self.click_later(clicker, "We've scheduled our first session", event, when)

    # ---- the story's parts -----------------------------------------------------------------------

    def choose_cast(self) -> None:
        """Who plays the story's parts, among the pairs just introduced."""
        self.cast_chosen = True
        # By who is in them, not by arrival: the dispatcher sends introductions concurrently.
        # The pair HR made by hand has its own part already.
        pairs = sorted(tuple(sorted(pair)) for pair in self.pairs if not self.is_hand_pair(pair))
        if not pairs:
            return
        self.story.update(pairs[0])
        rest = pairs[1:]
        weeks = self.weeks
        if weeks >= 4 and rest:
            stall = rest.pop(0)
            self.mode[frozenset(stall)] = "stall"
            self.story.update(stall)
        if rest:
            pauser_pair = rest.pop(0)
            self.story.update(pauser_pair)
            week = 2 if weeks >= 3 else 1
            when = self.start + timedelta(weeks=week - 1, days=1, hours=8, minutes=17)
            self.stage.at(
                when, "someone pausing", partial(self.pause, self.learner_of(pauser_pair))
            )
        if rest:
            leaver_pair = rest.pop(0)
            self.story.update(leaver_pair)
            week = min(3, weeks)
            when = self.start + timedelta(weeks=week - 1, days=2, hours=6, minutes=41)
            self.stage.at(when, "someone leaving", partial(self.leave, sorted(leaver_pair)[0]))
        if rest and weeks >= 3:
            cant = rest.pop(0)
            self.mode[frozenset(cant)] = "cant"
            self.story.update(cant)
        if rest:
            # After their first session, the learner finds it is not a good fit: HR re-pairs.
            misfit = rest.pop(0)
            self.misfit = self.learner_of(misfit)
            self.story.update(misfit)

    def is_hand_pair(self, pair: Sequence[str]) -> bool:
        hand = self.hand_pair
        return hand is not None and set(pair) == {p.user_id for p in hand}

    def learner_of(self, pair: Sequence[str]) -> str:
        for user in pair:
            if self.workspace.person(user).role == "learner":
                return user
        return sorted(pair)[-1]

    async def pause(self, user: str) -> None:
        self.paused.add(user)
        await self.driver.command(user, "pause 2w")

    async def leave(self, user: str) -> None:
        await self.driver.command(user, "leave")
        confirm = self.driver.last_ephemeral(user, button="Yes, leave")
        if confirm is None:
            raise DriverError("/rotnem leave asked nothing to confirm")
        await self.driver.click(user, "Yes, leave", message=confirm)

    # ---- check-ins -------------------------------------------------------------------------------

    def decide(self, pair: frozenset[str], week: str) -> Decision:
        """What a pair did this week (both partners agree on it)."""
        key = (pair, week)
        if key in self.decisions:
            return self.decisions[key]
        first = self.first_week.setdefault(pair, week)
        mode = self.mode.get(pair, "steady")
        roll = self.rng_for("week", sorted(pair), week).random()
        decision: Decision
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
        # Asked again after a "Not yet": only "⏳ Not yet" is left, with no reminder offered.
        again = self.driver.has_button(event, "⏳ Not yet")
        if user in self.paused:
            decision = "skip"
        if decision == "not_yet" and again:
            decision = "met"
        rng = self.rng_for("answer", user, week, again)
        if decision == "met" and rng.random() < 0.1:
            return  # one partner forgets to answer; the other's report counts for both
        if decision == "silent":
            return
        if decision == "cant" and user != self.learner_of(tuple(pair)):
            decision = "skip"  # the learner tells HR; the guide just skips the week
        button, low, high = ANSWERS[decision]
        then = {"met": partial(self.report, user), "cant": partial(self.cant, user)}
        self.click_later(user, button, event, self.later(rng, low, high), then.get(decision))

    async def report(self, user: str) -> None:
        """Fill in the session report that "We met" opened."""
        rng = self.rng_for("report", user, self.stage.clock.now().date().isoformat())
        view = self.driver.modal(user)
        if not self.driver.asks(user, view, "What did you cover?"):
            return  # a notice (the check-in closed meanwhile), not the session's questions
        other = self.driver.says(user, "Something else")
        covered = self.driver.options_of(user, view, "What did you cover?")
        tools = [t for t in covered if t != other]
        answers: dict[Label, Any] = {}
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
        way = rng.choices(WAYS, weights=[50, 20, 30])[0]
        answers["Which way did the learning go?"] = way
        confidence = "How confident do you feel now with the tool you covered?"
        if self.driver.asks(user, view, confidence) and answers["What did you cover?"] in tools:
            answers[confidence] = self.confidence_now(rng)
        await self.submit(user, answers, "the session report")
        await self.teach_back(user, rng)

    def confidence_now(self, rng: random.Random) -> str:
        """A learner's confidence after a session: growing as the cycle goes on."""
        progress = (self.stage.clock.now() - self.start) / (self.cycle_end - self.start)
        return str(min(5, 2 + round(progress * 2.5 + rng.uniform(-0.5, 0.8))))

    async def teach_back(self, user: str, rng: random.Random) -> None:
        """A guide whose learner showed the tool back confirms it (from the second week on)."""
        # The newest message in their DM offering it, as it reads now (read from the DM's own
        # messages: scanning every event would grow with the whole cohort's history).
        dm = self.driver.dm_channel(user)
        checkin = self.driver.latest(dm, action_id=ActionId.TEACH_BACK)
        progress = (self.stage.clock.now() - self.start) / (self.cycle_end - self.start)
        if checkin is None or progress < 0.3 or rng.random() < 0.4:
            return
        # "✅ Ana showed Canva back": found by what it does, whatever the name, tool or language.
        button = next(b for b in buttons_in(checkin.blocks) if b.action_id == ActionId.TEACH_BACK)
        outcome = await self.driver.click(user, button.text, message=checkin)
        if outcome.of("modal"):
            what = rng.choice(TEACH_BACKS)
            await self.submit(user, {"What did they do? (optional)": what}, "the teach-back")

    async def cant(self, user: str) -> None:
        """Tell HR, in the modal "We can't make this work" opened, why it does not work."""
        if not self.driver.asks(user, self.driver.modal(user), "What should happen?"):
            return
        answers = {
            "What should happen?": "Just tell HR; keep the pair for now",
            "Why? (private, for HR only)": "Our calendars never line up across time zones.",
        }
        await self.submit(user, answers, "“We can't make this work”")

    def on_fit(self, user: str, event: Event) -> None:
        rng = self.rng_for("fit", user)
        if user == self.misfit:
            button = "👎 Not a good fit"
            self.misfit = None  # the next partner fits
        else:
            button = rng.choices(["👍 Good fit", "🤔 Still deciding"], weights=[80, 20])[0]
        self.click_later(user, button, event, self.later(rng, 1, 10))

    def on_misfit_alert(self, event: Event) -> None:
        rng = self.rng_for("misfit", event.at.date().isoformat())
        self.click_later(self.admin, "Re-pair", event, self.later(rng, 1, 3))

    def on_repair_proposal(self, event: Event) -> None:
        rng = self.rng_for("repair", event.at.date().isoformat())
        self.click_later(self.admin, "Approve and introduce", event, self.later(rng, 0.2, 1))

    def on_survey(self, user: str, event: Event) -> None:
        rng = self.rng_for("survey", user, event.at.date().isoformat())
        then = partial(self.answer_survey, user, rng)
        self.click_later(user, "Answer the survey", event, self.later(rng, 2, 40), then)

    async def answer_survey(self, user: str, rng: random.Random) -> None:
        view = self.driver.modal(user)
        labels = self.driver.fields(view)
        answers: dict[Label, Any] = {
            "How useful is reverse mentoring for you?": rng.choices(
                ["5 — very useful", "4", "3 — useful", "2"], weights=[40, 40, 15, 5]
            )[0],
            "Would you recommend it to a colleague?": "Yes" if rng.random() < 0.85 else "No",
            "What did you learn about how the other side works?": rng.choice(OTHER_SIDE),
        }
        confidence = self.confidence_questions(user)
        for label in labels:
            if label in confidence:
                answers[label] = self.confidence_now(rng)
        if self.driver.asks(user, view, "Continue with this partner?"):
            answers["Continue with this partner?"] = "Yes" if rng.random() < 0.75 else "No"
        await self.submit(user, answers, "the survey")

    def on_follow_up(self, user: str, event: Event) -> None:
        # Keyed by what the follow-up asks and the simulated day, not its Slack timestamp (the
        # fake's wall clock): the same seed gives the same answers.
        rng = self.rng_for("follow-up", user, event.at.date().isoformat(), event.text)
        button = rng.choices(["Yes", "Sometimes", "No"], weights=[60, 30, 10])[0]
        self.click_later(user, button, event, self.later(rng, 1, 30))

    def on_stall_alert(self, event: Event) -> None:
        for pair, mode in self.mode.items():
            if mode == "stall":
                self.mode[pair] = "steady"  # HR's nudge works: they meet again
        rng = self.rng_for("stall", event.at.date().isoformat())
        self.click_later(self.admin, "Nudge them", event, self.later(rng, 1, 4))

    def on_cycle_end(self, user: str, event: Event) -> None:
        rng = self.rng_for("cycle", user)
        weeks = self.weeks  # a break is as long as a cycle
        take_a_break = Msg.of(
            "Take a break ({weeks} week)", "Take a break ({weeks} weeks)", weeks, weeks=weeks
        )
        button: Label = "Yes, pair me again" if rng.random() < 0.7 else take_a_break
        self.click_later(user, button, event, self.later(rng, 2, 24))

    # ---- the end ---------------------------------------------------------------------------------

    async def finale(self) -> None:
        await self.driver.command(self.admin, "admin stats")
        await self.driver.command(self.admin, "admin report")
        for user in self.home_users():
            await self.driver.open_home(user)

    def home_users(self) -> list[str]:
        # The first pair by who is in it, as in `choose_cast`: introductions arrive in any order.
        shown = list(min(tuple(sorted(pair)) for pair in self.pairs)) if self.pairs else []
        if not shown:
            shown = [p.user_id for p in self.workspace.participants[:2]]
        return [*shown[:2], self.admin]


ROLE_QUESTION = "How would you like to take part?"


def late_joiners(workspace: Workspace) -> list[Person]:
    """A guide and a learner who join once the first round runs (in a cohort of 8 or more)."""
    participants = workspace.participants
    if len(participants) < 8:
        return []
    return [
        next(p for p in reversed(participants) if p.role == role)
        for role in ("guide", "learner")
        if any(p.role == role for p in participants)
    ]


def hand_pair(workspace: Workspace) -> tuple[Person, Person] | None:
    """The guide and learner who read Slack in another language than English (see
    `bot.sandbox.people.with_pair_reading`), guide first; none when everyone reads English."""
    others = [p for p in workspace.participants if not p.locale.startswith("en")]
    if len(others) != 2:
        return None
    first, second = others
    if first.role != "learner" and second.role != "guide" and compatible(first, second):
        return (first, second)
    return (second, first)


def profile_answers(person: Person) -> dict[Label, Any]:
    """The profile modal's answers, by label, for what ``person`` is."""
    answers: dict[Label, Any] = {
        ROLE_QUESTION: ROLE_LABELS[person.role or "learner"],
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
