"""Choosing a week's prompt, and a pair's prompt history, by value."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from bot.blocks.prompts import weekly_prompt_message
from bot.services.prompts import builtin
from bot.services.prompts.chooser import CatalogueEntry, PastPrompt, choose_prompt
from bot.services.prompts.history import PairHistory
from bot.services.prompts.tick import PromptNotice


def test_choose_prompt_falls_back_to_any_tool_then_to_the_oldest() -> None:
    catalogue = [
        CatalogueEntry(1, "teach", "ChatGPT", "Use ChatGPT", "Summarise"),
        CatalogueEntry(2, "teach", None, "Redo a task with {tool}", "Do it with {tool}"),
        CatalogueEntry(3, "mirror", None, "Walk through a decision", None),
    ]
    first = choose_prompt(7, ["ChatGPT"], [], [], catalogue)
    assert first is not None and (first.prompt_id, first.direction) == (1, "teach")
    history = [PastPrompt("2026-W01", 1, "teach", "ChatGPT")]
    second = choose_prompt(7, ["ChatGPT"], history, ["chatgpt"], catalogue)
    assert second is not None and (second.prompt_id, second.direction) == (3, "mirror")
    history.append(PastPrompt("2026-W02", 3, "mirror", None))
    third = choose_prompt(7, ["ChatGPT"], history, ["chatgpt"], catalogue)
    assert third is not None and third.prompt_id == 2 and third.text == "Redo a task with ChatGPT"
    # No tools in common: mirror prompts only.
    only = choose_prompt(7, [], [], [], catalogue)
    assert only is not None and only.direction == "mirror"


def test_history_read_aggregated_is_the_rows_read_one_by_one() -> None:
    records = [("2026-W10", 4, "teach", "A\x1fB"), ("2026-W09", 7, "mirror", None)]
    aggregated = "\x1e".join(
        "\x1f".join((week, str(prompt_id), direction, tool or ""))
        for week, prompt_id, direction, tool in records
    )
    history = PairHistory(aggregated=aggregated)
    assert history.prompts() == [PastPrompt(*record) for record in records]
    assert history.prompts() == PairHistory(rows=tuple(history.prompts())).prompts()
    assert history.teaches_next(["A"]) is False
    assert history.teaches_next([]) is False
    assert PairHistory().teaches_next(["A"]) is True
    # Weeks compare as strings, as `choose_prompt` sorts them.
    latest_mirror = PairHistory(
        aggregated="2026-W9\x1f1\x1fteach\x1f\x1e2026-W10\x1f2\x1fmirror\x1f"
    )
    assert not latest_mirror.teaches_next(["A"])


def _migration_0005() -> ModuleType:
    path = Path(__file__).parents[2] / "migrations" / "versions" / "0005_keepalive.py"
    spec = importlib.util.spec_from_file_location("migration_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_builtin_prompts_are_the_ones_the_migration_seeds() -> None:
    """The texts marked for translation are exactly the seeded rows' (else a seeded prompt would
    stay English, or a translation would be for a text nobody receives)."""
    seeded = _migration_0005()
    assert list(builtin.TOOL_PROMPTS) == [tuple(row) for row in seeded.TOOL_PROMPTS]
    assert list(builtin.GENERAL_TEACH_PROMPTS) == [
        tuple(row) for row in seeded.GENERAL_TEACH_PROMPTS
    ]
    assert list(builtin.MIRROR_PROMPTS) == list(seeded.MIRROR_PROMPTS)


def test_a_builtin_prompt_is_filled_when_shown_and_hrs_as_typed() -> None:
    catalogue = [
        CatalogueEntry(
            2, "teach", None, "Redo one task from this week with {tool}.", "With {tool}", True
        )
    ]
    choice = choose_prompt(7, ["ChatGPT"], [], [], catalogue)
    assert choice is not None and choice.builtin and "{tool}" in choice.text
    values = {
        "weekly_prompt_id": 1,
        "pair_id": 7,
        "direction": "teach",
        "guide": "U1",
        "learner": "U2",
        "exercise": None,
        "tool": "ChatGPT",
        "checkin_days": 3,
    }
    ours = weekly_prompt_message(PromptNotice(**values, text=choice.text, builtin=True))
    theirs = weekly_prompt_message(
        PromptNotice(**values, text="Redo one task from this week with ChatGPT.")
    )
    assert ours.to_dict() == theirs.to_dict()
    assert "*Redo one task from this week with ChatGPT.*" in str(ours.to_dict())
