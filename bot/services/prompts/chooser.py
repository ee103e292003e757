"""Choosing a pair's prompt for the week: pure code over the catalogue and the pair's history.

The other direction than last time (teach first); for "teach me a tool", a tool of the pair's
overlap not covered yet (else the least taught one) and a prompt for that tool or for any tool
(a pair without a shared tool is given the guide's tools instead of the overlap);
never a prompt the pair already had, until the pair has used up the catalogue of that kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal, NamedTuple

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


class PastPrompt(NamedTuple):
    """A prompt a pair had (a tuple: the tick reads a hundred thousand of them)."""

    iso_week: str
    prompt_id: int
    direction: str
    tool: str | None


@dataclass(frozen=True)
class Choice:
    """The prompt chosen for a pair this week, its text filled with the pair's tool."""

    prompt_id: int
    direction: PromptDirection
    tool: str | None
    text: str
    exercise: str | None


class Catalogue(tuple[CatalogueEntry, ...]):
    """The catalogue, with its entries sorted out by kind and tool once: `choose_prompt` runs
    for every pair of the week, and filtering the whole catalogue each time was most of it."""

    mirrors: tuple[CatalogueEntry, ...]
    general: tuple[CatalogueEntry, ...]  # teach prompts for any tool
    by_tool: dict[str, tuple[CatalogueEntry, ...]]  # teach prompts of one tool (casefolded)

    def __new__(cls, entries: Iterable[CatalogueEntry]) -> Catalogue:
        self = super().__new__(cls, entries)
        self.mirrors = tuple(e for e in self if e.kind == PromptKind.MIRROR)
        self.general = tuple(e for e in self if e.kind == PromptKind.TEACH and e.tool is None)
        by_tool: dict[str, list[CatalogueEntry]] = defaultdict(list)
        for e in self:
            if e.kind == PromptKind.TEACH and e.tool:
                by_tool[e.tool.casefold()].append(e)
        self.by_tool = {tool: tuple(entries) for tool, entries in by_tool.items()}
        return self


def _spread(prompt_id: int, pair_id: int) -> int:
    """A per-pair order of the catalogue, so pairs do not all get the same prompt."""
    return (prompt_id * 2654435761 + pair_id * 40503) % 4294967296


def _first(entries: Sequence[CatalogueEntry], pair_id: int) -> CatalogueEntry:
    """`min(entries, key=lambda e: _spread(e.id, pair_id))`, without a call per entry (the tick
    ranks ~170,000 entries a week). `_spread` is one-to-one for a pair, so there are no ties."""
    shift = pair_id * 40503
    return min(entries, key=lambda e: (e.id * 2654435761 + shift) % 4294967296)


def _fill(text: str | None, tool: str | None) -> str | None:
    if text is None:
        return None
    return text.replace("{tool}", tool or "the tool") if "{tool}" in text else text


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
    entry = _pick(pair_id, catalogue.mirrors, used)
    if entry is None:
        return None
    return Choice(entry.id, "mirror", None, entry.text, entry.exercise)


_WEEK = attrgetter("iso_week")


def _fold(names: Iterable[str | None]) -> Iterable[str]:
    return (name.casefold() for name in names if name)


def _pick(
    pair_id: int, entries: Sequence[CatalogueEntry], used: Mapping[int, str]
) -> CatalogueEntry | None:
    fresh = [e for e in entries if e.id not in used]
    if fresh:
        return _first(fresh, pair_id)
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
        specific = catalogue.by_tool.get(tool.casefold(), ())
        for pool in (specific, catalogue.general):
            fresh = [e for e in pool if e.id not in used]
            if fresh:
                entry = _first(fresh, pair_id)
                return Choice(
                    entry.id,
                    "teach",
                    tool,
                    _fill(entry.text, tool) or "",
                    _fill(entry.exercise, tool),
                )
    # Everything was used: the prompt this pair had longest ago, for its first tool.
    last = _pick(
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
    return Choice(
        entry.id, "teach", tool, _fill(entry.text, tool) or "", _fill(entry.exercise, tool)
    )
