"""What people type or click, checked once before it is stored: text that both databases keep
as typed, whole numbers that fit a column, and Slack IDs.

Every service that stores a person's text passes it through `typed`, so the same rules hold on
SQLite and PostgreSQL: PostgreSQL refuses NUL bytes and both drivers refuse lone surrogates
(which JSON can carry), and only PostgreSQL enforces a column's length — a check here is what
turns each of those into a sentence for the person instead of a failed write.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bot.i18n import N_, _, ngettext
from bot.services.errors import InvalidInput

# The largest id an INTEGER column holds on PostgreSQL (and every id we hand out).
MAX_ID = 2**31 - 1
# Slack's user, channel and team ids: a capital letter, then capitals and digits.
_SLACK_ID = re.compile(r"[A-Z][A-Z0-9]{1,31}")
_ALLOWED_CONTROLS = frozenset("\n\t")


CONTROLS = N_("This text holds invisible control characters; please type it again.")


def has_controls(text: str) -> bool:
    """Whether `text` holds characters no one can type: NUL and other control characters but
    newline and tab, or lone surrogates (PostgreSQL and the drivers refuse them)."""
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and char not in _ALLOWED_CONTROLS):
            return True
    return False


def typed(
    value: str | None, *, limit: int, multiline: bool = False, what: str | None = None
) -> str | None:
    """`value` trimmed (runs of spaces folded to one unless `multiline`), None when empty;
    `InvalidInput` when it holds characters no one can type (NUL, control characters, lone
    surrogates) or is longer than `limit` (the sentence names `what`, when given: a noun phrase
    that starts the sentence, in the language in force — "A tool name")."""
    text = (value or "").strip()
    if not multiline:
        text = " ".join(text.split())
    if has_controls(text):
        raise InvalidInput(_(CONTROLS))
    if len(text) > limit:
        if what is None:
            raise InvalidInput(
                ngettext(
                    "Keep it to {limit} character or fewer (now {count}).",
                    "Keep it to {limit} characters or fewer (now {count}).",
                    limit,
                ).format(limit=limit, count=len(text))
            )
        raise InvalidInput(
            ngettext(
                "{what} can be at most {limit} character (now {count}).",
                "{what} can be at most {limit} characters (now {count}).",
                limit,
            ).format(what=what, limit=limit, count=len(text))
        )
    return text or None


class FieldErrors(dict[str, str]):
    """A form's errors by field, collected while its answers are read."""

    def typed(self, field: str, value: str | None, **rules: Any) -> str | None:
        """`typed(value, **rules)`; a refusal becomes this field's error (and None)."""
        try:
            return typed(value, **rules)
        except InvalidInput as exc:
            self[field] = exc.message
            return None


def whole_number(raw: str | None, low: int = 1, high: int = MAX_ID) -> int | None:
    """`raw` as an int in [low, high], or None: only ASCII digits count (`str.isdigit()` takes
    `²`, which `int()` refuses), and a number longer than `high` is refused before `int()`
    reads it (Python refuses to read numbers of more than 4,300 digits)."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(high)):
        return None
    number = int(raw)
    return number if low <= number <= high else None


def is_slack_id(value: str) -> bool:
    return _SLACK_ID.fullmatch(value) is not None
