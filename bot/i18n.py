"""Every text a person reads, in their language: gettext catalogs and the language in force.

The catalogs are managed with Babel (`pybabel extract` / `update` / `compile`, see the README's
Languages section) and shipped compiled in `bot/locales/<language>/LC_MESSAGES/rotnem.mo`;
reading them uses the standard library's `gettext`, so a process loads Babel only when it formats
a date, a number or a list.

The language is a context variable: a handler sets the person's language for its request, the
dispatcher the recipients' for each message it renders (`speaking`). Builders and services call
`_()` where they compose a sentence, at run time — a module-level constant is marked with `N_()`
and translated where it is used.

Messages are Python format strings with named placeholders — `_("Paired with {name}").format(
name=...)` — so a translation may move a placeholder but must keep every one of them (the
catalog test checks it). Values people typed are escaped before they are formatted in.
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

DOMAIN = "rotnem"
LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"
# English is the source; each other language has a complete catalog.
LANGUAGES = ("en", "fr", "es", "de")
# How each language names itself, for the settings modal.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "de": "Deutsch"}

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


@cache
def _translations(language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(DOMAIN, LOCALES, languages=[language], fallback=True)


def _(message: str) -> str:
    """`message` in the language in force."""
    return _translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n` in the language in force (its own plural rules)."""
    return _translations(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a constant for the catalog; translate it with `_()` where it is shown."""
    return message


def current_language() -> str:
    return _language.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Compose every text inside in `language` (one of `LANGUAGES`)."""
    token = _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


def use_language(language: str) -> None:
    """Speak `language` for the rest of the current task (a request's own task: the setting
    ends with it, as each asyncio task runs in a copy of its creator's context)."""
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def language_of(slack_locale: str | None) -> str | None:
    """The language we speak for a Slack locale ("fr-FR" → "fr"), or None when we have none."""
    if not slack_locale:
        return None
    language = slack_locale.replace("_", "-").split("-", 1)[0].lower()
    return language if language in LANGUAGES else None


def shared_language(locales: Iterable[str | None], fallback: str) -> str:
    """The language every reader speaks (a group DM's partners), else `fallback`."""
    languages = {language_of(locale) or fallback for locale in locales}
    return languages.pop() if len(languages) == 1 else fallback


# Dates, numbers and lists follow the language's own conventions through Babel, imported on the
# first use (its locale data is not needed by a process that only acknowledges requests).
# English is written the British way ("Monday 7 December 2026", "A, B and C"), as it always was.
_BABEL_LOCALE = {"en": "en_GB"}
_LONG_DATE = {"en": "EEEE d MMMM y"}


def _locale() -> str:
    language = _language.get()
    return _BABEL_LOCALE.get(language, language)


def long_date(day: date) -> str:
    """ "Monday 7 December 2026", "lundi 7 décembre 2026", "Montag, 7. Dezember 2026"."""
    from babel.dates import format_date

    return format_date(day, format=_LONG_DATE.get(_language.get(), "full"), locale=_locale())


def short_date(day: date) -> str:
    """ "7 Dec 2026", "7 déc. 2026"."""
    from babel.dates import format_date

    return format_date(day, format="medium", locale=_locale())


def day_month(day: date) -> str:
    """ "03 Dec" (as English always read), "3 déc.", "3 dic", "3. Dez."."""
    if _language.get() == DEFAULT_LANGUAGE:
        return f"{day:%d %b}"
    from babel.dates import format_skeleton

    return format_skeleton("MMMd", day, locale=_locale())


def day_month_year(day: date) -> str:
    """ "03 Dec 2026" (as English always read), else the language's short date."""
    if _language.get() == DEFAULT_LANGUAGE:
        return f"{day:%d %b %Y}"
    return short_date(day)


def month_year(day: date) -> str:
    """ "Dec 2026" (as English always read; Babel's British English says "Sept"), "déc. 2026"."""
    if _language.get() == DEFAULT_LANGUAGE:
        return f"{day:%b %Y}"
    from babel.dates import format_skeleton

    return format_skeleton("yMMM", day, locale=_locale())


def decimal(value: float, digits: int) -> str:
    """`value` with `digits` decimals, rounded as Python rounds it: "4.0" (as English always
    read), "4,0" in French."""
    text = f"{value:.{digits}f}"
    if _language.get() == DEFAULT_LANGUAGE:
        return text
    from babel.numbers import format_decimal

    # Babel formats the already rounded value, so every language shows the same number.
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(Decimal(text), format=pattern, locale=_locale())


def percent(ratio: float) -> str:
    """A whole percentage, rounded as Python rounds it: "67%" (as English always read), "67 %"."""
    text = f"{ratio:.0%}"
    if _language.get() == DEFAULT_LANGUAGE:
        return text
    from babel.numbers import format_percent

    return format_percent(Decimal(text[:-1]) / 100, locale=_locale())


def joined(items: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C" — "A, B et C" in French."""
    from babel.lists import format_list

    return format_list(list(items), locale=_locale())
