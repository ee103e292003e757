"""Block Kit checks: the limits Slack enforces on message blocks and on modal and Home views.

Limits come from Slack's Block Kit reference and slack_sdk's model classes (which encode the
same *_max_length constants). Messages are checked against the documented limits only: Slack
also has undocumented totals (msg_blocks_too_long near 13k characters) that are not modelled.
Error texts follow Slack's style: "must be less than 3001 characters [json-pointer:/...]".

Most limits are rows of the tables below; the checker walks blocks, elements and options and
applies the rows of each one's type, so a new limit is a new row rather than a new branch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.sandbox.fake_slack.wire import JSON

MAX_MESSAGE_BLOCKS: Final = 50
MAX_VIEW_BLOCKS: Final = 100
MAX_MARKDOWN_CHARS: Final = 12_000

# What a property holds: a text object (plain_text or mrkdwn), a plain_text object, a string.
TEXT: Final = "text"
PLAIN: Final = "plain"
STRING: Final = "string"


@dataclass(frozen=True)
class Field:
    """A property of ``kind`` at most ``max_len`` characters long, checked when present."""

    key: str
    kind: str
    max_len: int
    required: bool = False


@dataclass(frozen=True)
class Needs:
    """The object must have at least one of ``keys``."""

    keys: tuple[str, ...]
    error: str


Check = Field | Needs

# Per block type, in the order Slack reports problems. A type missing here is unsupported.
_BLOCKS: Final[Mapping[str, tuple[Check, ...]]] = {
    "actions": (),
    "call": (),
    "context": (),
    "context_actions": (),
    "divider": (),
    "file": (),
    "header": (Field("text", PLAIN, 150, required=True),),
    "image": (
        Field("image_url", STRING, 3000),
        Needs(("image_url", "slack_file"), "must provide image_url or slack_file"),
        Field("alt_text", STRING, 2000, required=True),
        Field("title", PLAIN, 2000),
    ),
    "input": (
        Field("label", PLAIN, 2000, required=True),
        Field("hint", PLAIN, 2000),
        Needs(("element",), "must provide an element"),
    ),
    "markdown": (Field("text", STRING, MAX_MARKDOWN_CHARS, required=True),),
    "rich_text": (),
    "section": (
        Needs(("text", "fields"), "must provide either text or fields"),
        Field("text", TEXT, 3000),
    ),
    "table": (),
    "video": (),
}
# Where a block keeps interactive elements: the key, how many at most, and whether the key holds
# one element (checked when present) rather than a list of them.
_ELEMENT_SLOTS: Final[Mapping[str, tuple[str, int, bool]]] = {
    "section": ("accessory", 1, True),
    "actions": ("elements", 25, False),
    "context_actions": ("elements", 5, False),
    "input": ("element", 1, True),
}
_ANY_ELEMENT: Final = (Field("placeholder", PLAIN, 150),)
_BUTTON: Final = (
    Field("text", PLAIN, 75, required=True),
    Field("value", STRING, 2000),
    Field("url", STRING, 3000),
)
_CONFIRM: Final = (
    Field("title", PLAIN, 100, required=True),
    Field("text", TEXT, 300, required=True),
    Field("confirm", PLAIN, 30, required=True),
    Field("deny", PLAIN, 30, required=True),
)
_SELECTS_WITH_OPTIONS: Final = frozenset({"static_select", "multi_static_select"})
# Elements that list options: how many at most, and what the option's text may be.
_OPTION_LISTS: Final[Mapping[str, tuple[int, str]]] = {
    "overflow": (5, PLAIN),
    "radio_buttons": (10, TEXT),
    "checkboxes": (10, TEXT),
}
# An option, by what its text may be.
_OPTION: Final[Mapping[str, tuple[Field, ...]]] = {
    kind: (
        Field("text", kind, 75, required=True),
        Field("value", STRING, 150, required=True),
        Field("description", PLAIN, 75),
    )
    for kind in (PLAIN, TEXT)
}
_OPTION_GROUP: Final = (Field("label", PLAIN, 75, required=True),)
_MODAL: Final = (
    Field("title", PLAIN, 24, required=True),
    Field("submit", PLAIN, 24),
    Field("close", PLAIN, 24),
)
_VIEW_STRINGS: Final = (
    Field("private_metadata", STRING, 3000),
    Field("callback_id", STRING, 255),
    Field("external_id", STRING, 255),
)


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.markdown_chars = 0

    def err(self, message: str, pointer: str) -> None:
        self.errors.append(f"{message} [json-pointer:{pointer}]")

    def length(self, value: Any, max_len: int, pointer: str, *, min_len: int = 0) -> None:
        if not isinstance(value, str):
            self.err("must be a string", pointer)
        elif len(value) > max_len:
            self.err(f"must be less than {max_len + 1} characters", pointer)
        elif len(value) < min_len:
            self.err(f"must be at least {min_len} characters", pointer)

    def text(self, obj: Any, pointer: str, max_len: int, *, plain_only: bool = False) -> None:
        if not isinstance(obj, dict):
            self.err("must be a text object", pointer)
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn"):
            self.err("must be one of plain_text, mrkdwn", f"{pointer}/type")
        elif plain_only and kind != "plain_text":
            self.err("must be plain_text", f"{pointer}/type")
        self.length(obj.get("text"), max_len, f"{pointer}/text", min_len=1)

    def apply(self, obj: Mapping[str, Any], pointer: str, checks: Sequence[Check]) -> None:
        for check in checks:
            if isinstance(check, Needs):
                if not any(key in obj for key in check.keys):
                    self.err(check.error, pointer)
            elif check.required or check.key in obj:
                where = f"{pointer}/{check.key}"
                if check.kind == STRING:
                    self.length(obj.get(check.key), check.max_len, where)
                else:
                    self.text(
                        obj.get(check.key), where, check.max_len, plain_only=check.kind == PLAIN
                    )

    def listed(
        self, value: Any, pointer: str, max_items: int, *, empty_ok: bool = False
    ) -> list[Any]:
        """``value`` if it is a usable list (reporting one too long); [] after reporting it."""
        if not isinstance(value, list) or not (value or empty_ok):
            self.err("must be an array" if empty_ok else "must be a non-empty array", pointer)
            return []
        if len(value) > max_items:
            self.err(f"must contain no more than {max_items} items", pointer)
        return value

    def typed(
        self,
        items: list[Any],
        pointer: str,
        noun: str,
        id_key: str,
        check: Callable[[JSON, str], None],
        *,
        single: bool = False,
    ) -> None:
        """Blocks or elements: each an object with a type, and ids unique among siblings."""
        seen: set[str] = set()
        for i, item in enumerate(items):
            where = pointer if single else f"{pointer}/{i}"
            if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                self.err(f"must be {noun} object with a type", where)
                continue
            item_id = item.get(id_key)
            if item_id is not None:
                self.length(item_id, 255, f"{where}/{id_key}")
                if item_id in seen:
                    self.err(f"duplicate {id_key}: {item_id}", f"{where}/{id_key}")
                seen.add(item_id)
            check(item, where)

    def blocks(self, blocks: Any, pointer: str, max_blocks: int) -> None:
        items = self.listed(blocks, pointer, max_blocks, empty_ok=True)
        self.typed(items, pointer, "a block", "block_id", self.block)

    def block(self, block: JSON, where: str) -> None:
        kind = block["type"]
        checks = _BLOCKS.get(kind)
        if checks is None:
            self.err(f"unsupported block type: {kind}", f"{where}/type")
            return
        self.apply(block, where, checks)
        if kind == "section" and block.get("fields") is not None:
            fields = block["fields"]
            if not isinstance(fields, list) or len(fields) > 10:
                self.err("must contain no more than 10 items", f"{where}/fields")
            else:
                for j, item in enumerate(fields):
                    self.text(item, f"{where}/fields/{j}", 2000)
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                self.err("must contain between 1 and 10 items", f"{where}/elements")
        elif kind == "markdown" and isinstance(block.get("text"), str):
            self.markdown_chars += len(block["text"])
        if kind in _ELEMENT_SLOTS:
            key, max_items, single = _ELEMENT_SLOTS[kind]
            if not single:
                self.elements(block.get(key), f"{where}/{key}", max_items)
            elif key in block:
                self.elements([block[key]], f"{where}/{key}", 1, single=True)

    def elements(
        self, elements: Any, pointer: str, max_items: int, *, single: bool = False
    ) -> None:
        items = self.listed(elements, pointer, max_items)
        self.typed(items, pointer, "an element", "action_id", self.element, single=single)

    def element(self, element: JSON, where: str) -> None:
        kind = element["type"]
        self.apply(element, where, _ANY_ELEMENT)
        if "confirm" in element:
            confirm = element["confirm"]
            if isinstance(confirm, dict):
                self.apply(confirm, f"{where}/confirm", _CONFIRM)
            else:
                self.err("must be a confirm object", f"{where}/confirm")
        if kind == "button":
            self.apply(element, where, _BUTTON)
            if element.get("style") not in (None, "primary", "danger"):
                self.err("must be one of primary, danger", f"{where}/style")
        elif kind in _SELECTS_WITH_OPTIONS:
            self.select_options(element, where)
        elif kind in _OPTION_LISTS:
            max_items, text_kind = _OPTION_LISTS[kind]
            self.options(element.get("options"), f"{where}/options", max_items, text_kind)
        elif kind == "plain_text_input":
            for key in ("min_length", "max_length"):
                value = element.get(key)
                if value is not None and (not isinstance(value, int) or not 0 <= value <= 3000):
                    self.err("must be between 0 and 3000", f"{where}/{key}")

    def select_options(self, element: JSON, where: str) -> None:
        if "options" in element:
            self.options(element["options"], f"{where}/options", 100)
        elif "option_groups" in element:
            groups = element["option_groups"]
            if not isinstance(groups, list) or len(groups) > 100:
                self.err("must contain no more than 100 items", f"{where}/option_groups")
                return
            for g, group in enumerate(groups):
                gp = f"{where}/option_groups/{g}"
                group_obj = group if isinstance(group, dict) else {}
                self.apply(group_obj, gp, _OPTION_GROUP)
                self.options(group_obj.get("options"), f"{gp}/options", 100)
        else:
            self.err("must provide options or option_groups", where)

    def options(self, options: Any, pointer: str, max_items: int, text_kind: str = PLAIN) -> None:
        for k, option in enumerate(self.listed(options, pointer, max_items)):
            if isinstance(option, dict):
                self.apply(option, f"{pointer}/{k}", _OPTION[text_kind])
            else:
                self.err("must be an option object", f"{pointer}/{k}")


def validate_message_blocks(blocks: Any) -> list[str]:
    """Problems with message blocks, as Slack words them; empty when the blocks are valid."""
    checker = _Checker()
    checker.blocks(blocks, "/blocks", MAX_MESSAGE_BLOCKS)
    if checker.markdown_chars > MAX_MARKDOWN_CHARS:
        checker.err("markdown blocks must total no more than 12000 characters", "/blocks")
    return checker.errors


def validate_view(view: Any, *, expected_type: str | None = None) -> list[str]:
    """Problems with a modal or Home view, as Slack words them; empty when the view is valid."""
    checker = _Checker()
    if not isinstance(view, dict):
        checker.err("must be a view object", "/view")
        return checker.errors
    # A view's optional properties may be null, which counts as absent.
    present = {key: value for key, value in view.items() if value is not None}
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.err("must be one of modal, home", "/view/type")
    elif expected_type is not None and kind != expected_type:
        checker.err(f"must be {expected_type}", "/view/type")
    if kind == "modal":
        checker.apply(present, "/view", _MODAL)
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            checker.err("submit is required when an input block is present", "/view/submit")
    checker.blocks(view.get("blocks"), "/view/blocks", MAX_VIEW_BLOCKS)
    checker.apply(present, "/view", _VIEW_STRINGS)
    return checker.errors
