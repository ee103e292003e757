"""`/rotnem <subcommand> …`: one slash command, routed by its first word, run in one program.

When the workspace runs several programs, each subcommand says which it may act on (`Reach`):
typed in a program's own channel it acts there; where only one program fits (the one the person
is in, the one they administer, the only one open) it acts there; otherwise the answer asks
which, with a button per program that runs the same command in the program picked. A workspace
with one program is never asked."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.errors import admins_only_message
from bot.blocks.help import HelpLine, help_message, unknown_subcommand_message
from bot.blocks.kit import unescape, use_program
from bot.blocks.message import Message
from bot.blocks.program_choice import program_choice_message
from bot.i18n import N_, _, current_language
from bot.install.keys import program_number, workspace_of
from bot.services.errors import RotnemError
from bot.services.program.programs import Program, program_of, programs_of, programs_of_person
from bot.services.program.settings import managers_by_program
from handlers.kit import Acknowledgement, Click, Request, answer_then_continue, deps_of, team_of
from handlers.program_channels import program_in_channel


@dataclass(frozen=True)
class CommandCall(Request):
    """One invocation, with the rest of the text after the subcommand word in `args`."""

    channel_id: str
    trigger_id: str
    args: str
    respond: AsyncRespond
    # Run from a "which program?" button: `team_id` is the program picked.
    picked: bool = False

    @property
    def typed_args(self) -> str:
        """The arguments as the person typed them, for text we store (a tool's name, a prompt).

        With the manifest's `should_escape: true` Slack sends `&`, `<` and `>` as entities and
        wraps links, channels and people in `<…>`; a catalogue entry should read `R&D`, not
        `R&amp;D`, and is escaped again wherever it is shown."""
        return unescape(_SLACK_LINK.sub(_link_label, self.args))

    async def ack(self, **answer: Any) -> None:
        """Acknowledge the command (an empty ack, or an answer shown to the invoker; run from a
        "which program?" button, the answer takes the question's place)."""
        if not self.picked:
            await self.acknowledgement.give(**answer)
            return
        await self.acknowledgement.give()
        if answer:
            await self.respond(replace_original=True, **answer)

    async def reply(self, message: Message) -> None:
        """Answer only the invoker, after the ack (through the command's response_url)."""
        await self.respond(response_type="ephemeral", **message.to_dict())

    async def refuse(self, message: Message) -> None:
        if self.acknowledgement.given:
            await self.reply(message)
        else:
            await self.ack(response_type="ephemeral", **message.to_dict())


Run = Callable[[CommandCall], Awaitable[None]]

# `<https://x.example|x.example>`, `<mailto:a@b.example|a@b.example>`, `<#C123|general>`,
# `<@U123|ana>`, `<!here>`: Slack's encoding of what a person typed as a link or a mention.
_SLACK_LINK = re.compile(r"<(?P<kind>[#@!]?)(?P<target>[^<>|]*)(?:\|(?P<label>[^<>]*))?>")


def _link_label(match: re.Match[str]) -> str:
    kind, target, label = match["kind"], match["target"], match["label"]
    if kind == "!":
        return label or "@" + target.split("^")[0]
    return kind + label if label else kind + target


class Reach(StrEnum):
    """Which of the workspace's programs a subcommand may act on."""

    # An open program the person has not joined yet (else any open one: joining again edits).
    JOIN = "join"
    # An open program the person takes part in.
    MINE = "mine"
    # A program the person administers (closed ones too: their figures and exports stay).
    ADMIN = "admin"
    # No one program: the subcommand reads the workspace's (`call.team_id` is the workspace's).
    WORKSPACE = "workspace"


@dataclass(frozen=True)
class Subcommand:
    """A subcommand: its word, how `help` shows it, what runs it, and on which program."""

    name: str
    usage: str
    summary: str
    run: Run
    reach: Reach | None = None

    @property
    def help_line(self) -> HelpLine:
        """The line as written (`usage` and `summary` are marked with `N_()` where the
        subcommand is defined; `bot.blocks.help` translates them)."""
        return HelpLine(usage=self.usage, summary=self.summary)


# A name in quotes at the start of the arguments (`"Power BI" — dashboards`); Slack clients turn
# "straight" quotes into “curly” ones as people type.
QUOTED = re.compile(r"""^["“”'‘’](?P<name>[^"“”]+?)["“”'‘’]\s*(?P<rest>.*)$""", re.S)


def by_word(name: str, actions: Mapping[str, Run], usage: Callable[[str, str], Message]) -> Run:
    """A subcommand whose next word picks what to do (`admin tools add …`; no word: the first
    action). Arguments that do not parse (`ValueError`) or a refusal are answered with the
    subcommand's usage."""

    async def run(call: CommandCall) -> None:
        await call.ack()
        word, rest = _split(call.args)
        action = actions.get(word or next(iter(actions)))
        try:
            if action is None:
                raise ValueError(
                    _("I don't know `{subcommand} {word}`.").format(subcommand=name, word=word)
                )
            await action(_with_args(call, rest))
        except ValueError as exc:
            await call.reply(usage(call.command, str(exc)))
        except RotnemError as exc:
            await call.reply(usage(call.command, exc.message))

    return run


def _split(text: str) -> tuple[str, str]:
    word, _sep, rest = text.strip().partition(" ")
    return word.lower(), rest.strip()


class Router:
    """Finds the subcommand for a command's text; `help` and unknown words are answered here."""

    def __init__(self, subcommands: Sequence[Subcommand], admin: Sequence[Subcommand]) -> None:
        self._user = {sub.name: sub for sub in subcommands}
        self._admin = {sub.name: sub for sub in admin}
        # The help is the same every time for a command, a kind of person (admin or not) and a
        # language: built once each, not through slack_sdk's models on every `/rotnem help`.
        self._help: dict[tuple[str, bool, str], dict[str, Any]] = {}

    def _lines(self, admin: bool) -> tuple[list[HelpLine], list[HelpLine]]:
        """Everyone's subcommands, and the admin ones for admins only."""
        admin_lines = [sub.help_line for sub in self._admin.values()] if admin else []
        return [*(sub.help_line for sub in self._user.values()), HELP_LINE], admin_lines

    async def help(self, call: CommandCall) -> dict[str, Any]:
        """The help message as Slack receives it (shared: not to be changed)."""
        deps = call.deps
        admin = await deps.shows_admin(call.team_id, call.user_id)
        key = (deps.settings.rotnem_command, admin, current_language())
        if key not in self._help:
            message = help_message(deps.settings.rotnem_command, *self._lines(admin))
            self._help[key] = message.to_dict()
        return self._help[key]

    async def dispatch(self, call: CommandCall) -> None:
        word, rest = _split(call.args)
        if word in {"", "help"}:
            await call.ack(response_type="ephemeral", **await self.help(call))
            return
        if word == "admin" and self._admin:
            await self._dispatch_admin(call, rest)
            return
        subcommand = self._user.get(word)
        if subcommand is None:
            await self._unknown(call, word)
            return
        in_program = await self._in_program(call, subcommand.reach or Reach.MINE)
        if in_program is not None:
            await subcommand.run(_with_args(in_program, rest))

    async def _dispatch_admin(self, call: CommandCall, text: str) -> None:
        # Authorised on the server for every admin action, whatever the UI showed: first for
        # the workspace (any program), then for the program the action runs in.
        if not await self._administers(call):
            await call.ack(response_type="ephemeral", **admins_only_message().to_dict())
            return
        word, rest = _split(text)
        if word in {"", "help"}:  # `admin` alone asks what admins can do: the help says it
            await call.ack(response_type="ephemeral", **await self.help(call))
            return
        subcommand = self._admin.get(word)
        if subcommand is None:
            await self._unknown(call, f"admin {word}".strip())
            return
        in_program = await self._in_program(call, subcommand.reach or Reach.ADMIN)
        if in_program is None:
            return
        if subcommand.reach is not Reach.WORKSPACE and not await in_program.is_admin():
            await call.ack(response_type="ephemeral", **admins_only_message().to_dict())
            return
        await subcommand.run(_with_args(in_program, rest))

    async def _administers(self, call: CommandCall) -> bool:
        """Whether the person administers a program of the workspace (the one picked, once
        picked), read afresh."""
        if call.picked or call.user_id in call.deps.settings.rotnem_admins:
            return await call.is_admin()
        async with call.deps.sessionmaker() as session:
            by_program = await managers_by_program(session, workspace_of(call.team_id))
        return any(call.user_id in managers for managers in by_program.values())

    async def _in_program(self, call: CommandCall, reach: Reach) -> CommandCall | None:
        """`call` in the program it acts on; None when the person was asked which."""
        if call.picked or reach is Reach.WORKSPACE:
            return call
        workspace = workspace_of(call.team_id)
        async with call.deps.sessionmaker() as session:
            fitting, by_channel = await _fitting(session, call, workspace, reach)
            # Typed in a program's own channel, a command acts there: asked first, so that
            # `join` there edits that program's profile rather than joining the other one.
            here = await program_in_channel(call.deps, session, by_channel, call.channel_id)
            if here is not None:
                return _acting_in(call, here.key)
            if len(fitting) <= 1:
                return _acting_in(call, fitting[0].key if fitting else workspace)
        choice = program_choice_message(call.command, call.args, fitting)
        await call.ack(response_type="ephemeral", **choice.to_dict())
        return None

    async def picked(self, click: Click) -> None:
        """A "which program?" button: the command it carries, run in the program picked (one the
        workspace has: a button forged for another is refused, nothing run)."""
        async with click.deps.sessionmaker() as session:
            await program_of(session, click.team_id)
        call = CommandCall(
            deps=click.deps,
            team_id=click.team_id,
            user_id=click.user_id,
            client=click.client,
            acknowledgement=click.acknowledgement,
            channel_id=click.channel or "",
            trigger_id=click.trigger_id,
            args=click.value,
            respond=click.respond,
            picked=True,
        )
        await self.dispatch(call)

    async def _unknown(self, call: CommandCall, word: str) -> None:
        lines = self._lines(await call.deps.shows_admin(call.team_id, call.user_id))
        message = unknown_subcommand_message(call.command, word, *lines)
        await call.ack(response_type="ephemeral", **message.to_dict())

    def listener(self) -> Callable[..., Awaitable[None]]:
        """The Bolt listener (Bolt passes arguments by name)."""

        async def rotnem_command(
            ack: AsyncAck,
            command: dict[str, Any],
            respond: AsyncRespond,
            client: AsyncWebClient,
            context: AsyncBoltContext,
        ) -> None:
            call = CommandCall(
                deps=deps_of(context),
                user_id=command["user_id"],
                team_id=team_of(context),
                channel_id=command.get("channel_id", ""),
                trigger_id=command.get("trigger_id", ""),
                args=command.get("text") or "",
                acknowledgement=Acknowledgement(ack),
                respond=respond,
                client=client,
            )
            await answer_then_continue(call, self.dispatch)

        return rotnem_command


# `help` is answered by the router itself; its summary is translated where the help is built.
HELP_LINE = HelpLine(usage="help", summary=N_("this list"))


def _with_args(call: CommandCall, args: str) -> CommandCall:
    return replace(call, args=args)


def _acting_in(call: CommandCall, key: str) -> CommandCall:
    """`call` in program `key`, whose modals and buttons it builds come back to that program."""
    use_program(program_number(key))
    return replace(call, team_id=key)


async def _fitting(
    session: AsyncSession, call: CommandCall, workspace: str, reach: Reach
) -> tuple[list[Program], list[Program]]:
    """The programs `call` could mean (by `reach`), or all of them when there is one; and those
    whose own channel it may be typed in to act there (none when there is one program)."""
    programs = await programs_of(session, workspace)
    if len(programs) == 1:
        return programs, []
    if reach is Reach.ADMIN:
        if call.user_id in call.deps.settings.rotnem_admins:
            return programs, programs
        by_program = await managers_by_program(session, workspace)
        managed = [p for p in programs if call.user_id in by_program.get(p.key, ())]
        return managed, managed
    mine = await programs_of_person(session, workspace, call.user_id)
    if reach is Reach.MINE:
        return mine, mine
    open_ = [p for p in programs if not p.closed]
    joined = {p.key for p in mine}
    # `join` in an open program's channel: that program, joined already or not (its profile).
    return [p for p in open_ if p.key not in joined] or open_, open_
