"""Benchmark of the matching engine (a script, not a test: it prints figures, never asserts).

    python benchmarks/pairing.py                 # both sizes
    python benchmarks/pairing.py --size 10000    # or --size 1000
    python benchmarks/pairing.py --runs 3        # median of 3 fresh processes per figure
    python benchmarks/pairing.py --untaught      # every third learner wants an untaught tool
    python benchmarks/pairing.py --untaught --require-shared-tool   # ... with the strict rule

Synthetic population per size N (proportions of the 10,000 case): 40 % guides with capacity
1-3, 50 % learners, 10 % both ways; 60 tools with skewed popularity; 80 departments; manager
chains of depth 4 through non-participating managers (guide -> learner -> director -> VP ->
exec); three earlier cycles of history; some personal exclusions; 5 % waitlisted. With
``--untaught`` every third learner wants only a tool nobody teaches, so pairs without a shared
tool are needed to pair them (``--require-shared-tool`` forbids those pairs).

Beside the engine, in the same run: the floor -- scipy's dense ``linear_sum_assignment`` on the
capacity-expanded weight matrix (each guide's column repeated per place; the engine's exact
weights), which is what a plain assignment solver does in one call: it ignores the both-ways rule,
so it breaks it -- and the greedy baseline.

Each measurement runs in a fresh child process: the population is generated there first, then
the peak-RSS mark (Linux VmHWM) is reset via /proc/self/clear_refs and the engine runs alone.
"peak RSS" is the process's resident-set high-water mark during the call (population and
interpreter included); "+engine" is that minus the RSS just before the call. Wall time is
time.perf_counter() around the call only.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.pairing import (  # noqa: E402
    Exclusion,
    MatchRequest,
    MatchResult,
    Participant,
    PastPair,
    greedy_match,
    match,
    violations,
)
from bot.pairing.assign import Assigner  # noqa: E402
from bot.pairing.engine import DEFAULT_CONFIG, assemble, canonical_order  # noqa: E402
from bot.pairing.matrix import build_graph  # noqa: E402

TOOLS = [f"tool{i:02d}" for i in range(60)]
DEPTS = [f"dept{i:02d}" for i in range(80)]
OFFSETS = [-480, -420, -300, -240, 0, 0, 60, 60, 60, 120, 330, 480, 540]


def population(n: int, seed: int = 2024) -> MatchRequest:
    rnd = random.Random(seed)
    weights = [1.0 / (i + 6) for i in range(len(TOOLS))]  # a few popular tools

    def tools(lo: int, hi: int) -> frozenset[str]:
        k = rnd.randint(lo, hi)
        out: set[str] = set()
        while len(out) < k:
            out.add(rnd.choices(TOOLS, weights)[0])
        return frozenset(out)

    n_guides, n_learners = n * 4 // 10, n * 5 // 10
    n_both = n - n_guides - n_learners
    people: list[Participant] = []
    for i in range(n_guides):
        people.append(
            Participant(
                id=f"G{i:05d}",
                name=f"Guide {i}",
                role="guide",
                capacity=rnd.randint(1, 3),
                teaches=tools(3, 8),
                department=rnd.choice(DEPTS),
                utc_offset_minutes=rnd.choice(OFFSETS),
                waitlisted=rnd.random() < 0.05,
            )
        )
    for i in range(n_learners):
        people.append(
            Participant(
                id=f"L{i:05d}",
                name=f"Learner {i}",
                role="learner",
                learns=tools(2, 5),
                department=rnd.choice(DEPTS),
                utc_offset_minutes=rnd.choice(OFFSETS),
                waitlisted=rnd.random() < 0.05,
            )
        )
    for i in range(n_both):
        people.append(
            Participant(
                id=f"B{i:05d}",
                name=f"Both {i}",
                role="both",
                capacity=rnd.randint(1, 3),
                teaches=tools(2, 5),
                learns=tools(2, 4),
                department=rnd.choice(DEPTS),
                utc_offset_minutes=rnd.choice(OFFSETS),
                waitlisted=rnd.random() < 0.05,
            )
        )
    # org chart: exec <- VP <- director <- senior (learner/both) <- guide; depth 4
    execs = [f"X{i}" for i in range(max(2, n // 1000))]
    vps = [f"V{i}" for i in range(max(4, n // 100))]
    seniors = [p.id for p in people if p.role != "guide"]
    n_dir = max(8, n // 10)
    directors = [f"D{i}" for i in range(n_dir // 2)] + seniors[: n_dir // 2]
    managers: dict[str, str] = {v: rnd.choice(execs) for v in vps}
    managers.update({d: rnd.choice(vps) for d in directors})
    for s in seniors[n_dir // 2 :]:
        managers[s] = rnd.choice(directors)
    for p in people:
        if p.role == "guide":
            managers[p.id] = rnd.choice(seniors)
    # three earlier cycles: each learner with a random guide sharing one of its tools
    by_tool: dict[str, list[str]] = {t: [] for t in TOOLS}
    for p in people:
        for t in p.teaches:
            by_tool[t].append(p.id)
    history: list[PastPair] = []
    for cycle in (1, 2, 3):
        for p in people:
            if p.learns and rnd.random() < 0.8:
                options = by_tool[rnd.choice(sorted(p.learns))]
                g = rnd.choice(options) if options else p.id
                if g != p.id:
                    history.append(PastPair(g, p.id, cycle))
    ids = [p.id for p in people]
    exclusions = [Exclusion(rnd.choice(ids), rnd.choice(ids)) for _ in range(n // 50)]
    return MatchRequest(tuple(people), managers, tuple(history), tuple(exclusions))


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def variant(request: MatchRequest, untaught: bool, require: bool) -> MatchRequest:
    """The population, with every third learner wanting an untaught tool, and the setting."""
    people = tuple(
        replace(p, learns=frozenset({"untaught"}))
        if untaught and p.role == "learner" and int(p.id[1:]) % 3 == 0
        else p
        for p in request.participants
    )
    return replace(request, participants=people, require_shared_tool=require)


def dense_floor(request: MatchRequest, seed: int) -> MatchResult:
    """One dense ``linear_sum_assignment`` over every (learner, guide place) cell."""
    from scipy.optimize import linear_sum_assignment

    graph = build_graph(request, canonical_order(request, seed), DEFAULT_CONFIG.tz_mode)
    assigner = Assigner(graph)
    cost = assigner.cost
    rows, slots = linear_sum_assignment(cost)
    keep = cost[rows, slots] < 0
    cells = zip(
        assigner.row_ids[rows[keep]].tolist(),
        assigner.slot_owner[slots[keep]].tolist(),
        strict=True,
    )
    return assemble(
        request,
        graph,
        list(cells),
        DEFAULT_CONFIG,
        proven_optimal=False,
        pairs_proven=False,
        repeats_proven=False,
        shared_proven=False,
        score_gap=None,
        solves=1,
    )


CONTENDERS: dict[str, Callable[[MatchRequest, int], MatchResult]] = {
    "engine": match,
    "dense": dense_floor,
    "greedy": greedy_match,
}


def _measure(size: int, which: str, untaught: bool, require: bool, out: Any) -> None:
    request = variant(population(size), untaught, require)
    fn = CONTENDERS[which]
    with contextlib.suppress(OSError):  # reset VmHWM to the current RSS (Linux)
        Path("/proc/self/clear_refs").write_text("5")
    before = _rss_kib("VmRSS")
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn(request, 42)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = _rss_kib("VmHWM")
    bad = violations(request, result.pairs)
    out.put(
        {
            "wall": wall,
            "cpu": cpu,
            "peak_mib": peak / 1024,
            "engine_mib": (peak - before) / 1024,
            "pairs": len(result.pairs),
            "score": result.total_score,
            "repeats": result.repeats,
            "violations": len(bad),
            "unmatched": len(result.unmatched),
            "proven": result.proven_optimal,
            "pairs_proven": result.pairs_proven,
            "repeats_proven": result.repeats_proven,
            "shared_proven": result.shared_proven,
            "unshared": sum(1 for p in result.pairs if not p.shared_tools),
            "score_gap": result.score_gap,
            "solves": result.solves,
            "participants": len(request.participants),
            "history": len(request.history),
        }
    )


def run(size: int, which: str, untaught: bool, require: bool) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    q: Any = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(size, which, untaught, require, q))
    proc.start()
    res: dict[str, Any] = q.get()
    proc.join()
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, action="append", help="participants (repeatable)")
    parser.add_argument(
        "--runs", type=int, default=1, help="fresh processes per measurement; median reported"
    )
    parser.add_argument(
        "--untaught", action="store_true", help="every third learner wants an untaught tool"
    )
    parser.add_argument(
        "--require-shared-tool", action="store_true", help="a shared tool is a hard rule"
    )
    args = parser.parse_args()
    print("load average (1/5/15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    for size in args.size or [10_000, 1_000]:
        print(f"== {size} participants ==", flush=True)
        # contenders interleaved run by run, so a burst of load hits them alike
        every: dict[str, list[dict[str, Any]]] = {which: [] for which in CONTENDERS}
        for _ in range(max(1, args.runs)):
            for which, runs in every.items():
                runs.append(run(size, which, args.untaught, args.require_shared_tool))
        for which, runs in every.items():
            r = sorted(runs, key=lambda x: x["wall"])[len(runs) // 2]  # the median run
            r["peak_mib"] = statistics.median(x["peak_mib"] for x in runs)
            r["cpu"] = statistics.median(x["cpu"] for x in runs)
            gap = "-" if r["score_gap"] is None else r["score_gap"]
            print(
                f"{which:6s}  wall {r['wall']:7.3f} s  cpu {r['cpu']:6.3f} s  "
                f"peak RSS {r['peak_mib']:7.1f} MiB "
                f"(+{r['engine_mib']:.1f} during call)  pairs {r['pairs']:5d}  "
                f"score {r['score']:7d}  repeats {r['repeats']:3d}  "
                f"violations {r['violations']}  unmatched {r['unmatched']}  "
                f"without a shared tool {r['unshared']}"
            )
            if len(runs) > 1:
                walls = ", ".join(f"{x['wall']:.3f}" for x in runs)
                print(f"        median of {len(runs)} runs; walls {walls} s")
            if which == "dense":
                print("        the floor: one dense solve, the both-ways rule ignored")
            if which == "engine":
                print(
                    f"        proven optimal {r['proven']}  pairs proven {r['pairs_proven']}  "
                    f"repeats proven minimal {r['repeats_proven']}  "
                    f"shared tools proven {r['shared_proven']}  score gap <= {gap}  "
                    f"solves {r['solves']}  (history {r['history']} past pairs)"
                )


if __name__ == "__main__":
    main()
