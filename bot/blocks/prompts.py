"""The weekly prompt in a pair's group DM, and the answers to `/rotnem admin prompts`."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.message import Message


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text[:2900]))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text[:2900])])


def weekly_prompt_message(
    *,
    direction: str,
    guide: str,
    learner: str,
    text: str,
    exercise: str | None,
    tool: str | None,
    checkin_days: int,
) -> Message:
    """This week's prompt: "teach me a tool" (the guide teaches) or "reverse the mirror"."""
    if direction == "teach":
        title = "🛠️ This week: teach me a tool"
        lead = f"<@{guide}>, over to you" + (f": *{tool}*." if tool else ".")
    else:
        title = "🪞 This week: reverse the mirror"
        lead = f"<@{learner}>, this one is yours to share with <@{guide}>."
    blocks: list[Block] = [HeaderBlock(text=title), _section(f"{lead}\n*{text}*")]
    if exercise:
        blocks.append(_section(f"⏱️ *20-minute exercise:* {exercise}"))
    blocks.append(
        _context(
            f"Find 20 minutes this week. In {checkin_days} day(s) I'll ask each of you, "
            "privately, whether you met."
        )
    )
    fallback = f"{title.split(' ', 1)[1]}: {text}" + (f" Exercise: {exercise}" if exercise else "")
    return Message(text=fallback, blocks=blocks)


_GUIDE, _LEARNER = "@@guide@@", "@@learner@@"


class _PromptTemplate:
    """A prompt's message as a dict, built once; `fill` copies only the strings that name the
    pair (and the lists and dicts above them) and shares the rest, which nobody mutates: the
    outbox encodes it. Same result as `Template.fill` without a `json.loads` per pair."""

    def __init__(self, message: Message) -> None:
        # Through JSON, as `Template` does, so the dict is exactly what it would return.
        self._message: dict[str, Any] = json.loads(json.dumps(message.to_dict()))
        self._paths: list[tuple[str | int, ...]] = list(_placeholders(self._message, ()))

    def fill(self, guide: str, learner: str) -> dict[str, Any]:
        for name, value in (("guide", guide), ("learner", learner)):
            if not value.replace("_", "").isalnum():
                raise ValueError(f"{name}={value!r} is not an ID")
        root: dict[str, Any] = dict(self._message)
        copied = {id(root)}
        for path in self._paths:
            container: Any = root
            for key in path[:-1]:
                child = container[key]
                if id(child) not in copied:
                    child = dict(child) if isinstance(child, dict) else list(child)
                    copied.add(id(child))
                    container[key] = child
                container = child
            text = container[path[-1]]
            container[path[-1]] = text.replace(_GUIDE, guide).replace(_LEARNER, learner)
        return root


def _placeholders(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    """Where the strings with a placeholder are in a message dict."""
    if isinstance(value, str):
        if _GUIDE in value or _LEARNER in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholders(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _placeholders(item, (*path, index))


@functools.lru_cache(maxsize=4096)
def _prompt_template(
    direction: str, text: str, exercise: str | None, tool: str | None, checkin_days: int
) -> _PromptTemplate:
    message = weekly_prompt_message(
        direction=direction,
        guide=_GUIDE,
        learner=_LEARNER,
        text=text,
        exercise=exercise,
        tool=tool,
        checkin_days=checkin_days,
    )
    return _PromptTemplate(message)


def weekly_prompt_payload(
    *,
    direction: str,
    guide: str,
    learner: str,
    text: str,
    exercise: str | None,
    tool: str | None,
    checkin_days: int,
) -> dict[str, Any]:
    """`weekly_prompt_message(...).to_dict()`, fast: built once per prompt, filled per pair."""
    template = _prompt_template(direction, text, exercise, tool, checkin_days)
    return template.fill(guide, learner)


@dataclass(frozen=True)
class PromptLine:
    id: int
    kind: str
    tool: str | None
    text: str
    exercise: str | None
    added_by: str | None


PROMPTS_USAGE = (
    "`{command} admin prompts` lists the catalogue.\n"
    '`{command} admin prompts add teach "Tool" What to show — a 20-minute exercise` adds a '
    "prompt for one tool (leave out the tool and write `{{tool}}` to fit any tool).\n"
    "`{command} admin prompts add mirror What the learner shares` adds a “reverse the mirror” "
    "prompt."
)


def prompts_usage_message(command: str, problem: str | None = None) -> Message:
    usage = PROMPTS_USAGE.format(command=command)
    text = f"{problem}\n{usage}" if problem else usage
    return Message(text=text, blocks=[_section(text)])


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
    blocks: list[Block] = [_section(summary)]
    if added:
        lines = "\n".join(
            f"• #{p.id} {p.kind}" + (f" ({p.tool})" if p.tool else "") + f": {p.text}"
            for p in added
        )
        blocks.append(_section(f"*Added by HR:*\n{lines}"))
    blocks.append(_context(PROMPTS_USAGE.format(command=command)))
    return Message(text=summary.replace("*", ""), blocks=blocks)


def prompt_added_message(prompt: PromptLine) -> Message:
    what = "“teach me a tool”" if prompt.kind == "teach" else "“reverse the mirror”"
    text = (
        f"Added {what} prompt #{prompt.id}"
        + (f" for {prompt.tool}" if prompt.tool else "")
        + f": {prompt.text}"
        + (f" — {prompt.exercise}" if prompt.exercise else "")
    )
    return Message(text=text, blocks=[_section(text)])
