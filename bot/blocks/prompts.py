"""The weekly prompt in a pair's group DM, and the answers to `/rotnem admin prompts`."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.blocks.kit import MAX_LIST_SECTIONS, context, escape, mention, pack, say, section
from bot.blocks.message import Message
from bot.blocks.wording import current_wording, worded
from bot.i18n import N_, _, current_language, ngettext
from bot.services.prompts.catalogue import PromptLine
from bot.services.prompts.chooser import fill_tool
from bot.services.prompts.tick import PromptNotice


def _prompt_texts(notice: PromptNotice) -> tuple[str, str | None]:
    """The prompt's text and exercise as they are shown (not yet escaped). Our own prompts (the
    built-in catalogue) are translated, then filled with the pair's tool; a prompt HR added is
    shown as HR typed it (already filled)."""
    if not notice.builtin:
        return notice.text, notice.exercise
    exercise = _(notice.exercise) if notice.exercise else None
    return fill_tool(_(notice.text), notice.tool) or "", fill_tool(exercise, notice.tool)


TEACH = "prompt_teach"


def weekly_prompt_message(notice: PromptNotice) -> Message:
    """This week's prompt: "teach me a tool" (the guide teaches) or "reverse the mirror"."""
    guide, learner = notice.guide, notice.learner
    shown_text, shown_exercise = _prompt_texts(notice)
    # Prompts and tools are text admins (or people, for tools) typed.
    tool, text = escape(notice.tool or ""), escape(shown_text)
    exercise = escape(shown_exercise or "")
    people = {"guide": mention(guide), "learner": mention(learner)}
    if notice.direction == "teach":
        label = _("This week: teach me a tool")
        title = f"🛠️ {label}"
        if tool or (TEACH, current_language()) in current_wording().texts:
            lead = worded(TEACH, tool=tool or _("a tool of your choice"), **people)
        else:
            # Ours has a sentence for a week without a tool.
            lead = _("{guide}, over to you.").format(**people)
    else:
        label = _("This week: reverse the mirror")
        title = f"🪞 {label}"
        lead = worded("prompt_mirror", **people)
    blocks: list[Block] = [HeaderBlock(text=title), section(f"{lead}\n*{text}*")]
    if exercise:
        blocks.append(section(_("⏱️ *20-minute exercise:* {exercise}").format(exercise=exercise)))
    blocks.append(context(worded("prompt_footer", days=notice.checkin_days, **people)))
    if exercise:
        fallback = _("{title}: {text} Exercise: {exercise}").format(
            title=label, text=text, exercise=exercise
        )
    else:
        fallback = _("{title}: {text}").format(title=label, text=text)
    return Message(text=fallback, blocks=blocks)


PROMPTS_USAGE = N_(
    "`{command} admin prompts` lists the catalogue.\n"
    '`{command} admin prompts add teach "Tool" What to show — a 20-minute exercise` adds a '
    "prompt for one tool (leave out the tool and write `{{tool}}` to fit any tool).\n"
    "`{command} admin prompts add mirror What the learner shares` adds a “reverse the mirror” "
    "prompt."
)
PROMPTS_REMOVE_USAGE = N_(
    "`{command} admin prompts remove #12` takes prompt #12 out of this program's catalogue (the "
    "weeks that had it keep it)."
)
PROMPTS_ALL_USAGE = N_(
    "`{command} admin prompts all` lists every prompt with its number, and those removed; "
    "`{command} admin prompts restore #12` brings one back."
)


def _usage(command: str) -> str:
    usage = (PROMPTS_USAGE, PROMPTS_REMOVE_USAGE, PROMPTS_ALL_USAGE)
    return "\n".join(_(text) for text in usage).format(command=command)


def prompts_usage_message(command: str, problem: str | None = None) -> Message:
    """`problem`: a plain sentence, which may quote what the admin typed."""
    usage = _usage(command)
    return say(f"{escape(problem)}\n{usage}" if problem else usage)


