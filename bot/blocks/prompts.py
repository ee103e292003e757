"""The weekly prompt in a pair's group DM, and the answers to `/rotnem admin prompts`."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.blocks.kit import context, escape, say, section
from bot.blocks.message import Message
from bot.services.prompts.catalogue import PromptLine
from bot.services.prompts.tick import PromptNotice


def weekly_prompt_message(notice: PromptNotice) -> Message:
    """This week's prompt: "teach me a tool" (the guide teaches) or "reverse the mirror"."""
    guide, learner = notice.guide, notice.learner
    # Prompts and tools are text admins (or people, for tools) typed.
    tool, text = escape(notice.tool or ""), escape(notice.text)
    exercise = escape(notice.exercise or "")
    if notice.direction == "teach":
        title = "🛠️ This week: teach me a tool"
        lead = f"<@{guide}>, over to you" + (f": *{tool}*." if tool else ".")
    else:
        title = "🪞 This week: reverse the mirror"
        lead = f"<@{learner}>, this one is yours to share with <@{guide}>."
    blocks: list[Block] = [HeaderBlock(text=title), section(f"{lead}\n*{text}*")]
    if exercise:
        blocks.append(section(f"⏱️ *20-minute exercise:* {exercise}"))
    blocks.append(
        context(
            f"Find 20 minutes this week. In {notice.checkin_days} day(s) I'll ask each of you, "
            "privately, whether you met."
        )
    )
    fallback = f"{title.split(' ', 1)[1]}: {text}" + (f" Exercise: {exercise}" if exercise else "")
    return Message(text=fallback, blocks=blocks)


PROMPTS_USAGE = (
    "`{command} admin prompts` lists the catalogue.\n"
    '`{command} admin prompts add teach "Tool" What to show — a 20-minute exercise` adds a '
    "prompt for one tool (leave out the tool and write `{{tool}}` to fit any tool).\n"
    "`{command} admin prompts add mirror What the learner shares` adds a “reverse the mirror” "
    "prompt."
)


def prompts_usage_message(command: str, problem: str | None = None) -> Message:
    """`problem`: a plain sentence, which may quote what the admin typed."""
    usage = PROMPTS_USAGE.format(command=command)
    return say(f"{escape(problem)}\n{usage}" if problem else usage)


def prompts_list_message(command: str, prompts: Sequence[PromptLine]) -> Message:
    """Counts by kind and the newest prompts added by admins (the list would not fit)."""
    teach = [p for p in prompts if p.kind == "teach"]
    mirror = [p for p in prompts if p.kind == "mirror"]
    by_tool = sum(1 for p in teach if p.tool)
    summary = (
        f"*Prompt catalogue:* {len(teach)} “teach me a tool” ({by_tool} for one tool, "
        f"{len(teach) - by_tool} for any tool) and {len(mirror)} “reverse the mirror”."
    )
    added = [p for p in prompts if p.added_by][-10:]
    blocks: list[Block] = [section(summary)]
    if added:
        lines = "\n".join(
            f"• #{p.id} {p.kind}"
            + (f" ({escape(p.tool)})" if p.tool else "")
            + f": {escape(p.text)}"
            for p in added
        )
        blocks.append(section(f"*Added by HR:*\n{lines}"))
    blocks.append(context(PROMPTS_USAGE.format(command=command)))
    return Message(text=summary.replace("*", ""), blocks=blocks)


def prompt_added_message(prompt: PromptLine) -> Message:
    what = "“teach me a tool”" if prompt.kind == "teach" else "“reverse the mirror”"
    return say(
        f"Added {what} prompt #{prompt.id}"
        + (f" for {escape(prompt.tool)}" if prompt.tool else "")
        + f": {escape(prompt.text)}"
        + (f" — {escape(prompt.exercise)}" if prompt.exercise else "")
    )
