"""Benchmark of HR's program report (a script, not a test: it prints figures, never asserts).

    python benchmarks/report.py                          # SQLite (a temporary file)
    python benchmarks/report.py --db postgresql          # a throwaway PostgreSQL database
    python benchmarks/report.py --pairs 1000              # a smaller program
    python benchmarks/report.py --reuse                  # keep/copy a populated template

Data: the weekly benchmark's year (benchmarks/weekly.py: 20,000 participants, four 12-week
cycles of 10,000 pairs, ~290,000 sessions with ~580,000 reports) plus what people learned:
every report's direction (tool, mirror or both), the learner's confidence in every report that
names a tool, a baseline per learner and pair tool, a teach-back for half the pairs, follow-ups
for those of ended cycles, the fit question to both people of every pair (90 % answered), and
the mid- and end-of-cycle surveys (80 % / 70 % answered) with their confidence question.

Measured, in a fresh child process (as `/rotnem admin report` does it): the figures
(`read_report`), then the Slack message and the seven charts (`render_charts`, PNG bytes);
first the cold run (the process's first report: matplotlib's import and fonts), then the median
of warm runs, and the process's peak RSS (VmHWM). `rotnem export outcomes`' rows are timed too
(not part of the target). Targets: figures and charts in ≤ 1 s, ≤ 200 MB peak.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, text  # noqa: E402

from benchmarks import weekly  # noqa: E402
from bot import migrate  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.deps import build_deps  # noqa: E402
from bot.services.report.learning import refresh_latest_confidence  # noqa: E402
from models import FitCheck, FollowUp, Pair, Survey, SurveyConfidence, TeachBack, ToolBaseline  # noqa: E402

# 3: migration 0009 edited in place (the report's indexes): a template at 0009 would miss them.
# 4: session reports carry their ISO week (migration 0009 again).
# 5: baselines keep their latest rating.
DATA_VERSION = 5
WARM_RUNS = 5
Rows = list[dict[str, Any]]


async def add_learning(deps: Any, rnd: random.Random) -> dict[str, int]:
    """What people learned, on top of the weekly benchmark's year."""
    team, now = weekly.TEAM, weekly.TICK_AT
    async with deps.sessionmaker.begin() as session:
        await session.execute(
            text(
                "UPDATE session_reports SET "
                "direction = CASE WHEN id % 5 = 0 THEN 'both' "
                "WHEN tool_name IS NULL THEN 'mirror' ELSE 'tool' END, "
                "confidence = CASE WHEN reporter_role = 'learner' AND tool_name IS NOT NULL "
                "THEN 1 + id % 5 END"
            )
        )
        pairs = (
            await session.execute(
                select(
                    Pair.id, Pair.guide_id, Pair.learner_id, Pair.shared_tools, Pair.started_at
                ).order_by(Pair.id)
            )
        ).all()
        ended = {
            pid
            for (pid,) in (
                await session.execute(select(Pair.id).where(Pair.ended_at.is_not(None)))
            ).all()
        }
        baselines: Rows = []
        backs: Rows = []
        follow_ups: Rows = []
        fits: Rows = []
        surveys: Rows = []
        rated: set[tuple[int, str]] = set()
        survey_id = 0
        confidences: Rows = []
        for pair_id, guide, learner, tools, started in pairs:
            for tool in tools:
                if (learner, tool) not in rated:
                    rated.add((learner, tool))
                    baselines.append(
                        {
                            "team_id": team,
                            "participant_id": learner,
                            "direction": "learn",
                            "tool_name": tool,
                            "rating": rnd.randint(1, 3),
                            "rated_at": started - timedelta(days=1),
                        }
                    )
            if pair_id % 2 == 0:
                confirmed = started + timedelta(weeks=6)
                backs.append(
                    {
                        "team_id": team,
                        "pair_id": pair_id,
                        "learner_id": learner,
                        "tool_name": tools[0],
                        "confirmed_by": f"U{guide - 1:08d}",
                        "confirmed_at": confirmed,
                    }
                )
                if pair_id in ended:
                    due = started + timedelta(weeks=weekly.WEEKS, days=30)
                    answered = due < now and rnd.random() < 0.7
                    follow_ups.append(
                        {
                            "team_id": team,
                            "pair_id": pair_id,
                            "participant_id": learner,
                            "tool_name": tools[0],
                            "due_at": due,
                            "asked_at": due if due < now else None,
                            "answer": rnd.choice(("yes", "sometimes", "no")) if answered else None,
                            "answered_at": due + timedelta(days=2) if answered else None,
                        }
                    )
            for who in (guide, learner):
                answer = rnd.random()
                fits.append(
                    {
                        "team_id": team,
                        "pair_id": pair_id,
                        "participant_id": who,
                        "asked_at": started + timedelta(weeks=1),
                        "answer": None
                        if answer > 0.9
                        else "good"
                        if answer < 0.75
                        else "deciding"
                        if answer < 0.86
                        else "bad",
                        "answered_at": started + timedelta(weeks=1, hours=3),
                    }
                )
                stages = [("mid", 6, 0.8)] + (
                    [("end", weekly.WEEKS, 0.7)] if pair_id in ended else []
                )
                for stage, week, share in stages:
                    survey_id += 1
                    asked = started + timedelta(weeks=week)
                    answered = rnd.random() < share
                    surveys.append(
                        {
                            "id": survey_id,
                            "team_id": team,
                            "pair_id": pair_id,
                            "participant_id": who,
                            "stage": stage,
                            "asked_at": asked,
                            "answered_at": asked + timedelta(days=1) if answered else None,
                            "usefulness": rnd.randint(2, 5) if answered else None,
                            "recommend": rnd.random() < 0.85 if answered else None,
                            "continue_pair": rnd.random() < 0.6
                            if answered and stage == "end"
                            else None,
                        }
                    )
                    if answered and who == learner:
                        confidences.append(
                            {
                                "survey_id": survey_id,
                                "tool_name": tools[0],
                                "rating": rnd.randint(2, 5),
                            }
                        )
        await weekly.bulk(session, ToolBaseline, baselines)
        await weekly.bulk(session, TeachBack, backs)
        await weekly.bulk(session, FollowUp, follow_ups)
        await weekly.bulk(session, FitCheck, fits)
        await weekly.bulk(session, Survey, surveys)
        await weekly.bulk(session, SurveyConfidence, confidences)
        # Written in bulk, not through "We met" and the surveys: the baselines' latest, as those
        # would have kept it.
        await refresh_latest_confidence(session, team)
    return {
        "baselines": len(baselines),
        "teach_backs": len(backs),
        "follow_ups": len(follow_ups),
        "fit_checks": len(fits),
        "surveys": len(surveys),
        "survey_confidences": len(confidences),
    }


