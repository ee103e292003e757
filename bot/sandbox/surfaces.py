"""What a person reads on Slack's surfaces, for the driver: buttons by their text, a modal's
fields by their labels and options by theirs, and the bot's texts in the reader's language.

A text the driver is given is one of the bot's msgids (its English text, exactly, as in
`bot/locales/rotnem.pot`) or a :class:`Msg` (placeholders, plural forms); :func:`translated`
turns it into what a reader of one language sees, and :func:`reads_as` compares it whole with
what Slack shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.i18n import _, ngettext, speaking

JSON = dict[str, Any]

_EMOJI_OR_PUNCT = re.compile(r"[^\w\s'’]+", re.UNICODE)


class DriverError(Exception):
    """Something a person would notice went wrong (or the UI changed under the driver)."""


@dataclass(frozen=True)
class Button:
    text: str
    action_id: str
    block_id: str
    value: str | None


@dataclass(frozen=True)
class Msg:
    """A text of the bot's with placeholders, or with plural forms: its msgid (the English
    text, as in `bot/locales/rotnem.pot`), the plural's and ``n``, and the placeholders' values."""

    msgid: str
    plural: str | None = None
    n: int = 1
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, msgid: str, plural: str | None = None, n: int = 1, **values: object) -> Msg:
        return cls(msgid, plural, n, tuple((k, str(v)) for k, v in sorted(values.items())))

    def text(self) -> str:
        """The text in the language in force, placeholders filled in."""
        raw = ngettext(self.msgid, self.plural, self.n) if self.plural else _(self.msgid)
        return raw.format(**dict(self.values)) if self.values else raw


# What a person looks for: a msgid of the bot's, or a `Msg`.
Label = str | Msg


def translated(label: Label, language: str) -> str:
    """``label`` as a reader of ``language`` sees it."""
    with speaking(language):
        return label.text() if isinstance(label, Msg) else _(label)


def normalize(text: str) -> str:
    """Button and option text as compared: emoji and punctuation off, spaces squeezed, lower."""
    return " ".join(_EMOJI_OR_PUNCT.sub(" ", text.replace("’", "'")).split()).lower()


def reads_as(shown: str, text: str) -> bool:
    """Whether a button or option showing ``shown`` reads ``text``, all of it (emoji, punctuation
    and case aside): a text Slack's length limits made the bot cut ("… espe…") reads as the
    whole one it begins."""
    wanted = normalize(text)
    if shown.rstrip().endswith("…"):
        return wanted.startswith(normalize(shown))
    return normalize(shown) == wanted


def text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text") or "")
    return str(obj or "")


def buttons_in(blocks: Iterable[Mapping[str, Any]]) -> list[Button]:
    """Every button in ``blocks`` (actions blocks and section accessories), in order."""
    found: list[Button] = []
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        elements = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        for element in elements:
            if isinstance(element, dict) and element.get("type") == "button":
                found.append(
                    Button(
                        text=text_of(element.get("text")),
                        action_id=str(element.get("action_id") or ""),
                        block_id=block_id,
                        value=element.get("value"),
                    )
                )
    return found


def find_button(blocks: Iterable[Mapping[str, Any]], text: str) -> Button:
    """The one button whose visible text contains ``text`` (emoji and case aside)."""
    buttons = buttons_in(blocks)
    wanted = normalize(text)
    exact = [b for b in buttons if reads_as(b.text, text)]
    matches = exact or [b for b in buttons if wanted in normalize(b.text)]
    if len(matches) == 1:
        return matches[0]
    shown = ", ".join(f"“{b.text}”" for b in buttons) or "no buttons at all"
    if not matches:
        raise DriverError(f"no button “{text}” here; there is {shown}")
    raise DriverError(f"several buttons match “{text}”: {shown}")


def has_button(blocks: Iterable[Mapping[str, Any]], text: str, *, exact: bool = False) -> bool:
    """Whether a button reads ``text`` (``exact``: all of it; else some of it)."""
    wanted = normalize(text)
    if exact:
        return any(reads_as(b.text, text) for b in buttons_in(blocks))
    return any(wanted in normalize(b.text) for b in buttons_in(blocks))


def input_blocks(view: Mapping[str, Any]) -> dict[str, JSON]:
    """A view's input blocks by their label's text."""
    return {
        text_of(block.get("label")): block
        for block in view.get("blocks") or []
        if isinstance(block, dict) and block.get("type") == "input"
    }


def _options(element: Mapping[str, Any]) -> list[JSON]:
    options: list[JSON] = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def _option_value(element: Mapping[str, Any], label: str, answer: str) -> str:
    options = _options(element)
    wanted = normalize(answer)
    exact = [o for o in options if reads_as(text_of(o.get("text")), answer)]
    matches = exact or [o for o in options if normalize(text_of(o.get("text"))).startswith(wanted)]
    if len(matches) != 1:
        shown = ", ".join(f"“{text_of(o.get('text'))}”" for o in options[:30])
        raise DriverError(f"“{label}” has no single option “{answer}”; it offers {shown}")
    return str(matches[0]["value"])


def answers_by_label(view: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """``{label: answer}`` → ``{block_id: value}``: option labels become their values.

    Text inputs take a str; selects and radio buttons the option's visible text; multi-selects
    and checkboxes a list of texts; user pickers a user ID. Unknown labels fail, naming the
    labels the modal has.
    """
    blocks = input_blocks(view)
    out: dict[str, Any] = {}
    for label, answer in answers.items():
        block = blocks.get(label)
        if block is None:
            raise DriverError(f"the modal has no field “{label}”; it has {sorted(blocks)}")
        element = block["element"]
        kind = str(element.get("type"))
        if answer is None:
            continue
        if kind in ("static_select", "radio_buttons"):
            out[str(block["block_id"])] = _option_value(element, label, str(answer))
        elif kind in ("multi_static_select", "checkboxes"):
            out[str(block["block_id"])] = [
                _option_value(element, label, str(item)) for item in answer
            ]
        else:
            out[str(block["block_id"])] = answer
    return out


def options_of(view: Mapping[str, Any], label: str) -> list[str]:
    """The visible texts of the options of the field labelled ``label``."""
    block = input_blocks(view).get(label)
    if block is None:
        raise DriverError(f"the modal has no field “{label}”; it has {sorted(input_blocks(view))}")
    return [text_of(o.get("text")) for o in _options(block["element"])]


def view_summary(view: Mapping[str, Any]) -> str:
    """A modal in one line: its title and the questions it asks."""
    title = text_of(view.get("title")) or "(untitled)"
    labels = list(input_blocks(view))
    if labels:
        return f"“{title}” asking: " + "; ".join(labels)
    return f"“{title}”"


__all__ = [
    "JSON",
    "Button",
    "DriverError",
    "Label",
    "Msg",
    "answers_by_label",
    "buttons_in",
    "find_button",
    "has_button",
    "input_blocks",
    "normalize",
    "options_of",
    "reads_as",
    "text_of",
    "translated",
    "view_summary",
]
