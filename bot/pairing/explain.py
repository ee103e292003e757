"""Why a pair was made, and why someone was left without one — as values (`Why`, `Reason`):
whoever shows them writes the sentences, in their reader's language."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from bot.pairing.matrix import Graph, code_shared
from bot.pairing.model import Participant, Reason, TzMode, Unmatched, Why
from bot.pairing.score import minutes_apart


def explain_pair(
    guide: Participant,
    learner: Participant,
    *,
    repeat: bool,
    tz_mode: TzMode,
    repeat_unavoidable: bool = True,
) -> Why:
    """E.g. "Ana can teach ChatGPT and LinkedIn, which Ben wants to learn; 2h apart", as values;
    a pair without a shared tool starts from the guide's everyday tools."""
    waited = tuple(person.name for person in (learner, guide) if person.waitlisted)
    return Why(
        guide.name,
        learner.name,
        tuple(sorted(guide.teaches & learner.learns)),
        bool(guide.department and learner.department and guide.department != learner.department),
        minutes_apart(guide.utc_offset_minutes, learner.utc_offset_minutes)
        if tz_mode == "prefer_close"
        else None,
        waited,
        repeat,
        repeat_unavoidable,
    )


# --- unmatched ------------------------------------------------------------------------------


def _blocked_code(graph: Graph, cells: list[tuple[int, int]]) -> str | None:
    """If every possible partner (``Graph.partner_cells``) is blocked by a hard rule: which
    rule ("reporting_line", "excluded", or "blocked" for a mix of both)."""
    if not cells:
        return None
    if all(c in graph.reporting for c in cells):
        return "reporting_line"
    if all(c in graph.excluded for c in cells):
        return "excluded"
    return "blocked"


def unmatched_reasons(
    graph: Graph,
    people: Iterable[Participant],
    matched: set[str],
    learner_demand: int,
    guide_places: int,
) -> list[Unmatched]:
    """A specific reason for every participant of ``people`` not in ``matched``.

    ``learner_demand`` is how many learner candidates had a valid partner, ``guide_places``
    how many guide places those could fill; they tell "more learners than places" apart.
    """
    row_of, col_of = graph.row_of(), graph.col_of()
    demand = (learner_demand, guide_places)
    left = [p for p in sorted(people, key=lambda q: q.id) if p.id not in matched]
    # a column is strided in memory: the unmatched guides' columns are read in one pass
    cols = np.array([col_of[p.id] for p in left if p.id in col_of], dtype=np.intp)
    codes = graph.codes[:, cols]
    sharing = np.count_nonzero((codes > 0) & code_shared(codes), axis=0)
    col_sharing = dict(zip(cols.tolist(), sharing.tolist(), strict=True))
    out: list[Unmatched] = []
    for p in left:
        why = _reason(graph, p, (row_of.get(p.id), col_of.get(p.id)), demand, col_sharing)
        out.append(Unmatched(p.id, why.code, why))
    return out


def _reason(
    graph: Graph,
    p: Participant,
    cell: tuple[int | None, int | None],
    demand: tuple[int, int],
    col_sharing: dict[int, int],
) -> Reason:
    """The reason for one unmatched person (row ``r`` as a learner, column ``c`` as a guide);
    ``demand`` is (learner demand, guide places); ``col_sharing`` the valid learners sharing
    a tool per column."""
    (r, c), (learner_demand, guide_places) = cell, demand
    if r is None and c is None:
        return Reason("no_tools", p.name, p.role)
    learns = tuple(sorted(p.learns)) if r is not None else ()
    teaches = tuple(sorted(p.teaches)) if c is not None else ()
    n_guides = int(graph.row_degree[r]) if r is not None else 0
    n_learners = int(graph.col_degree[c]) if c is not None else 0
    if n_guides + n_learners == 0:
        code = _blocked_code(graph, graph.partner_cells(r, c)) or "no_overlap"
        return Reason(code, p.name, p.role, 0, learns, teaches)
    if n_guides:
        assert r is not None
        # without a required shared tool, the valid guides need not teach what p wants
        codes = graph.codes[r]
        sharing = int(np.count_nonzero((codes > 0) & code_shared(codes)))
        if learner_demand > guide_places:
            return Reason("oversubscribed", p.name, p.role, sharing, learns)
        return Reason("at_capacity", p.name, p.role, n_guides)
    assert c is not None
    sharing = col_sharing[c]
    code = "undersubscribed" if guide_places > learner_demand else "learners_taken"
    return Reason(code, p.name, p.role, sharing, (), teaches)
