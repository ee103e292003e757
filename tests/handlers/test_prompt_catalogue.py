"""Each program's weekly prompt catalogue: the prompts we ship, shared by every program, and the
prompts HR adds to the program they act in, which reach that program's pairs only."""

from __future__ import annotations

import re

from bot.sandbox import SlackRequester
from bot.services.prompts.catalogue import list_prompts, remove_prompt
from models import Prompt
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    CHANNEL,
    FIRST_CHANNEL,
    JSON,
    OTHER_WORKSPACE,
    SIGNING_SECRET,
    SPRINT_CHANNEL,
    Program,
    two_programs,
    typed_in,
)

# Bluesky is the one tool we ship without prompts of its own: a pair teaching it gets a prompt
# for Bluesky if its program has one, else one for any tool.
BLUESKY = 'admin prompts add teach "Bluesky" Post what your team shipped — schedule three posts'
SHIPPED = "Post what your team shipped"
OURS = (
    "Prompt catalogue: 32 “teach me a tool” (28 for one tool, 4 for any tool) and 22 “reverse "
    "the mirror”."
)


def elsewhere(program: Program) -> SlackRequester:
    """Requests from another workspace the bot serves."""
    return SlackRequester(
        program.bot.url, SIGNING_SECRET, slack=program.slack, team_id=OTHER_WORKSPACE
    )


async def prompt_posts(program: Program, pair_id: int) -> list[JSON]:
    """The weekly prompts the pair's group DM shows."""
    channel = (await program.pair_row(pair_id)).group_channel_id
    assert channel is not None
    return [post for post in program.posts(channel) if "teach me a tool" in post["text"]]


@BOTH_BACKENDS
async def test_a_prompt_added_in_a_program_reaches_its_pairs_and_nobody_elses(
    program: Program,
) -> None:
    sprint = await two_programs(program)
    added = (await typed_in(program, SPRINT_CHANNEL, BLUESKY))["text"]
    assert f"for Bluesky: {SHIPPED} — schedule three posts" in added
    in_sprint = await program.pair("U0G1", "U0L1", tools=("Bluesky",), program=sprint)
    in_first = await program.pair("U0G2", "U0L2", tools=("Bluesky",))
    in_other_workspace = await program.pair(
        "U0G3", "U0L3", tools=("Bluesky",), program=OTHER_WORKSPACE
    )

    assert await program.nudge_now() == 3
    await program.deliver()
    (sprints,) = await prompt_posts(program, in_sprint)
    assert SHIPPED in str(sprints["blocks"])
    for pair_id in (in_first, in_other_workspace):
        # A prompt for any tool, filled with Bluesky: the sprint's is not theirs to get.
        (post,) = await prompt_posts(program, pair_id)
        assert "Bluesky" in str(post["blocks"]) and SHIPPED not in str(post["blocks"])


async def test_admin_prompts_lists_the_catalogue_of_the_program_it_runs_in(
    program: Program,
) -> None:
    sprint_added = (
        "Walk us through how a budget gets approved",
        "Redo last week's report with {tool} — compare the two",
    )
    await two_programs(program)
    assert (await typed_in(program, SPRINT_CHANNEL, "admin prompts"))["text"] == OURS
    await typed_in(program, SPRINT_CHANNEL, f"admin prompts add mirror {sprint_added[0]}")
    await typed_in(program, SPRINT_CHANNEL, f"admin prompts add teach {sprint_added[1]}")
    # A shared tool the sprint no longer offers takes its two prompts out of its catalogue.
    await typed_in(program, SPRINT_CHANNEL, 'admin tools remove "ChatGPT"')
    await typed_in(program, FIRST_CHANNEL, "admin prompts add mirror Show us the org chart")

    sprint = await typed_in(program, SPRINT_CHANNEL, "admin prompts")
    assert sprint["text"] == (
        "Prompt catalogue: 31 “teach me a tool” (26 for one tool, 5 for any tool) and 23 “reverse "
        "the mirror”."
    )
    assert "Added by HR" in str(sprint["blocks"])
    assert all(text.split(" — ")[0] in str(sprint["blocks"]) for text in sprint_added)
    assert "org chart" not in str(sprint["blocks"])

    first = await typed_in(program, FIRST_CHANNEL, "admin prompts")
    assert first["text"] == OURS.replace("22 “reverse", "23 “reverse")
    assert "Show us the org chart" in str(first["blocks"])
    assert not any(text.split(" — ")[0] in str(first["blocks"]) for text in sprint_added)

    other = await typed_in(program, CHANNEL, "admin prompts", requester=elsewhere(program))
    assert other["text"] == OURS and "Added by HR" not in str(other["blocks"])


async def listed(program: Program, channel: str) -> str:
    """The blocks of `admin prompts` typed in a program's channel."""
    return str((await typed_in(program, channel, "admin prompts"))["blocks"])


