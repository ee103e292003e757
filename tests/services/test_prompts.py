"""Choosing a week's prompt, and a pair's prompt history, by value."""

from __future__ import annotations

from bot.services.prompts.chooser import CatalogueEntry, PastPrompt, choose_prompt
from bot.services.prompts.history import PairHistory


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
