"""The pieces every builder uses: sections, context lines, mentions, dates, packing long lists,
and `escape` for what people wrote.

Slack's limits are applied here once: a section's text is at most 3,000 characters, a context
element's 2,000 (engineering note: Slack refuses the whole message otherwise, so text is cut with
an ellipsis rather than sent too long).

Our mrkdwn and their text: a builder writes mrkdwn (bold, `<@U…>` mentions, `<!date^…>`), and
every value that came from a person — names, tools typed under "Other", what they share, their
department, notes and reasons, prompt texts and tool descriptions admins add, and the sentences
services compose around those (an engine's explanation, a refusal) — goes in through `escape`,
in the blocks and in the `text` fallback alike. Text shown as `plain_text` (input labels, option
texts, headers) is never parsed by Slack and needs nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.message import Message
from bot.i18n import _

SECTION_TEXT_MAX = 3000
CONTEXT_TEXT_MAX = 2000
# A message takes 50 blocks; lists leave room for a header, a summary and a footer.
MAX_LIST_SECTIONS = 40

# Which of the workspace's programs the message or modal being built belongs to (its number,
# bot/install/keys.py). Set for each request (handlers.kit) and each notice (the dispatcher), so
# that every button value and modal metadata carries it back — `~2~<value>` — and the click or
# submission lands in the same program without each builder handing its key around. The first
# program's (1) is never written: what was built before several programs existed reads as it.
_PROGRAM: ContextVar[int] = ContextVar("rotnem_program", default=1)
_STAMP = re.compile(r"^~(?P<number>[0-9]{1,4})~")


@contextmanager
def in_program(number: int) -> Iterator[None]:
    """Build what follows for program `number`."""
    token = _PROGRAM.set(number)
    try:
        yield
    finally:
        _PROGRAM.reset(token)


def use_program(number: int) -> None:
    """Build the rest of this task for program `number` (a request's handler)."""
    _PROGRAM.set(number)


def stamp(value: str) -> str:
    """`value` marked with the program being built for (unmarked for the first)."""
    number = _PROGRAM.get()
    return value if number == 1 else f"~{number}~{value}"


def unstamp(value: str) -> tuple[int | None, str]:
    """The program a value was marked with (None: unmarked), and the value as built."""
    found = _STAMP.match(value)
    if found is None:
        return None, value
    return int(found["number"]), value[found.end() :]


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> SectionBlock:
    """A mrkdwn section, cut to Slack's limit."""
    return SectionBlock(text=MarkdownTextObject(text=_fit(text, SECTION_TEXT_MAX)))


def context(text: str) -> ContextBlock:
    """A small grey line under the message."""
    return ContextBlock(elements=[MarkdownTextObject(text=_fit(text, CONTEXT_TEXT_MAX))])


def say(text: str) -> Message:
    """A message of one section whose fallback is the same text without bold marks."""
    return Message(text=plain(text), blocks=[section(text)])


def plain(text: str) -> str:
    """The mrkdwn text as a notification shows it: without the bold marks."""
    return text.replace("*", "")


def escape(text: str) -> str:
    """Text a person wrote, shown as they wrote it inside our mrkdwn.

    Slack's rules ("Formatting text for app surfaces", Escaping text): `&`, `<` and `>` are its
    control characters and become `&amp;`, `&lt;` and `&gt;` — so `<!here>` or
    `<https://evil.example|gift>` typed by someone shows as those characters instead of paging a
    channel or hiding a link. Only these three: Slack decodes no other entity. `*`, `_`, `~` and
    backticks have no escape in mrkdwn; they can only restyle text, never mention or link.
    """
    return html.escape(text, quote=False)


def unescape(text: str) -> str:
    """`escape` undone, for the places Slack shows as plain text (a modal's field errors)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def slack_date(moment: datetime) -> str:
    """A date Slack shows in the reader's own zone, with a UTC fallback for old clients (in
    English: Slack's own date tokens are in the reader's language)."""
    fallback = f"{moment:%a %d %b %Y %H:%M} UTC"
    # Slack's date tokens, kept as they are: a translation only moves them and the words around.
    tokens = _("{date_short_pretty} at {time}")
    return f"<!date^{int(moment.timestamp())}^{tokens}|{fallback}>"


def pack(lines: Sequence[str], limit: int = SECTION_TEXT_MAX - 100) -> list[str]:
    """Lines packed into section-sized texts (a line too long for one is cut)."""
    packed: list[str] = []
    current = ""
    for line in lines:
        line = line[: limit - 1]
        if current and len(current) + 1 + len(line) > limit:
            packed.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        packed.append(current)
    return packed


def modal(
    callback_id: str,
    title: str,
    blocks: Sequence[Block],
    *,
    submit: str | None = None,
    private_metadata: str = "",
) -> View:
    """A modal; with `submit`, a form (Cancel closes it without sending anything)."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close=_("Cancel") if submit else _("OK"),
        private_metadata=stamp(private_metadata) or None,
        blocks=list(blocks),
    )