@BOTH_BACKENDS
async def test_hr_removes_a_prompt_from_the_program_it_runs_in_and_only_there(
    program: Program,
) -> None:
    sprint = await two_programs(program)
    added = (await typed_in(program, SPRINT_CHANNEL, BLUESKY))["text"]
    number = re.search(r"#(\d+)", added)
    assert number is not None
    own = int(number.group(1))
    # A prompt HR wrote before programs had catalogues is shared by every program.
    async with program.bot.deps.sessionmaker.begin() as session:
        policy = Prompt(
            team_id=None,
            kind="mirror",
            text="Walk us through the travel policy",
            added_by=ADMIN_ID,
            active=True,
            created_at=program.clock.now(),
        )
        session.add(policy)
        await session.flush()
        shared = policy.id

    removed = (await typed_in(program, SPRINT_CHANNEL, f"admin prompts remove #{own}"))["text"]
    assert removed.startswith(f"Removed prompt #{own} from this program's catalogue: {SHIPPED}")
    assert f"admin prompts restore #{own}` brings it back" in removed
    await typed_in(program, SPRINT_CHANNEL, f"admin prompts remove {shared}")
    listed = str((await typed_in(program, SPRINT_CHANNEL, "admin prompts"))["blocks"])
    assert SHIPPED not in listed and "travel policy" not in listed
    # Hidden in the sprint only: the first program still offers the shared one.
    assert "travel policy" in str(
        (await typed_in(program, FIRST_CHANNEL, "admin prompts"))["blocks"]
    )
    # The sprint's Bluesky pair now gets a prompt for any tool, filled with Bluesky.
    in_sprint = await program.pair("U0G1", "U0L1", tools=("Bluesky",), program=sprint)
    assert await program.nudge_now() == 1
    await program.deliver()
    (post,) = await prompt_posts(program, in_sprint)
    assert "Bluesky" in str(post["blocks"]) and SHIPPED not in str(post["blocks"])

    # What cannot be removed is said, with how to do it right; nothing changes.
    again = (await typed_in(program, SPRINT_CHANNEL, f"admin prompts remove #{own}"))["text"]
    assert again.startswith(f"There is no prompt #{own} in this program's catalogue")
    assert "admin prompts remove #12" in again
    vague = (await typed_in(program, SPRINT_CHANNEL, "admin prompts remove the last one"))["text"]
    assert vague.startswith("Say which prompt to remove by its number")
    assert "travel policy" in str(
        (await typed_in(program, FIRST_CHANNEL, "admin prompts"))["blocks"]
    )


async def test_the_last_prompt_a_week_falls_back_on_cannot_be_removed(program: Program) -> None:
    sprint = await two_programs(program)
    async with program.bot.deps.sessionmaker() as session:
        mirrors = [p.id for p in await list_prompts(session, sprint) if p.kind == "mirror"]
    *others, last = mirrors
    async with program.bot.deps.sessionmaker.begin() as session:
        for prompt_id in others:
            await remove_prompt(session, sprint, prompt_id, now=program.clock.now())

    refused = (await typed_in(program, SPRINT_CHANNEL, f"admin prompts remove #{last}"))["text"]
    assert refused.startswith(f"Prompt #{last} is this program's last “reverse the mirror” prompt")
    async with program.bot.deps.sessionmaker() as session:
        assert [p.id for p in await list_prompts(session, sprint) if p.kind == "mirror"] == [last]


@BOTH_BACKENDS
async def test_hr_finds_any_prompts_number_and_brings_a_removed_one_back(program: Program) -> None:
    sprint = await two_programs(program)
    async with program.bot.deps.sessionmaker() as session:
        catalogue = await list_prompts(session, sprint)
    shipped = next(p for p in catalogue if p.kind == "mirror")
    every = await typed_in(program, SPRINT_CHANNEL, "admin prompts all")
    shown = str(every["blocks"])
    assert "Prompt catalogue: 54 prompts this program's pairs may get." in every["text"]
    assert f"#{shipped.id} {shipped.text}" in shown  # the shipped ones have numbers too
    assert "*Teach me a tool — ChatGPT*" in shown and "*Reverse the mirror*" in shown
    assert "Removed from this program" not in shown

    await typed_in(program, SPRINT_CHANNEL, f"admin prompts remove #{shipped.id}")
    shown = str((await typed_in(program, SPRINT_CHANNEL, "admin prompts all"))["blocks"])
    assert "Removed from this program" in shown
    assert f"#{shipped.id} mirror: {shipped.text}" in shown
    # The first program still offers it, and nothing of it was removed there.
    first = str((await typed_in(program, FIRST_CHANNEL, "admin prompts all"))["blocks"])
    assert f"#{shipped.id} {shipped.text}" in first and "Removed from this program" not in first
    refused = await typed_in(program, FIRST_CHANNEL, f"admin prompts restore #{shipped.id}")
    assert refused["text"].startswith(f"No prompt #{shipped.id} was removed from this program")

    back = await typed_in(program, SPRINT_CHANNEL, f"admin prompts restore #{shipped.id}")
    assert back["text"] == (
        f"Prompt #{shipped.id} is back in this program's catalogue: {shipped.text}"
    )
    async with program.bot.deps.sessionmaker() as session:
        assert await list_prompts(session, sprint) == catalogue
    vague = (await typed_in(program, SPRINT_CHANNEL, "admin prompts restore it"))["text"]
    assert vague.startswith("Say which prompt to bring back by its number")


async def test_a_prompt_hr_retired_comes_back_in_its_program_only(program: Program) -> None:
    sprint = await two_programs(program)
    added = (await typed_in(program, SPRINT_CHANNEL, BLUESKY))["text"]
    number = re.search(r"#(\d+)", added)
    assert number is not None
    own = int(number.group(1))
    await typed_in(program, SPRINT_CHANNEL, f"admin prompts remove #{own}")
    elsewhere_said = await typed_in(program, FIRST_CHANNEL, f"admin prompts restore #{own}")
    assert elsewhere_said["text"].startswith(f"No prompt #{own} was removed from this program")
    await typed_in(program, SPRINT_CHANNEL, f"admin prompts restore #{own}")
    async with program.bot.deps.sessionmaker() as session:
        assert own in [p.id for p in await list_prompts(session, sprint)]
        assert own not in [p.id for p in await list_prompts(session, program.team_id)]
