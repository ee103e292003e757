"""Enrollment's rules by value: the typed 'other tools' lists."""

from __future__ import annotations

import pytest

from bot.services.enrollment.profile import parse_other_tools
from bot.services.errors import InvalidInput


def test_other_tools_are_trimmed_deduplicated_and_bounded() -> None:
    assert parse_other_tools(" Figma ,, figma, Obsidian  App ") == ("Figma", "Obsidian App")
    assert parse_other_tools(None) == ()
    assert len(parse_other_tools(", ".join(f"t{i}" for i in range(10)))) == 10
    with pytest.raises(InvalidInput, match="at most 10"):
        parse_other_tools(", ".join(f"t{i}" for i in range(11)))
    with pytest.raises(InvalidInput, match="at most 40"):
        parse_other_tools("a" * 41)
    with pytest.raises(InvalidInput, match="control characters"):
        parse_other_tools("Figma, Zap\x00ier")
