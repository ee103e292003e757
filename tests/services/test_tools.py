"""The tool catalogue we ship, by value: the texts marked for translation are the seeded ones,
and ours are shown translated while HR's stay as typed."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from bot.i18n import LANGUAGES, speaking
from bot.services import tools_builtin
from bot.services.tools_builtin import shown_category, shown_description

# Slack's limit for an option group's label and an option's description.
SLACK_LABEL = 75


def _migration_0003() -> ModuleType:
    path = Path(__file__).parents[2] / "migrations" / "versions" / "0003_enrollment.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_builtin_tools_are_the_ones_the_migration_seeds() -> None:
    """The categories and descriptions marked for translation are exactly the seeded rows' (else
    a seeded text would stay English, or a translation would be for a text nobody reads)."""
    seeded = _migration_0003()
    assert list(tools_builtin.CATALOGUE) == [tuple(row) for row in seeded.CATALOGUE]
    assert {row[0] for row in seeded.CATALOGUE} | {"More tools"} == tools_builtin.CATEGORIES
    assert {row[2] for row in seeded.CATALOGUE} == tools_builtin.DESCRIPTIONS
    # HR's additions are stored under the English category, translated where shown.
    assert tools_builtin.ADDED_CATEGORY == "More tools"


def test_ours_are_translated_and_hrs_stay_as_typed() -> None:
    ours = "Find, follow and record podcasts"
    with speaking("en"):
        assert shown_category("Social networks") == "Social networks"
        assert shown_description(ours, builtin=True) == ours
    with speaking("fr"):
        assert shown_category("Social networks") != "Social networks"
        assert shown_description(ours, builtin=True) != ours
        # HR typed it (even word for word): as typed; a category we don't know: as stored.
        assert shown_description(ours, builtin=False) == ours
        assert shown_category("Design") == "Design"
        # Never gettext("") (the catalog's header).
        assert shown_description("", builtin=True) == ""
        assert shown_category("") == ""


def test_every_translation_fits_a_slack_label() -> None:
    for language in LANGUAGES:
        with speaking(language):
            for category in tools_builtin.CATEGORIES:
                assert len(shown_category(category)) <= SLACK_LABEL, (language, category)
            for description in tools_builtin.DESCRIPTIONS:
                shown = shown_description(description, builtin=True)
                assert len(shown) <= SLACK_LABEL, (language, shown)
