"""HR's tool catalogue commands, and their arguments read by value."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.ids import ActionId, BlockId
from bot.sandbox import FakeSlack, SlackRequester
from bot.services.enrollment.queries import get_profile
from handlers.commands.tools import parse_add, parse_name
from models import Prompt, Tool
from tests.factories import (
    ADMIN_ID,
    ANA,
    BEN,
    BOTH_BACKENDS,
    CHANNEL,
    FIRST_CHANNEL,
    GUIDE,
    JSON,
    OTHER_WORKSPACE,
    SIGNING_SECRET,
    SPRINT_CHANNEL,
    Program,
    RunningBot,
    click_ephemeral,
    eventually,
    open_modal,
    profile_answers,
    reply,
    rotnem,
    saved,
    start_bot,
    submit,
    two_programs,
    typed_in,
)


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


# ---- each program's catalogue ---------------------------------------------------------------


async def modal_of(program: Program, user: str, name: str) -> JSON:
    """`/rotnem join`, asked which program, `name` picked: the profile modal it opens."""
    asked: JSON = (await rotnem(program.bot, user, "join")).response.json()
    assert "in which program?" in asked["text"]
    (choice,) = (
        block
        for block in asked["blocks"]
        if block.get("text", {}).get("text") == f"*{name}*" and "accessory" in block
    )
    before = len(program.slack.open_views(user))
    await click_ephemeral(program.bot, user, {**asked, "blocks": [choice]}, ActionId.PICK_PROGRAM)
    views = await eventually(
        lambda: (v := program.slack.open_views(user)) and len(v) > before and v
    )
    view: JSON = views[-1]
    return view


def offered(modal: JSON) -> dict[str, str]:
    """The teach picker's options: name → group label."""
    picker = next(b for b in modal["blocks"] if b.get("block_id") == BlockId.PROFILE_TEACH)
    return {
        option["text"]["text"]: group["label"]["text"]
        for group in picker["element"]["option_groups"]
        for option in group["options"]
    }


def option_value(modal: JSON, name: str) -> str:
    picker = next(b for b in modal["blocks"] if b.get("block_id") == BlockId.PROFILE_TEACH)
    for group in picker["element"]["option_groups"]:
        for option in group["options"]:
            if option["text"]["text"] == name:
                return str(option["value"])
    raise AssertionError(f"{name} is not offered")


@BOTH_BACKENDS
async def test_a_program_adds_and_hides_tools_of_its_own_catalogue_only(program: Program) -> None:
    sprint = await two_programs(program)
    added = await typed_in(program, SPRINT_CHANNEL, 'admin tools add "Notion AI" — ask your wiki')
    assert added["text"].startswith("Added Notion AI — ask your wiki")
    hidden = await typed_in(program, SPRINT_CHANNEL, 'admin tools remove "LinkedIn"')
    assert "no longer offered" in hidden["text"]

    sprint_list = (await typed_in(program, SPRINT_CHANNEL, "admin tools"))["text"]
    assert "27 tools offered" in sprint_list
    assert "Notion AI — ask your wiki" in sprint_list and "LinkedIn" not in sprint_list
    first_list = (await typed_in(program, FIRST_CHANNEL, "admin tools"))["text"]
    assert "27 tools offered" in first_list
    assert "LinkedIn — Build a profile" in first_list and "Notion AI" not in first_list

    sprint_modal = await modal_of(program, ANA, "AI sprint")
    assert offered(sprint_modal)["Notion AI"] == "More tools"
    assert "LinkedIn" not in offered(sprint_modal)
    first_modal = await modal_of(program, BEN, "Reverse mentoring")
    assert "LinkedIn" in offered(first_modal) and "Notion AI" not in offered(first_modal)

    # Ana picks the sprint's tool; Ben, typing its name in the first program, has a tool of his
    # own (the first program does not offer it).
    answers = profile_answers(role="guide", teach=[option_value(sprint_modal, "Notion AI")])
    assert saved(await submit(program.bot, ANA, sprint_modal, answers))
    assert await participant_tools_of(program, ANA, sprint) == [("Notion AI", True)]
    answers = profile_answers(role="guide", teach=[], teach_other="notion ai")
    assert saved(await submit(program.bot, BEN, first_modal, answers))
    assert await participant_tools_of(program, BEN, program.team_id) == [("notion ai", False)]

    # The sprint's HR is told what its own catalogue has; the first program still has LinkedIn.
    again = await typed_in(program, SPRINT_CHANNEL, 'admin tools add "Notion AI" — twice')
    assert "already in the catalogue" in again["text"]
    gone = await typed_in(program, SPRINT_CHANNEL, 'admin tools remove "LinkedIn"')
    assert "There is no tool called" in gone["text"]
    back = await typed_in(program, SPRINT_CHANNEL, 'admin tools add "LinkedIn" — back')
    assert back["text"].startswith("Added LinkedIn — Build a profile")
    kept = await typed_in(program, FIRST_CHANNEL, 'admin tools add "Notion AI" — ours too')
    assert kept["text"].startswith("Added Notion AI — ours too")
    removed = await typed_in(program, FIRST_CHANNEL, 'admin tools remove "Notion AI"')
    assert "no longer offered" in removed["text"]
    assert (
        "Notion AI — ask your wiki"
        in (await typed_in(program, SPRINT_CHANNEL, "admin tools"))["text"]
    )


