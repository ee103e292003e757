"""Every text people read has a translation in every language Rotnem speaks, with the same
placeholders, and the compiled catalogs the package ships are the ones the translations say.

Adding a message without its translations fails here, naming it; see the README's Languages
section for the three `pybabel` commands that bring the catalogs up to date.
"""

from __future__ import annotations

import gettext
import io
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LANGUAGES, LOCALES

ROOT = Path(__file__).resolve().parents[1]
TRANSLATED = [language for language in LANGUAGES if language != "en"]


def _source_messages() -> dict[str | tuple[str, ...], str]:
    """Every message `_`, `ngettext` and `N_` mark in the bot and the handlers, and where."""
    found: dict[str | tuple[str, ...], str] = {}
    for folder in ("bot", "handlers"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")]
        ):
            key = tuple(message) if isinstance(message, (tuple, list)) else message
            found.setdefault(key, f"{folder}/{filename}:{lineno}")
    return found


SOURCE = _source_messages()


def _catalog(language: str) -> Catalog:
    with open(LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        return read_po(po, locale=language)


def _fields(text: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(text) if name}


def _forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value or "",)


def _problems(language: str) -> Iterator[str]:
    catalog = _catalog(language)
    for message_id, where in SOURCE.items():
        ids = _forms(message_id)
        entry = catalog.get(message_id)
        if entry is None or not all(_forms(entry.string)) or entry.fuzzy:
            yield f"{where}: no {language} translation of {ids[0]!r}"
            continue
        wanted = set().union(*(_fields(text) for text in ids))
        for form in _forms(entry.string):
            try:
                got = _fields(form)
            except ValueError as exc:
                yield f"{where}: {language} {form!r} does not format: {exc}"
                continue
            # A plural form may leave the count out ("une fois"), never bring a new name in.
            if got - wanted or (len(ids) == 1 and got != wanted):
                yield f"{where}: {language} {form!r} has {sorted(got)}, not {sorted(wanted)}"


def test_the_source_marks_messages() -> None:
    assert len(SOURCE) > 300


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders(language: str) -> None:
    problems = list(_problems(language))
    assert not problems, "\n".join(problems[:50])


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_shipped_compiled_catalog_is_the_translations(language: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(language))
    shipped = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    assert shipped.read_bytes() == compiled.getvalue(), (
        f"{shipped} is out of date: pybabel compile -d bot/locales -D rotnem"
    )
    # And gettext reads it, plural rules included.
    with shipped.open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.ngettext("x", "y", 1) == "x"
