"""HR's tool catalogue commands, and their arguments read by value."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.ids import BlockId
from bot.sandbox import FakeSlack
from handlers.commands.tools import parse_add, parse_name
from models import Tool
from tests.factories import ADMIN_ID, GUIDE, RunningBot, open_modal, reply, rotnem, start_bot


@pytest.mark.parametrize(
    "args", ["tools", "tools list", 'tools add "Figma" — design together', 'tools remove "Canva"']
)
async def test_every_admin_tools_subcommand_refuses_non_admins(bot: RunningBot, args: str) -> None:
    answer = await rotnem(bot, GUIDE, f"admin {args}")
    body = answer.response.json()
    assert body["response_type"] == "ephemeral"
    assert body["text"].startswith("Only program admins can do that.")
    async with bot.deps.sessionmaker() as session:
        tools = list(await session.scalars(select(Tool)))
    assert len(tools) == 27 and all(t.removed_at is None for t in tools)


async def admin(bot: RunningBot, args: str) -> dict[str, Any]:
    answer = await rotnem(bot, ADMIN_ID, f"admin {args}")
    message = await reply(bot, answer)
    assert message["response_type"] == "ephemeral"
    return message


async def test_hr_lists_adds_and_removes_tools(bot: RunningBot) -> None:
    listing = await admin(bot, "tools")
    assert "27 tools offered" in listing["text"]
    assert "Generative AI assistants" in listing["text"]
    assert "LinkedIn — Build a profile" in listing["text"]

    added = await admin(bot, "tools add “Figma” — design screens together in the browser")
    assert added["text"].startswith("Added Figma — design screens together")
    assert "already in the catalogue" in (await admin(bot, 'tools add "figma" - again'))["text"]
    assert "Add a one-line description" in (await admin(bot, 'tools add "Miro2"'))["text"]
    assert "Put the tool's name in quotes" in (await admin(bot, "tools add Figma"))["text"]
    long_name = "x" * 41
    assert "at most 40" in (await admin(bot, f'tools add "{long_name}" — too long'))["text"]

    modal = await open_modal(bot, GUIDE)
    groups = next(b for b in modal["blocks"] if b.get("block_id") == BlockId.PROFILE_TEACH)
    more = groups["element"]["option_groups"][-1]
    assert more["label"]["text"] == "More tools"
    assert [o["text"]["text"] for o in more["options"]] == ["Figma"]

    removed = await admin(bot, 'tools remove "Figma"')
    assert "no longer offered" in removed["text"]
    assert "There is no tool called" in (await admin(bot, 'tools remove "Figma"'))["text"]
    assert "27 tools offered" in (await admin(bot, "tools"))["text"]
    readded = await admin(bot, 'tools add "Figma" — back again')
    assert readded["text"].startswith("Added Figma — back again")
    assert "I don't know `tools frobnicate`" in (await admin(bot, "tools frobnicate"))["text"]


def test_admin_tool_arguments() -> None:
    assert parse_add('"Figma" — design together') == ("Figma", "design together")
    assert parse_add("“Power BI” - dashboards") == ("Power BI", "dashboards")
    assert parse_add('"Miro": whiteboards') == ("Miro", "whiteboards")
    assert parse_name("“Canva”") == "Canva"
    assert parse_name("Slack power features") == "Slack power features"
    with pytest.raises(ValueError):
        parse_add("Figma design")


async def test_tool_names_are_stored_as_typed_not_as_slack_escapes_them(bot: RunningBot) -> None:
    # What Slack sends (manifest `should_escape: true`) when HR types
    # /rotnem admin tools add "R&D wiki" — notes for <team> at wiki.example, #general
    sent = (
        'tools add "R&amp;D wiki" — notes for &lt;team&gt; at '
        "<https://wiki.example|wiki.example>, <#C0GENERAL|general>"
    )
    added = await admin(bot, sent)
    assert added["text"].startswith("Added R&amp;D wiki — notes for &lt;team&gt; at wiki.example")
    async with bot.deps.sessionmaker() as session:
        tool = await session.scalar(select(Tool).where(Tool.name == "R&D wiki"))
    assert tool is not None
    assert tool.description == "notes for <team> at wiki.example, #general"
    removed = await admin(bot, 'tools remove "R&amp;D wiki"')
    assert "no longer offered" in removed["text"]


@pytest.fixture
async def french_bot(
    database_url: str, people: FakeSlack, clock: ManualClock
) -> AsyncIterator[RunningBot]:
    """A program in French with HR and a guide whose Slack speaks French."""
    people.add_user(GUIDE, real_name="Gia Guide", tz="Europe/Paris", locale="fr-FR")
    people.add_user(ADMIN_ID, real_name="Hana HR", locale="fr-FR")
    async with start_bot(
        database_url=database_url, slack=people, clock=clock, rotnem_language="fr"
    ) as running:
        yield running


async def test_our_categories_and_descriptions_read_in_french_hrs_as_typed(
    french_bot: RunningBot,
) -> None:
    bot = french_bot
    await admin(bot, "tools add “Figma” — design screens together in the browser")
    # A shared tool HR hid and offers again: as the shared catalogue describes it (other
    # programs offer it too), so ours, in French.
    await admin(bot, 'tools remove "Canva"')
    again = await admin(bot, 'tools add "Canva" — slides together')
    assert again["text"].startswith("Canva ajouté — Créer en quelques minutes de belles diapos")

    listing = (await admin(bot, "tools"))["text"]
    assert "Assistants d'IA générative" in listing and "Generative AI assistants" not in listing
    assert "Autres outils" in listing and "More tools" not in listing
    # Tool names stay; our descriptions are French, HR's as typed.
    assert "LinkedIn — Créer un profil, suivre des gens" in listing
    assert "Figma — design screens together in the browser" in listing
    assert "Canva — Créer en quelques minutes de belles diapos" in listing

    modal = await open_modal(bot, GUIDE)
    teach = next(b for b in modal["blocks"] if b.get("block_id") == BlockId.PROFILE_TEACH)
    groups = teach["element"]["option_groups"]
    assert [group["label"]["text"] for group in groups] == [
        "Réseaux sociaux",
        "Messagerie et collaboration",
        "Assistants d'IA générative",
        "Productivité sur smartphone",
        "Tableurs et automatisation",
        "Vidéo et outils de création",
        "Autres outils",
    ]
    assert [o["text"]["text"] for o in groups[-1]["options"]] == ["Figma"]
    assert [o["text"]["text"] for o in groups[2]["options"]][:2] == ["ChatGPT", "Claude"]
