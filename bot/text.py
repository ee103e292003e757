"""Small helpers for sentences people read, shared by the builders and by services' error texts."""

from __future__ import annotations

from collections.abc import Iterable

from bot.i18n import _, joined


def tools_phrase(items: Iterable[str], empty: str | None = None) -> str:
    """ "A", "A and B", "A, B and C" (duplicates once, in the language in force); `empty` — by
    default "nothing listed yet" — when there are none."""
    names = list(dict.fromkeys(items))
    if not names:
        return _("nothing listed yet") if empty is None else empty
    return joined(names)
