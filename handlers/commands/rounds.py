"""`/rotnem admin pair`, `admin pair @guide @learner`, `admin unpair @person` (HR admins only;
the router checks that on the server before any of these runs)."""

from __future__ import annotations

import re

from bot.blocks.rounds import (
    PAIR_EXAMPLE,
    UNPAIR_EXAMPLE,
    computing_message,
    manual_pair_message,
    proposal_message,
    refusal_message,
    unpaired_message,
    usage_message,
)
from bot.i18n import N_, _
from bot.services.errors import InvalidPairCommand, RotnemError
from bot.services.rounds.manual import create_manual_pair, unpair
from bot.services.rounds.propose import ProposalNotice, propose_round
from handlers.commands.router import CommandCall, Subcommand

# With the manifest's `should_escape: true`, Slack sends a person picked from the @ list as
# <@U123|name> (or <@U123> without the name).
_WORDS = re.compile(r"<[^<>]*>|[^\s<]+|<")
_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>")
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def parse_users(text: str, example: str) -> list[str]:
    """The user IDs in `text`, from mentions (`<@U123|ana>`, `<@U123>`) or bare IDs.

    Anything else raises `InvalidPairCommand` naming the word that was not understood.
    """
    users: list[str] = []
    # A mention is one word even when the name Slack puts in it has spaces.
    for word in _WORDS.findall(text):
        mention = _MENTION.fullmatch(word)
        if mention:
            users.append(mention.group(1))
        elif _USER_ID.fullmatch(word):
            users.append(word)
        else:
            shown = word if len(word) <= 30 else word[:29] + "…"
            # A name typed without picking the person from Slack's list arrives as bare text.
            problem = (
                _(
                    "“{word}” reached me as plain text, not as a person: type @ and pick them "
                    "from the list Slack shows, so that Slack sends who they are."
                )
                if word.startswith("@")
                else _(
                    "I couldn't read “{word}” as a person: type @ and pick them from the list "
                    "Slack shows, so that Slack sends who they are."
                )
            )
            raise InvalidPairCommand(problem.format(word=shown), example)
    return users


async def admin_pair(call: CommandCall) -> None:
    """No arguments: propose a round. Two people: pair them by hand."""
    try:
        users = parse_users(call.args, PAIR_EXAMPLE)
        if len(users) not in (0, 2):
            raise InvalidPairCommand(
                _(
                    "Name exactly two people, the guide first then the learner (you named "
                    "{count}). Or nothing at all, to get a proposal for everyone."
                ).format(count=len(users)),
                PAIR_EXAMPLE,
            )
    except InvalidPairCommand as exc:
        await call.ack(
            response_type="ephemeral",
            **usage_message(call.command, exc.message, exc.example).to_dict(),
        )
        return
    if not users:
        await propose(call)
    else:
        await pair_by_hand(call, users[0], users[1])


async def propose(call: CommandCall) -> None:
    # Matching a large program takes a moment: acknowledge first, the proposal follows.
    await call.ack(response_type="ephemeral", **computing_message().to_dict())
    deps = call.deps
    async with deps.sessionmaker.begin() as session:
        proposal = await propose_round(
            session,
            call.team_id,
            now=deps.clock.now(),
            defaults=deps.program_defaults,
            proposed_by=call.user_id,
        )
    await call.reply(proposal_message(ProposalNotice(proposal=proposal)))


async def pair_by_hand(call: CommandCall, guide: str, learner: str) -> None:
    await call.ack()
    deps = call.deps
    try:
        async with call.saving() as session:
            result = await create_manual_pair(
                session,
                call.team_id,
                guide,
                learner,
                actor_id=call.user_id,
                now=deps.clock.now(),
                defaults=deps.program_defaults,
                zone=deps.settings.zone,
            )
    except RotnemError as exc:
        await call.reply(refusal_message(exc.message))
        return
    await call.reply(manual_pair_message(result))


async def admin_unpair(call: CommandCall) -> None:
    """End someone's current pair (both people are told privately)."""
    try:
        users = parse_users(call.args, UNPAIR_EXAMPLE)
        if len(users) != 1:
            raise InvalidPairCommand(
                _("Name exactly one person (you named {count}).").format(count=len(users)),
                UNPAIR_EXAMPLE,
            )
    except InvalidPairCommand as exc:
        await call.ack(
            response_type="ephemeral",
            **usage_message(call.command, exc.message, exc.example).to_dict(),
        )
        return
    await call.ack()
    deps = call.deps
    try:
        async with call.saving() as session:
            ended = await unpair(
                session, call.team_id, users[0], actor_id=call.user_id, now=deps.clock.now()
            )
    except RotnemError as exc:
        await call.reply(refusal_message(exc.message))
        return
    await call.reply(unpaired_message(ended))


ROUNDS_ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "pair",
        "admin pair [@guide @learner]",
        N_("propose a pairing round to approve, or pair two people by hand"),
        admin_pair,
    ),
    Subcommand("unpair", "admin unpair @person", N_("end someone's current pair"), admin_unpair),
)
