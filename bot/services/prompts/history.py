"""Reading the prompt history of the pairs due this week, as the tick needs it: what each pair
had (to choose the next prompt) and the tools its sessions covered.

Reading ~110,000 rows a week (11 per pair) and making each a Python row was most of the tick;
instead the database aggregates each pair's history into one string with an index-only scan of
`ix_weekly_prompts_history`, and `PairHistory` splits it when that pair's prompt is chosen (so
the tuples live for one pair, not for the batch, and never reach the garbage collector's older
generations). The string format stays inside this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db import chunks
from bot.services.prompts.chooser import PastPrompt
from models import PairSession, SessionReport, WeeklyPrompt

# Pair IDs per covered-tools lookup. With many more, PostgreSQL hashes the whole session_reports
# table (a parallel seq scan of a year of reports, ~130 ms per lookup) instead of probing its index.
HISTORY_CHUNK = 250
# Separators of the fields and records of a pair's aggregated history (control characters, never
# in a week, a number or a direction; a tool name containing one is read row by row instead).
_FIELD, _RECORD = "\x1f", "\x1e"


@dataclass(frozen=True)
class PairHistory:
    """The prompts one pair had: aggregated by the database, or read row by row."""

    aggregated: str = ""
    rows: tuple[PastPrompt, ...] = ()

    def prompts(self) -> list[PastPrompt]:
        if not self.aggregated:
            return list(self.rows)
        # One split for every field, columns by stride, tuples made in C (the tick reads ~110,000
        # records a week; a split and a constructor call per record was a tenth of it).
        fields = self.aggregated.replace(_RECORD, _FIELD).split(_FIELD)
        if len(fields) != 4 * (self.aggregated.count(_RECORD) + 1):  # a tool name with a _FIELD
            return [_past(*record.split(_FIELD, 3)) for record in self.aggregated.split(_RECORD)]
        tools = [tool or None for tool in fields[3::4]]
        rows = zip(fields[0::4], map(int, fields[1::4]), fields[2::4], tools, strict=True)
        return list(map(tuple.__new__, repeat(PastPrompt), rows))

    def teaches_next(self, tools: Sequence[str]) -> bool:
        """Whether `choose_prompt` starts from "teach" (the only direction that reads coverage)."""
        if not any(tools):
            return False
        if self.aggregated:
            # Records start with their week and `_FIELD` sorts before any character of a week,
            # so the greatest record is the latest week's.
            return max(self.aggregated.split(_RECORD)).split(_FIELD, 3)[2] != "teach"
        return not self.rows or max(self.rows, key=lambda p: p.iso_week).direction != "teach"


def _past(week: str, prompt_id: str, direction: str, tool: str) -> PastPrompt:
    return PastPrompt(week, int(prompt_id), direction, tool or None)


def _aggregated(pair_ids: Sequence[int]) -> Select[int, str, int]:
    """One row per pair: its past prompts as one string, and how many there are."""
    record = (
        WeeklyPrompt.iso_week
        + _FIELD
        + cast(WeeklyPrompt.prompt_id, String)
        + _FIELD
        + func.coalesce(WeeklyPrompt.direction, "")
        + _FIELD
        + func.coalesce(WeeklyPrompt.tool_name, "")
    )
    return (
        select(WeeklyPrompt.pair_id, func.aggregate_strings(record, _RECORD), func.count())
        .where(WeeklyPrompt.pair_id.in_(pair_ids), WeeklyPrompt.prompt_id.is_not(None))
        .group_by(WeeklyPrompt.pair_id)
    )


async def read_histories(
    connection: AsyncConnection, pair_ids: Sequence[int]
) -> dict[int, PairHistory]:
    """The prompt history of each pair (pairs without one are left out)."""
    history: dict[int, PairHistory] = {}
    odd: list[int] = []
    for pair_id, aggregated, count in await connection.execute(_aggregated(pair_ids)):
        if aggregated.count(_RECORD) + 1 == count:
            history[pair_id] = PairHistory(aggregated=aggregated)
        else:  # a tool name with a record separator in it: read that pair's rows one by one
            odd.append(pair_id)
    for part in chunks(odd, HISTORY_CHUNK):
        rows = await connection.execute(
            select(
                WeeklyPrompt.pair_id,
                WeeklyPrompt.iso_week,
                WeeklyPrompt.prompt_id,
                WeeklyPrompt.direction,
                WeeklyPrompt.tool_name,
            ).where(WeeklyPrompt.pair_id.in_(part), WeeklyPrompt.prompt_id.is_not(None))
        )
        read: dict[int, list[PastPrompt]] = defaultdict(list)
        for pair_id, week, prompt_id, direction, tool in rows:
            read[pair_id].append(PastPrompt(week, int(prompt_id or 0), direction or "", tool))
        history.update((pair_id, PairHistory(rows=tuple(past))) for pair_id, past in read.items())
    return history


async def read_covered_tools(
    connection: AsyncConnection, pair_ids: Sequence[int]
) -> dict[int, set[str]]:
    """The tools (casefolded) each pair's reported sessions covered."""
    covered: dict[int, set[str]] = defaultdict(set)
    for part in chunks(pair_ids, HISTORY_CHUNK):
        tools = await connection.execute(
            select(PairSession.pair_id, SessionReport.tool_name)
            .join(SessionReport, SessionReport.session_id == PairSession.id)
            .where(PairSession.pair_id.in_(part), SessionReport.tool_name.is_not(None))
            .distinct()
        )
        for pair_id, tool in tools.all():
            covered[pair_id].add(str(tool).casefold())
    return covered