async def participant_tools_of(program: Program, user: str, key: str) -> list[tuple[str, bool]]:
    """What `user` teaches in the program `key`: (name, picked from the catalogue)."""
    async with program.bot.deps.sessionmaker() as session:
        profile = await get_profile(session, key, user, now=program.clock.now())
    assert profile is not None
    return [(ref.name, ref.tool_id is not None) for ref in profile.teaches]


async def test_a_tool_the_program_hides_stays_on_the_profiles_that_have_it(
    program: Program,
) -> None:
    sprint = await two_programs(program)
    for key in (program.team_id, sprint):
        await program.join(ANA, "Ana", "guide", teaches=["LinkedIn", "ChatGPT"], program=key)
    await typed_in(program, SPRINT_CHANNEL, 'admin tools remove "LinkedIn"')

    modal = await modal_of(program, ANA, "AI sprint")
    assert offered(modal)["LinkedIn"] == "No longer offered"
    picker = next(b for b in modal["blocks"] if b.get("block_id") == BlockId.PROFILE_TEACH)
    assert [o["text"]["text"] for o in picker["element"]["initial_options"]] == [
        "LinkedIn",
        "ChatGPT",
    ]
    kept = [option_value(modal, "LinkedIn"), option_value(modal, "ChatGPT")]
    assert saved(await submit(program.bot, ANA, modal, profile_answers(role="guide", teach=kept)))
    assert await participant_tools_of(program, ANA, sprint) == [
        ("LinkedIn", True),
        ("ChatGPT", True),
    ]
    # The first program offers it as before.
    assert offered(await modal_of(program, ANA, "Reverse mentoring"))["LinkedIn"] == (
        "Social networks"
    )
    # Typed in, a name the sprint no longer offers is a tool of one's own there.
    modal = await modal_of(program, ANA, "AI sprint")
    answers = profile_answers(role="guide", teach=[], teach_other="LinkedIn")
    assert saved(await submit(program.bot, ANA, modal, answers))
    assert await participant_tools_of(program, ANA, sprint) == [("LinkedIn", False)]


async def test_a_prompt_for_a_programs_own_tool_reaches_that_programs_pairs_only(
    program: Program,
) -> None:
    sprint = await two_programs(program)
    prompt = 'admin prompts add teach "Notion AI" Ask it about a project — find the launch plan'
    # Not a tool of the first program (yet): the prompt is refused there.
    assert "There is no tool called" in (await typed_in(program, FIRST_CHANNEL, prompt))["text"]
    await typed_in(program, SPRINT_CHANNEL, 'admin tools add "Notion AI" — ask your wiki')
    added = (await typed_in(program, SPRINT_CHANNEL, prompt))["text"]
    assert "for Notion AI: Ask it about a project — find the launch plan" in added
    # The first program adds a tool of the same name: its own, without the sprint's prompt.
    await typed_in(program, FIRST_CHANNEL, 'admin tools add "Notion AI" — our wiki too')
    in_sprint = await program.pair("U0G1", "U0L1", tools=("Notion AI",), program=sprint)
    in_first = await program.pair("U0G2", "U0L2", tools=("Notion AI",))

    assert await program.nudge_now() == 2
    (sprints,) = await program.prompts_of(in_sprint)
    (firsts,) = await program.prompts_of(in_first)
    assert (sprints.direction, sprints.tool_name) == ("teach", "Notion AI")
    assert (firsts.direction, firsts.tool_name) == ("teach", "Notion AI")
    (sprints_prompt,) = await program.rows(Prompt, id=sprints.prompt_id)
    (firsts_prompt,) = await program.rows(Prompt, id=firsts.prompt_id)
    assert sprints_prompt.text == "Ask it about a project"
    assert "{tool}" in firsts_prompt.text


@BOTH_BACKENDS
async def test_another_workspace_never_sees_this_workspaces_tools(program: Program) -> None:
    await two_programs(program)
    await typed_in(program, SPRINT_CHANNEL, 'admin tools add "Notion AI" — ask your wiki')
    await typed_in(program, FIRST_CHANNEL, 'admin tools add "Figma" — design together')
    await typed_in(program, FIRST_CHANNEL, 'admin tools remove "TikTok"')
    elsewhere = SlackRequester(
        program.bot.url, SIGNING_SECRET, slack=program.slack, team_id=OTHER_WORKSPACE
    )
    listing = (await typed_in(program, CHANNEL, "admin tools", requester=elsewhere))["text"]
    assert "27 tools offered" in listing
    assert "TikTok" in listing and "Figma" not in listing and "Notion AI" not in listing
