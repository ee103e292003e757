"""User text stays text, end to end: what people type — the tools and what they share in the
profile modal, their Slack name, a session's "something else", a private reason for HR — reaches
the others it is meant for (the pair's group DM and its notification text, the partner's Home
tab, HR's proposal and DM) as the characters they typed: never a live `<!here>`, `<!channel>`,
`<!everyone>` or a link in disguise. The bot's own mentions stay live."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.checkins import OTHER
from bot.ids import ActionId, BlockId
from tests.factories import (
    ADMIN_ID,
    PAIR_GUIDE,
    PAIR_LEARNER,
    Program,
    asked,
    home_text,
    join,
    last_checkin,
    profile_answers,
    tool_ids,
)

GUIDE, LEARNER = "U0GIA0001", "U0LEV0001"
ATTACK = "<!here> Zapier, <https://evil.example|Free gift>"
# How Slack must receive it to show it as typed: its three control characters as entities.
SHOWN = "&lt;!here&gt; Zapier, &lt;https://evil.example|Free gift&gt;"
NAME = "<!everyone> Lev"
LIVE = ("<!here", "<!channel", "<!everyone", "<https://evil")


def assert_nothing_live(payload: Any) -> None:
    """Nothing in a message or view (blocks and `text`) that Slack would turn into a broadcast
    or a link made from someone's text."""
    dumped = json.dumps(payload, ensure_ascii=False)
    for live in LIVE:
        assert live not in dumped, f"{live} is live in {dumped[:300]}"


async def open_home(program: Program, user: str) -> str:
    """The Home tab `user` sees when they open it now."""
    before = program.slack.count("views.publish")
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME001", "tab": "home"}
    await program.bot.requester.event(event)
    await program.slack.wait_for("views.publish", before + 1)
    return home_text(program.bot, user)


async def test_a_learners_typed_tools_share_and_name_reach_hr_the_pair_and_the_partner_as_text(
    program: Program,
) -> None:
    program.slack.add_user(GUIDE, real_name="Gia Guide", tz="Europe/London")
    program.slack.add_user(LEARNER, real_name=NAME, tz="America/New_York")
    bot = program.bot
    (chatgpt,) = await tool_ids(bot, "ChatGPT")
    # Through the profile modal: the guide also teaches the typed "Zapier" tool, so it is shared.
    await join(
        bot, GUIDE, profile_answers(role="guide", teach=[chatgpt], teach_other="<!here> Zapier")
    )
    await join(
        bot,
        LEARNER,
        profile_answers(role="learner", learn_other=ATTACK, share=ATTACK, department="Ops"),
    )

    proposal = await program.propose()
    assert_nothing_live(proposal)
    assert f"<@{GUIDE}> → <@{LEARNER}>" in proposal["text"]
    assert "which &lt;!everyone&gt; Lev wants to learn" in proposal["text"]
    assert "&lt;!here&gt; Zapier" in json.dumps(proposal["blocks"], ensure_ascii=False)

    await program.click(proposal, ActionId.ROUND_APPROVE)
    await program.deliver_all()
    (pair,) = await program.pairs()
    (intro,) = program.posts(pair.group_channel_id or "")
    assert_nothing_live(intro)
    blocks = json.dumps(intro["blocks"], ensure_ascii=False)
    assert f"Happy to share: {SHOWN}." in blocks
    assert (
        "wants to learn &lt;!here&gt; Zapier and &lt;https://evil.example|Free gift&gt;" in blocks
    )
    # The notification text: the same, and the pair's mentions still live.
    assert f"<@{GUIDE}>, meet <@{LEARNER}>!" in intro["text"]
    assert "&lt;!here&gt; Zapier and &lt;https://evil.example|Free gift&gt;" in intro["text"]

    home = await open_home(program, GUIDE)
    assert f"<@{LEARNER}> since" in home and "&lt;!here&gt; Zapier" in home
    assert_nothing_live(home)
    assert_nothing_live(program.slack.messages())


async def test_a_sessions_something_else_and_a_private_reason_reach_the_partner_and_hr_as_text(
    program: Program,
) -> None:
    _, guide_msg, learner_msg = await asked(program)
    await program.click(learner_msg, ActionId.CHECKIN_MET, PAIR_LEARNER)
    covered = "<!channel> budget approvals"
    met = await program.submit(
        PAIR_LEARNER,
        {
            BlockId.CHECKIN_COVERED: OTHER,
            BlockId.CHECKIN_OTHER: covered,
            BlockId.CHECKIN_RATING: "5",
            BlockId.CHECKIN_DIRECTION: "tool",
            BlockId.CHECKIN_HR_NOTE: "<!channel> private",
        },
    )
    assert met.status_code == 200
    answered = last_checkin(program, PAIR_LEARNER)
    assert "&lt;!channel&gt; budget approvals, usefulness 5/5" in answered["text"]
    assert_nothing_live(answered)

    home = await open_home(program, PAIR_GUIDE)
    assert f"Last sessions with <@{PAIR_LEARNER}>:" in home
    assert "(&lt;!channel&gt; budget approvals)" in home
    assert_nothing_live(home)

    await program.click(guide_msg, ActionId.CHECKIN_CANT, PAIR_GUIDE)
    reason = "<!channel> they never come, <https://evil.example|see proof>"
    await program.submit(PAIR_GUIDE, {BlockId.CANT_CHOICE: "tell_hr", BlockId.CANT_REASON: reason})
    await program.deliver()
    (hr,) = [m for m in program.dm(ADMIN_ID) if "can't work" in m["text"]]
    assert_nothing_live(hr)
    assert "&lt;!channel&gt; they never come, &lt;https://evil.example|see proof&gt;" in json.dumps(
        hr["blocks"], ensure_ascii=False
    )
    assert f"<@{PAIR_GUIDE}> says their pair with <@{PAIR_LEARNER}> can't work" in hr["text"]
    assert_nothing_live(program.slack.messages())