def prompts_list_message(command: str, prompts: Sequence[PromptLine]) -> Message:
    """Counts by kind and the newest prompts added by admins (the list would not fit)."""
    teach = [p for p in prompts if p.kind == "teach"]
    mirror = [p for p in prompts if p.kind == "mirror"]
    by_tool = sum(1 for p in teach if p.tool)
    summary = _(
        "*Prompt catalogue:* {teach} “teach me a tool” ({by_tool} for one tool, {any_tool} for "
        "any tool) and {mirror} “reverse the mirror”."
    ).format(teach=len(teach), by_tool=by_tool, any_tool=len(teach) - by_tool, mirror=len(mirror))
    added = [p for p in prompts if p.added_by][-10:]
    blocks: list[Block] = [section(summary)]
    if added:
        lines = "\n".join(_added_line(p) for p in added)
        blocks.append(section(_("*Added by HR:*\n{lines}").format(lines=lines)))
    blocks.append(context(_usage(command)))
    return Message(text=summary.replace("*", ""), blocks=blocks)


def _shown(prompt: PromptLine) -> str:
    """A catalogue prompt's text for HR: ours in the reader's language, HR's as typed; escaped."""
    return escape(_(prompt.text) if prompt.builtin else prompt.text)


def prompts_catalogue_message(
    command: str, prompts: Sequence[PromptLine], removed: Sequence[PromptLine]
) -> Message:
    """`admin prompts all`: every prompt the program's pairs may get, with the number `remove`
    takes, by kind and tool; then those removed, with the number `restore` takes."""
    groups: dict[str, list[str]] = {}
    for prompt in sorted(prompts, key=lambda p: (p.kind != "mirror", p.tool or "", p.id)):
        if prompt.kind == "mirror":
            heading = _("*Reverse the mirror*")
        elif prompt.tool:
            heading = _("*Teach me a tool — {tool}*").format(tool=escape(prompt.tool))
        else:
            heading = _("*Teach me a tool — any tool*")
        groups.setdefault(heading, []).append(f"• #{prompt.id} {_shown(prompt)}")
    if removed:
        heading = _("*Removed from this program*")
        groups[heading] = [_added_line(p) for p in removed]
    sections = [text for heading, lines in groups.items() for text in pack([heading, *lines])]
    summary = ngettext(
        "*Prompt catalogue:* {count} prompt this program's pairs may get.",
        "*Prompt catalogue:* {count} prompts this program's pairs may get.",
        len(prompts),
    ).format(count=len(prompts))
    blocks: list[Block] = [section(summary)]
    blocks += [section(text) for text in sections[:MAX_LIST_SECTIONS]]
    if len(sections) > MAX_LIST_SECTIONS:
        blocks.append(context(_("…and more than a message can hold.")))
    blocks.append(context(_usage(command)))
    return Message(text=summary.replace("*", ""), blocks=blocks)


def _added_line(prompt: PromptLine) -> str:
    # The kind is the word admins type (`teach`, `mirror`), so it is shown as it is.
    if prompt.tool:
        return _("• #{id} {kind} ({tool}): {text}").format(
            id=prompt.id, kind=prompt.kind, tool=escape(prompt.tool), text=_shown(prompt)
        )
    return _("• #{id} {kind}: {text}").format(id=prompt.id, kind=prompt.kind, text=_shown(prompt))


def prompt_added_message(prompt: PromptLine) -> Message:
    teach = prompt.kind == "teach"
    values = {
        "id": prompt.id,
        "tool": escape(prompt.tool or ""),
        "text": escape(prompt.text),
        "exercise": escape(prompt.exercise or ""),
    }
    if teach and prompt.tool and prompt.exercise:
        message = _("Added “teach me a tool” prompt #{id} for {tool}: {text} — {exercise}")
    elif teach and prompt.tool:
        message = _("Added “teach me a tool” prompt #{id} for {tool}: {text}")
    elif teach and prompt.exercise:
        message = _("Added “teach me a tool” prompt #{id}: {text} — {exercise}")
    elif teach:
        message = _("Added “teach me a tool” prompt #{id}: {text}")
    elif prompt.exercise:
        message = _("Added “reverse the mirror” prompt #{id}: {text} — {exercise}")
    else:
        message = _("Added “reverse the mirror” prompt #{id}: {text}")
    return say(message.format(**values))


def prompt_removed_message(command: str, prompt: PromptLine) -> Message:
    removed = _("Removed prompt #{id} from this program's catalogue: {text}").format(
        id=prompt.id, text=_shown(prompt)
    )
    undo = _("`{command} admin prompts restore #{id}` brings it back.").format(
        command=command, id=prompt.id
    )
    return say(f"{removed}\n{undo}")


def prompt_restored_message(prompt: PromptLine) -> Message:
    return say(
        _("Prompt #{id} is back in this program's catalogue: {text}").format(
            id=prompt.id, text=_shown(prompt)
        )
    )