def button(
    label: str,
    action_id: str,
    value: str,
    *,
    style: str | None = None,
    confirm: ConfirmObject | None = None,
) -> ButtonElement:
    """A button; its `value` comes back with the click (never trust it: handlers check it).
    Slack shows at most 75 characters of its label (a label naming a tool is cut)."""
    return ButtonElement(
        text=_fit(label, 75), action_id=action_id, value=stamp(value), style=style, confirm=confirm
    )


def ask_first(title: str, text: str, yes: str, no: str, *, danger: bool = False) -> ConfirmObject:
    """The dialog Slack shows before a button's click is sent (`danger`: a red "yes")."""
    return ConfirmObject(
        title=title, text=text, confirm=yes, deny=no, style="danger" if danger else None
    )


def option(value: str, label: str) -> Option:
    """A select or radio option (Slack shows at most 75 characters of its label)."""
    return Option(value=value, text=PlainTextObject(text=_fit(label, 75)))


def option_group(label: str, options: Sequence[Option]) -> OptionGroup:
    """A select's group of options (Slack shows at most 75 characters of its label)."""
    return OptionGroup(label=PlainTextObject(text=_fit(label, 75)), options=list(options))


class Inputs:
    """A modal's inputs, all answering under one `action_id` (the handlers read them back the
    same way, by block)."""

    def __init__(self, action_id: str) -> None:
        self.action_id = action_id

    def field(
        self,
        block_id: str,
        label: str,
        element: InputInteractiveElement,
        *,
        optional: bool = False,
        hint: str | None = None,
    ) -> InputBlock:
        return InputBlock(
            block_id=block_id, label=label, element=element, optional=optional, hint=hint
        )

    def text(
        self,
        block_id: str,
        label: str,
        *,
        max_length: int,
        optional: bool = False,
        multiline: bool = False,
        hint: str | None = None,
        initial: str | None = None,
        placeholder: str | None = None,
    ) -> InputBlock:
        element = PlainTextInputElement(
            action_id=self.action_id,
            max_length=max_length,
            multiline=multiline or None,
            initial_value=initial or None,
            placeholder=placeholder,
        )
        return self.field(block_id, label, element, optional=optional, hint=hint)

    def select(
        self,
        block_id: str,
        label: str,
        options: Sequence[Option],
        *,
        initial: Option | None = None,
        placeholder: str | None = None,
        hint: str | None = None,
        optional: bool = False,
    ) -> InputBlock:
        element = StaticSelectElement(
            action_id=self.action_id,
            options=list(options),
            initial_option=initial,
            placeholder=placeholder,
        )
        return self.field(block_id, label, element, optional=optional, hint=hint)

    def radio(
        self, block_id: str, label: str, options: Sequence[Option], *, initial: Option | None = None
    ) -> InputBlock:
        element = RadioButtonsElement(
            action_id=self.action_id, options=list(options), initial_option=initial
        )
        return self.field(block_id, label, element)
