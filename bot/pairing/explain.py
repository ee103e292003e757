"""Short human sentences: why a pair was made, and why someone was left without one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bot.pairing.matrix import Graph
from bot.pairing.model import Participant, TzMode, Unmatched
from bot.pairing.score import minutes_apart


def tools_phrase(tools: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C" (sorted, so the text is stable)."""
    items = sorted(tools)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def distance_phrase(minutes: int) -> str:
    if minutes == 0:
        return "same time zone"
    hours, rest = divmod(minutes, 60)
    if not rest:
        return f"{hours}h apart"
    return f"{hours}h{rest:02d} apart" if hours else f"{rest}min apart"


def explain_pair(
    guide: Participant,
    learner: Participant,
    *,
    repeat: bool,
    tz_mode: TzMode,
    repeat_unavoidable: bool = True,
) -> str:
    """E.g. "Ana can teach ChatGPT and LinkedIn, which Ben wants to learn; 2h apart"."""
    shared = tools_phrase(guide.teaches & learner.learns)
    parts = [f"{guide.name} can teach {shared}, which {learner.name} wants to learn"]
    if guide.department and learner.department and guide.department != learner.department:
        parts.append("different departments")
    if tz_mode == "prefer_close":
        parts.append(
            distance_phrase(minutes_apart(guide.utc_offset_minutes, learner.utc_offset_minutes))
        )
    for person in (learner, guide):
        if person.waitlisted:
            parts.append(f"{person.name} first in line after waiting last round")
    if repeat:
        parts.append("paired before — no other option" if repeat_unavoidable else "paired before")
    return "; ".join(parts)


# --- unmatched ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voice:
    """Whom a reason is written to: the person themselves, or HR about them."""

    subject: str  # "you" | "Mei"
    possessive: str  # "your" | "Mei's"
    third_person: bool

    @classmethod
    def about(cls, name: str) -> Voice:
        return cls(name, f"{name}'s", third_person=True)

    def verb(self, base: str) -> str:
        """The verb agreeing with the subject: "want" → "wants", "teach" → "teaches"."""
        if not self.third_person:
            return base
        return {"haven't": "hasn't", "teach": "teaches"}.get(base, f"{base}s")


YOU = Voice("you", "your", third_person=False)


def _blocked_reason(
    graph: Graph, cells: list[tuple[int, int]], voice: Voice
) -> tuple[str, str] | None:
    """If every tool-compatible partner is blocked by a hard rule: (code, reason)."""
    if not cells:
        return None
    line = all(c in graph.reporting for c in cells)
    excl = all(c in graph.excluded for c in cells)
    if line:
        return "reporting_line", f"every possible partner is in {voice.possessive} reporting line"
    if excl:
        return "excluded", "every possible partner is excluded by a personal exclusion"
    return (
        "blocked",
        f"every possible partner is in {voice.possessive} reporting line or excluded by a "
        "personal exclusion",
    )


def unmatched_reasons(
    graph: Graph,
    people: Iterable[Participant],
    matched: set[str],
    learner_demand: int,
    guide_places: int,
) -> list[Unmatched]:
    """A specific reason for every participant of ``people`` not in ``matched``, written to
    them and, the same sentence, to HR about them.

    ``learner_demand`` is how many learner candidates had a valid partner, ``guide_places``
    how many guide places those could fill; they tell "more learners than places" apart.
    """
    row_of, col_of = graph.row_of(), graph.col_of()
    out: list[Unmatched] = []
    for p in sorted(people, key=lambda q: q.id):
        if p.id in matched:
            continue
        cell = (row_of.get(p.id), col_of.get(p.id))
        code, reason = _reason(graph, p, cell, (learner_demand, guide_places), YOU)
        _, hr_reason = _reason(graph, p, cell, (learner_demand, guide_places), Voice.about(p.name))
        out.append(Unmatched(p.id, code, reason, hr_reason))
    return out


def _reason(
    graph: Graph,
    p: Participant,
    cell: tuple[int | None, int | None],
    demand: tuple[int, int],
    voice: Voice,
) -> tuple[str, str]:
    """(code, reason) for one unmatched person (row `r` as a guide, column `c` as a learner),
    in `voice`; `demand` is (learner demand, guide places)."""
    (r, c), (learner_demand, guide_places) = cell, demand
    you, your, want, teach = (
        voice.subject,
        voice.possessive,
        voice.verb("want"),
        voice.verb("teach"),
    )
    if r is None and c is None:
        what = "teach" if p.role == "guide" else "learn" if p.role == "learner" else "share"
        have = voice.verb("haven't")
        return "no_tools", f"{you} {have} listed any tools to {what} yet"
    n_guides = int(graph.valid[r].sum()) if r is not None else 0
    n_learners = int(graph.valid[:, c].sum()) if c is not None else 0
    if n_guides + n_learners == 0:
        # tool-compatible partners other than the person, as matrix cells: all blocked
        cells: list[tuple[int, int]] = []
        if r is not None:
            cells += [(r, int(j)) for j in np.flatnonzero(graph.overlap[r]) if j != c]
        if c is not None:
            cells += [(int(i), c) for i in np.flatnonzero(graph.overlap[:, c]) if i != r]
        blocked = _blocked_reason(graph, cells, voice)
        return blocked or ("no_overlap", _no_overlap_text(p, r, c, voice))
    if n_guides:
        if learner_demand > guide_places:
            taken = (
                f"the one guide who teaches what {you} {want} is taken"
                if n_guides == 1
                else f"all {n_guides} guides who teach what {you} {want} are taken"
            )
            return "oversubscribed", f"more learners than guide places this round: {taken}"
        return "at_capacity", (
            f"{your} one compatible guide is at capacity this round"
            if n_guides == 1
            else f"all {n_guides} compatible guides are at capacity this round"
        )
    taken = (
        f"the one learner who wants what {you} {teach} was paired with another guide"
        if n_learners == 1
        else f"the {n_learners} learners who want what {you} {teach} were paired with other guides"
    )
    if guide_places > learner_demand:
        return "undersubscribed", f"more guide places than learners this round: {taken}"
    return "learners_taken", taken


def _no_overlap_text(p: Participant, r: int | None, c: int | None, voice: Voice) -> str:
    you, want, teach = voice.subject, voice.verb("want"), voice.verb("teach")
    learns, teaches = tools_phrase(p.learns), tools_phrase(p.teaches)
    if r is not None and c is not None:
        return (
            f"nobody this round teaches what {you} {want} to learn ({learns}) "
            f"or wants to learn what {you} {teach} ({teaches})"
        )
    if r is not None:
        return f"no guide this round teaches what {you} {want} to learn ({learns})"
    return f"no learner this round wants to learn what {you} {teach} ({teaches})"
