"""Every person reads Rotnem in their Slack language, over signed HTTP: the profile modal, the
confirmation and the help for someone who joins; the introduction, the weekly prompt and the
check-in delivered by the outbox; a group DM in the language both partners read, else the
program's; a Slack language Rotnem does not speak falls back to the program's, which HR sets in
the settings modal."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.delivery.pacing import Pacer
from bot.ids import ActionId, BlockId
from bot.sandbox.signing import team_join_event
from bot.services.enrollment.invites import welcome_to_program
from tests.factories import (
    ADMIN_ID,
    ANNOUNCE,
    BOTH_BACKENDS,
    JSON,
    SETTINGS_AS_OPENED,
    Program,
    RunningBot,
    command_modal,
    eventually_async,
    reply,
    rotnem,
    saved,
    submit,
    tool_ids,
)

PERSON = "U0LOCALE1"
# What each language shows where English says "How would you like to take part?", "You're in!"
# and "Rotnem commands:" (bot/locales/<language>/LC_MESSAGES/rotnem.po).
JOINING = {
    "en-GB": ("How would you like to take part?", "You're in!", "Rotnem commands:"),
    "fr-FR": (
        "Comment souhaitez-vous participer\u00a0?",
        "C'est fait, vous participez\u00a0!",
        "Commandes Rotnem\u00a0:",
    ),
    "es-ES": ("¿Cómo quieres participar?", "¡Ya estás dentro!", "Comandos de Rotnem:"),
    "de-DE": ("Wie möchtest du mitmachen?", "Du bist dabei!", "Rotnem-Befehle:"),
}


def _texts(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("locale", sorted(JOINING))
async def test_joining_and_help_speak_the_persons_slack_language(
    bot: RunningBot, locale: str
) -> None:
    question, joined, help_heading = JOINING[locale]
    bot.slack.add_user(PERSON, real_name="Lou Locale", tz="Europe/Paris", locale=locale)

    answer, view = await command_modal(bot, PERSON)
    assert question in _texts(view["blocks"])
    chatgpt = (await tool_ids(bot, "ChatGPT"))[0]
    answers: dict[str, object] = {
        BlockId.PROFILE_ROLE: "learner",
        BlockId.PROFILE_LEARN: [chatgpt],
        BlockId.PROFILE_DEPARTMENT: "Finance",
    }
    assert saved(await submit(bot, PERSON, view, answers))
    confirmation = await reply(bot, answer)
    assert confirmation["text"].startswith(joined)

    # The help and the answer to a word Rotnem does not know come in the acknowledgement.
    assert help_heading in (await rotnem(bot, PERSON, "help")).response.json()["text"]
    unknown = (await rotnem(bot, PERSON, "frobnicate")).response.json()["text"]
    assert "frobnicate" in unknown
    # What people type stays what they type.
    assert "`/rotnem status`" in unknown
    assert ("Here is what I can do" in unknown) == locale.startswith("en")


async def _round(program: Program, proposal: JSON | None = None) -> dict[str, JSON]:
    """Propose (unless HR has) and approve a round, every message delivered: each pair's
    introduction, by the guide's user ID."""
    proposal = proposal or await program.propose()
    before = len(program.slack.responses())
    assert (await program.click(proposal, ActionId.ROUND_APPROVE)).status_code == 200
    await program.responses(before + 1)
    await program.deliver()
    intros = [program.posts(p.group_channel_id or "")[0] for p in await program.pairs()]
    return {guide: m for m in intros for guide in GUIDES if f"<@{guide}>" in _texts(m)}


GUIDES = ("U0FRGUIDE", "U0MXGUIDE", "U0PTGUIDE")


