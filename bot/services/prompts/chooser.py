"""Choosing a pair's prompt for the week: pure code over the catalogue and the pair's history.

The other direction than last time (teach first); for "teach me a tool", a tool of the pair's
overlap not covered yet (else the least taught one) and a prompt for that tool or for any tool
(a pair without a shared tool is given the guide's tools instead of the overlap);
never a prompt the pair already had, until the pair has used up the catalogue of that kind.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal, NamedTuple

from bot.i18n import _
from models import PromptKind

PromptDirection = Literal["teach", "mirror"]


@dataclass(frozen=True)
class CatalogueEntry:
    """A prompt the weekly tick may choose from."""

    id: int
    kind: str
    tool: str | None  # the catalogue tool's name; None for "any tool" and mirror prompts
    text: str
    exercise: str | None
    # One of ours (seeded, `bot.services.prompts.builtin`): shown translated. HR's are not.
    builtin: bool = False


class PastPrompt(NamedTuple):
    """A prompt a pair had (a tuple: the tick reads a hundred thousand of them)."""

    iso_week: str
    prompt_id: int
    direction: str
    tool: str | None


@dataclass(frozen=True)
class Choice:
    """The prompt chosen for a pair this week, its text filled with the pair's tool — except a
    built-in prompt's: it stays the catalogue's English template (`{tool}` in it), which the
    message translates and then fills in the reader's language."""

    prompt_id: int
    direction: PromptDirection
    tool: str | None
    text: str
    exercise: str | None
    builtin: bool = False


_MODULUS = 4294967296


def _spread(prompt_id: int, pair_id: int) -> int:
    """A per-pair order of the catalogue, so pairs do not all get the same prompt."""
    return (prompt_id * 2654435761 + pair_id * 40503) % _MODULUS


class _Ring:
    """Entries in the order of `_spread(id, 0)`. For any pair, `_spread(id, pair)` orders them
    the same way around the ring, starting at the first entry whose spread wraps past the
    modulus: the best fresh entry is a binary search and a short walk, not a ranking of them all
    (the tick ranked ~170,000 entries a week)."""

    def __init__(self, entries: Iterable[CatalogueEntry]) -> None:
        ranked = sorted(entries, key=lambda e: _spread(e.id, 0))
        self.entries = tuple(ranked)
        self.keys = [_spread(e.id, 0) for e in ranked]

    def first_fresh(self, pair_id: int, used: Mapping[int, str]) -> CatalogueEntry | None:
        """The entry not in `used` with the smallest `_spread` for the pair (one-to-one for a
        pair: no ties), or None."""
        count = len(self.entries)
        start = bisect_left(self.keys, -pair_id * 40503 % _MODULUS)
        for step in range(count):
            entry = self.entries[(start + step) % count]
            if entry.id not in used:
                return entry
        return None


class Catalogue(tuple[CatalogueEntry, ...]):
    """The catalogue, with its entries sorted out by kind and tool once: `choose_prompt` runs
    for every pair of the week, and filtering the whole catalogue each time was most of it."""

    mirrors: _Ring
    general: _Ring  # teach prompts for any tool
    by_tool: dict[str, _Ring]  # teach prompts of one tool (casefolded)

    def __new__(cls, entries: Iterable[CatalogueEntry]) -> Catalogue:
        self = super().__new__(cls, entries)
        self.mirrors = _Ring(e for e in self if e.kind == PromptKind.MIRROR)
        self.general = _Ring(e for e in self if e.kind == PromptKind.TEACH and e.tool is None)
        by_tool: dict[str, list[CatalogueEntry]] = defaultdict(list)
        for e in self:
            if e.kind == PromptKind.TEACH and e.tool:
                by_tool[e.tool.casefold()].append(e)
        self.by_tool = {tool: _Ring(entries) for tool, entries in by_tool.items()}
        return self


_NO_ENTRIES = _Ring(())


def fill_tool(text: str | None, tool: str | None) -> str | None:
    """`text` with `{tool}` replaced by the pair's tool."""
    if text is None:
        return None
    return text.replace("{tool}", tool or _("the tool")) if "{tool}" in text else text


def _teach_choice(entry: CatalogueEntry, tool: str) -> Choice:
    if entry.builtin:
        return Choice(entry.id, "teach", tool, entry.text, entry.exercise, builtin=True)
    return Choice(
        entry.id, "teach", tool, fill_tool(entry.text, tool) or "", fill_tool(entry.exercise, tool)
    )


def choose_prompt(
    pair_id: int,
    tools: Sequence[str],
    history: Sequence[PastPrompt],
    covered: Iterable[str],
    catalogue: Sequence[CatalogueEntry],
) -> Choice | None:
    """This week's prompt for a pair: the other direction than last time (teach first); for
    teach, a tool of `tools` (the pair's overlap, or the guide's tools for a pair without a
    shared tool) not covered yet (else the least taught one) and a prompt for that tool, or one
    for any tool; never a prompt the pair already had, unless the pair has used up the whole
    catalogue of that kind (then the one they had longest ago)."""
    if not isinstance(catalogue, Catalogue):
        catalogue = Catalogue(catalogue)
    past = sorted(history, key=_WEEK)
    used = {p.prompt_id: p.iso_week for p in past}
    direction = "teach"
    if past and past[-1].direction == "teach":
        direction = "mirror"
    tools = list(dict.fromkeys(t for t in tools if t))
    if direction == "teach" and not tools:
        direction = "mirror"
    if direction == "teach":
        choice = _teach(pair_id, tools, past, used, set(_fold(covered)), catalogue)
        if choice is not None:
            return choice
        direction = "mirror"
    entry = catalogue.mirrors.first_fresh(pair_id, used) or _oldest(
        pair_id, catalogue.mirrors.entries, used
    )
    if entry is None:
        return None
    return Choice(entry.id, "mirror", None, entry.text, entry.exercise, builtin=entry.builtin)


_WEEK = attrgetter("iso_week")


def _fold(names: Iterable[str | None]) -> Iterable[str]:
    return (name.casefold() for name in names if name)


def _oldest(
    pair_id: int, entries: Sequence[CatalogueEntry], used: Mapping[int, str]
) -> CatalogueEntry | None:
    """Of entries the pair all had, the one it had longest ago."""
    if entries:
        return min(entries, key=lambda e: (used[e.id], _spread(e.id, pair_id)))
    return None


def _teach(
    pair_id: int,
    tools: Sequence[str],
    past: Sequence[PastPrompt],
    used: Mapping[int, str],
    covered: set[str],
    catalogue: Catalogue,
) -> Choice | None:
    taught: dict[str, int] = defaultdict(int)
    for prompt in past:
        if prompt.tool:
            taught[prompt.tool.casefold()] += 1
    order = sorted(
        range(len(tools)),
        key=lambda i: (tools[i].casefold() in covered, taught[tools[i].casefold()], i),
    )
    for index in order:
        tool = tools[index]
        specific = catalogue.by_tool.get(tool.casefold(), _NO_ENTRIES)
        for pool in (specific, catalogue.general):
            entry = pool.first_fresh(pair_id, used)
            if entry is not None:
                return _teach_choice(entry, tool)
    # Everything was used: the prompt this pair had longest ago, for its first tool.
    last = _oldest(
        pair_id,
        [
            e
            for e in catalogue
            if e.kind == PromptKind.TEACH
            and (e.tool is None or e.tool.casefold() == tools[order[0]].casefold())
        ],
        used,
    )
    if last is None:
        return None
    entry, tool = last, tools[order[0]]
    return _teach_choice(entry, tool)