async def prepare(url: str, n_pairs: int) -> None:
    settings = weekly.settings_for(url)
    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    deps = build_deps(settings, clock=ManualClock(weekly.CYCLE_START))
    started = time.perf_counter()
    counts = await weekly.populate(deps, n_pairs, random.Random(2026))
    counts |= await add_learning(deps, random.Random(12))
    print(f"populated in {time.perf_counter() - started:.1f} s: {counts}", flush=True)
    await deps.engine.dispose()
    await weekly._analyze(url)


async def run(url: str, n_pairs: int) -> None:
    # Imported here, as the handler does: the parent process never loads matplotlib.
    from bot.blocks.report import report_message, report_sections
    from bot.report.charts import render_charts
    from bot.services.report import read_report
    from bot.services.report.outcomes import outcome_rows

    settings = weekly.settings_for(url)
    deps = build_deps(settings, clock=ManualClock(weekly.TICK_AT))
    print(f"peak RSS before the report {weekly.peak_rss_mb():.0f} MB")
    runs: list[tuple[float, float, float]] = []
    report: Any = None
    charts: Any = None
    for attempt in range(1 + WARM_RUNS):
        started, cpu = time.perf_counter(), time.process_time()
        async with deps.sessionmaker() as session:
            config = await deps.program_config(session, weekly.TEAM)
            report = await read_report(session, weekly.TEAM, config, now=deps.clock.now())
        figures = time.perf_counter()
        sections = report_sections(report, brief=True)
        report_message(report, sections)
        charts = await asyncio.to_thread(render_charts, report, sections)
        done = time.perf_counter()
        runs.append((figures - started, done - figures, time.process_time() - cpu))
        label = "cold (first report: imports matplotlib)" if attempt == 0 else f"warm {attempt}"
        print(
            f"{label:<42} figures {1000 * (figures - started):6.0f} ms, charts "
            f"{1000 * (done - figures):5.0f} ms, total {1000 * (done - started):6.0f} ms; "
            f"cpu {1000 * runs[-1][2]:.0f} ms"
        )
    warm = runs[1:]
    print(
        f"{'median of the warm runs':<42} figures "
        f"{1000 * statistics.median(r[0] for r in warm):6.0f} ms, charts "
        f"{1000 * statistics.median(r[1] for r in warm):5.0f} ms, total "
        f"{1000 * statistics.median(r[0] + r[1] for r in warm):6.0f} ms"
    )
    print(f"peak RSS after the reports {weekly.peak_rss_mb():.0f} MB")
    learning = report.learning
    print(
        f"  -> {report.figures.participants.total} participants, "
        f"{report.figures.meetings.sessions} sessions over {len(report.figures.meetings.weeks)} "
        f"weeks, {learning.confidence.learners} learners rated, {learning.learned.learned} tools "
        f"learned, {learning.fit.answered} fit answers, {len(charts)} charts "
        f"({sum(len(c.png) for c in charts) // 1024} KB)"
    )
    started = time.perf_counter()
    async with deps.sessionmaker() as session:
        rows = await outcome_rows(session, weekly.TEAM)
    took = 1000 * (time.perf_counter() - started)
    print(
        f"{'rotnem export outcomes (rows, not written)':<42} {took:.0f} ms for {len(rows)} rows; "
        f"peak RSS {weekly.peak_rss_mb():.0f} MB"
    )
    await deps.engine.dispose()


REPORT = weekly.Bench("report", __file__, prepare, run, DATA_VERSION)

if __name__ == "__main__":
    weekly.main(REPORT, __doc__ or "")
