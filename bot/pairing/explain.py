"""Short human sentences: why a pair was made, and why someone was left without one."""

from __future__ import annotations

from collections.abc import Iterable

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
    """E.g. "Ana can teach ChatGPT and LinkedIn, which Ben wants to learn; 2h apart"; a pair
    without a shared tool starts from the guide's everyday tools."""
    shared = tools_phrase(guide.teaches & learner.learns)
    parts = [
        f"{guide.name} can teach {shared}, which {learner.name} wants to learn"
        if shared
        else f"no shared tool yet — start from what {guide.name} uses every day; "
        "the mirror prompts need none"
    ]
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


def _blocked_reason(graph: Graph, cells: list[tuple[int, int]]) -> tuple[str, str] | None:
    """If every possible partner (``Graph.partner_cells``) is blocked by a hard rule:
    (code, reason)."""
    if not cells:
        return None
    line = all(c in graph.reporting for c in cells)
    excl = all(c in graph.excluded for c in cells)
    if line:
        return "reporting_line", "every possible partner is in your reporting line"
    if excl:
        return "excluded", "every possible partner is excluded by a personal exclusion"
    return (
        "blocked",
        "every possible partner is in your reporting line or excluded by a personal exclusion",
    )


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
    out: list[Unmatched] = []
    for p in sorted(people, key=lambda q: q.id):
        if p.id in matched:
            continue
        r, c = row_of.get(p.id), col_of.get(p.id)
        if r is None and c is None:
            what = "teach" if p.role == "guide" else "learn" if p.role == "learner" else "share"
            out.append(Unmatched(p.id, "no_tools", f"you haven't listed any tools to {what} yet"))
            continue
        n_guides = int(graph.valid[r].sum()) if r is not None else 0
        n_learners = int(graph.valid[:, c].sum()) if c is not None else 0
        if n_guides + n_learners == 0:
            blocked = _blocked_reason(graph, graph.partner_cells(r, c))
            if blocked is None:
                out.append(Unmatched(p.id, "no_overlap", _no_overlap_text(p, r, c)))
            else:
                out.append(Unmatched(p.id, *blocked))
        elif n_guides:
            assert r is not None
            # without a required shared tool, the valid guides need not teach what p wants
            sharing = int((graph.valid[r] & graph.overlap[r]).sum())
            if learner_demand > guide_places:
                taken = (
                    f", and no guide teaches what you want to learn ({tools_phrase(p.learns)})"
                    if not sharing
                    else ": the one guide who teaches what you want is taken"
                    if sharing == 1
                    else f": all {sharing} guides who teach what you want are taken"
                )
                text = f"more learners than guide places this round{taken}"
                out.append(Unmatched(p.id, "oversubscribed", text))
            else:
                text = (
                    "your one compatible guide is at capacity this round"
                    if n_guides == 1
                    else f"all {n_guides} compatible guides are at capacity this round"
                )
                out.append(Unmatched(p.id, "at_capacity", text))
        else:
            assert c is not None
            sharing = int((graph.valid[:, c] & graph.overlap[:, c]).sum())
            taken = (
                f"the learners you could guide were paired with other guides, and none wants "
                f"to learn what you teach ({tools_phrase(p.teaches)})"
                if not sharing
                else "the one learner who wants what you teach was paired with another guide"
                if sharing == 1
                else f"the {sharing} learners who want what you teach were paired with other guides"
            )
            if guide_places > learner_demand:
                text = f"more guide places than learners this round: {taken}"
                out.append(Unmatched(p.id, "undersubscribed", text))
            else:
                out.append(Unmatched(p.id, "learners_taken", taken))
    return out


def _no_overlap_text(p: Participant, r: int | None, c: int | None) -> str:
    if r is not None and c is not None:
        return (
            f"nobody this round teaches what you want to learn ({tools_phrase(p.learns)}) "
            f"or wants to learn what you teach ({tools_phrase(p.teaches)})"
        )
    if r is not None:
        return f"no guide this round teaches what you want to learn ({tools_phrase(p.learns)})"
    return f"no learner this round wants to learn what you teach ({tools_phrase(p.teaches)})"