@BOTH_BACKENDS
async def test_a_pair_reads_its_introduction_prompt_and_check_ins_in_the_language_it_shares(
    program: Program,
) -> None:
    await program.join(
        "U0FRGUIDE", "Flore G", "guide", teaches=["ChatGPT"], tz="Europe/Paris", locale="fr-FR"
    )
    await program.join("U0FRLEARN", "Fabien L", "learner", learns=["ChatGPT"], locale="fr-CA")
    await program.join(
        "U0MXGUIDE", "Mia G", "guide", teaches=["LinkedIn"], tz="Europe/Madrid", locale="es-ES"
    )
    await program.join("U0MXLEARN", "Dirk L", "learner", learns=["LinkedIn"], locale="de-DE")
    await program.join("U0FRWAITS", "Odile L", "learner", learns=["TikTok"], locale="fr-FR")

    intros = await _round(program)
    # Left without a partner: why, in her language (the engine's reason is written for her).
    waitlisted = program.dm("U0FRWAITS")[-1]["text"]
    assert waitlisted.startswith("⏳ Je n'ai pas pu vous trouver de binôme")
    assert "n'enseigne ce que vous voulez apprendre (TikTok)" in waitlisted
    french, mixed = intros["U0FRGUIDE"], intros["U0MXGUIDE"]
    assert "<@U0FRGUIDE> est le guide" in _texts(french["blocks"])
    assert "is the guide" not in _texts(french)
    # A Spanish guide and a German learner: the program's language (English by default).
    assert "<@U0MXGUIDE> is the guide" in _texts(mixed["blocks"])
    # The announcement channel reads the program's language.
    announcement = _texts(program.posts(ANNOUNCE)[-1])
    assert "U0FRGUIDE" in announcement and "est le guide" not in announcement

    # Monday 10:00 in London (the learners' zone): this week's prompts in the group DMs.
    program.at(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    await program.tick()
    await program.deliver()
    channel = str(french["channel"])
    assert "Cette semaine\u00a0:" in program.posts(channel)[-1]["text"]
    assert program.posts(str(mixed["channel"]))[-1]["text"].startswith("This week:")

    # Thursday: each person's check-in, privately, in their own language.
    program.at(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    await program.tick()
    await program.deliver()
    expected = {
        "U0FRGUIDE": "Avez-vous pu rencontrer",
        "U0FRLEARN": "Avez-vous pu rencontrer",
        "U0MXGUIDE": "¿Te reuniste con",
        "U0MXLEARN": "Hast du dich diese Woche",
    }
    for user, words in expected.items():
        assert any(words in m["text"] for m in program.dm(user)), (user, program.dm(user))


async def test_a_slack_language_rotnem_does_not_speak_reads_the_programs_language(
    program: Program,
) -> None:
    await program.join("U0PTGUIDE", "Paulo G", "guide", teaches=["ChatGPT"], locale="pt-BR")
    await program.join("U0PTLEARN", "Rita L", "learner", learns=["ChatGPT"], locale="pt-BR")
    # HR sets the program's language to Spanish in the settings modal.
    await program.command("admin settings")
    await program.slack.wait_for("views.open", 1)
    view = program.slack.open_views(ADMIN_ID)[-1]
    assert "Program language" in _texts(view["blocks"])
    answers = {**SETTINGS_AS_OPENED, BlockId.SETTINGS_LANGUAGE: "es"}
    ok = await program.bot.requester.submit_view(view=view, user_id=ADMIN_ID, answers=answers)
    assert ok.status_code == 200 and ok.text in ("", "null")
    await program.slack.wait_for("chat.postMessage", 1)
    assert "Program language: English → Español" in program.dm(ADMIN_ID)[-1]["text"]

    # HR, not in the program, reads their own Slack language (English), not the program's.
    before = len(program.slack.ephemerals(ADMIN_ID))
    working = (await program.command("admin pair")).json()["text"]
    assert working.startswith("Working out the best pairs")
    intros = await _round(program, (await program.answers(before + 1))[-1])
    assert "<@U0PTGUIDE> es quien guía" in _texts(intros["U0PTGUIDE"]["blocks"])
    # And the channel announces in Spanish.
    assert "is the guide" not in _texts(program.posts(ANNOUNCE)[-1])


@BOTH_BACKENDS
async def test_people_not_in_the_program_read_their_own_slack_language(program: Program) -> None:
    # HR is not a participant: Slack says what they read, asked once.
    program.slack.add_user(ADMIN_ID, real_name="Hana HR", locale="fr-FR")
    working = (await program.command("admin pair")).json()["text"]
    assert working.startswith("Je cherche les meilleurs binômes")
    asked = program.slack.count("users.info")
    await program.command("help")
    assert program.slack.count("users.info") == asked

    # A newcomer welcomed by DM (the outbox) reads it in their Slack language.
    await program.update_settings(invite_new_people=True)
    newcomer = program.slack.add_user("U0NEWESP1", real_name="Nuria N", locale="es-ES")
    assert (await program.bot.requester.event(team_join_event(newcomer))).status_code == 200
    await eventually_async(lambda: program.outbox("welcome"))
    await program.deliver_all()
    (welcome,) = program.dm("U0NEWESP1")
    assert welcome["text"] == "¡Te damos la bienvenida! ¿Te apuntas a la mentoría inversa?"


async def test_a_burst_of_newcomers_asks_slack_their_language_at_users_info_pace(
    program: Program,
) -> None:
    """users.info is rate-limited per workspace: the dispatcher asks at its pace (here one a
    minute, to see it) and whoever it could not ask within a second reads the program's language
    rather than waiting, or being refused by Slack."""
    dispatcher = program.bot.dispatcher
    dispatcher.pacer = Pacer({"users.info": 1.0}, clock=lambda: program.clock.now().timestamp())
    newcomers = [f"U0BURST{n:02d}" for n in range(3)]
    async with program.bot.deps.sessionmaker.begin() as session:
        for user in newcomers:
            program.slack.add_user(user, real_name=user, locale="de-DE")
            await welcome_to_program(
                session,
                team_id=program.team_id,
                user_id=user,
                command="/rotnem",
                now=program.clock.now(),
            )
    asked = program.slack.count("users.info")
    await dispatcher.drain()
    assert program.slack.count("users.info") == asked + 1
    welcomes = sorted(program.dm(user)[0]["text"] for user in newcomers)
    assert [text.startswith("Willkommen") for text in welcomes] == [False, False, True]
