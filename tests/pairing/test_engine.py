"""The engine by example: hard rules, capacity, both-ways, repeats, waitlist, texts, reasons."""

from __future__ import annotations

import pytest

from bot.explain import pair_explanation, unmatched_reason
from bot.pairing import (
    Exclusion,
    MatchConfig,
    MatchRequest,
    MatchResult,
    Pair,
    Participant,
    PastPair,
    Unmatched,
    greedy_match,
    match,
    violations,
)


def P(  # noqa: N802 - a short constructor keeps the examples readable
    pid: str,
    role: str,
    teaches: str = "",
    learns: str = "",
    cap: int = 1,
    dept: str = "",
    tz: int = 0,
    waitlisted: bool = False,
    name: str | None = None,
) -> Participant:
    return Participant(
        id=pid,
        name=name or pid,
        role=role,  # type: ignore[arg-type]
        capacity=cap,
        teaches=frozenset(teaches.split(",")) if teaches else frozenset(),
        learns=frozenset(learns.split(",")) if learns else frozenset(),
        department=dept,
        utc_offset_minutes=tz,
        waitlisted=waitlisted,
    )


def pairs_of(result: MatchResult) -> set[tuple[str, str]]:
    return {(p.guide_id, p.learner_id) for p in result.pairs}


def reasons(result: MatchResult) -> dict[str, str]:
    return {u.person_id: u.code for u in result.unmatched}


def explanation(pair: Pair) -> str:
    """The pair's explanation as HR reads it (in English here)."""
    return pair_explanation(pair.why)


def reason(unmatched: Unmatched) -> str:
    """Why someone has no partner, written to them."""
    return unmatched_reason(unmatched.why, hr=False)


def hr_reason(unmatched: Unmatched) -> str:
    """The same, written to HR about them."""
    return unmatched_reason(unmatched.why, hr=True)


def run(req: MatchRequest, seed: int = 0) -> MatchResult:
    result = match(req, seed)
    assert violations(req, result.pairs) == []
    return result


def test_pairs_on_tool_overlap() -> None:
    req = MatchRequest((P("g", "guide", "ChatGPT"), P("l", "learner", learns="ChatGPT")))
    result = run(req)
    assert pairs_of(result) == {("g", "l")}
    assert result.unmatched == ()
    assert result.proven_optimal


def test_zero_overlap_pair_is_made_when_nothing_better_exists() -> None:
    people = (P("g", "guide", "Excel", name="Ana"), P("l", "learner", learns="ChatGPT"))
    (pair,) = run(MatchRequest(people)).pairs
    assert (pair.guide_id, pair.learner_id, pair.shared_tools) == ("g", "l", ())
    assert explanation(pair) == (
        "no shared tool yet — start from what Ana uses every day; the mirror prompts need none; "
        "same time zone"
    )


def test_required_shared_tool_makes_zero_overlap_a_hard_rule() -> None:
    people = (P("g", "guide", "Excel"), P("l", "learner", learns="ChatGPT"))
    result = run(MatchRequest(people, require_shared_tool=True))
    assert result.pairs == ()
    assert reasons(result) == {"g": "no_overlap", "l": "no_overlap"}
    text = {u.person_id: reason(u) for u in result.unmatched}
    assert text["l"] == "no guide this round teaches what you want to learn (ChatGPT)"


def twelve_person_round(require_shared_tool: bool) -> MatchRequest:
    """The issue's round: the hard rules allow 6 pairs, but only 4 share a tool."""
    people = (
        *(P(f"g{i}", "guide", "Excel") for i in range(1, 5)),
        P("g5", "guide", "Figma", name="Ana"),
        P("g6", "guide", "Figma,Canva", name="Bo"),
        *(P(f"l{i}", "learner", learns="Excel") for i in range(1, 5)),
        P("l5", "learner", learns="TikTok"),
        P("l6", "learner", learns="TikTok,Notion"),
    )
    return MatchRequest(
        people,
        managers={"g5": "l5", "g1": "l2"},  # l5 manages g5, l2 manages g1
        history=(PastPair("g2", "l1", 1),),
        exclusions=(Exclusion("l6", "g1"),),
        require_shared_tool=require_shared_tool,
    )


def test_twelve_person_round_makes_every_pair_the_rules_allow() -> None:
    result = run(twelve_person_round(require_shared_tool=False))
    assert len(result.pairs) == 6 and result.unmatched == () and result.proven_optimal
    assert result.repeats == 0
    without = {(p.guide_id, p.learner_id) for p in result.pairs if not p.shared_tools}
    # the Excel learners keep their Excel guides; only the TikTok learners pair without a tool
    assert without == {("g5", "l6"), ("g6", "l5")}
    texts = {p.learner_id: explanation(p) for p in result.pairs}
    assert texts["l5"].startswith("no shared tool yet — start from what Bo uses every day")
    # today's behaviour on request: 4 pairs, 4 people waiting
    strict = run(twelve_person_round(require_shared_tool=True))
    assert len(strict.pairs) == 4 and len(strict.unmatched) == 4
    assert reasons(strict) == dict.fromkeys(("g5", "g6", "l5", "l6"), "no_overlap")


def test_shared_tool_beats_the_waitlist_bonus_for_the_same_number_of_pairs() -> None:
    # one place: "waited" would score more (waitlist points) but shares nothing with g
    people = (
        P("g", "guide", "Excel"),
        P("fresh", "learner", learns="Excel"),
        P("waited", "learner", learns="Word", waitlisted=True),
    )
    result = run(MatchRequest(people))
    assert pairs_of(result) == {("g", "fresh")}
    (left,) = result.unmatched
    assert reason(left) == (
        "more learners than guide places this round, and no guide teaches what you want to learn "
        "(Word)"
    )


def test_a_pair_without_a_shared_tool_comes_before_a_repeat() -> None:
    people = (P("g", "guide", "Excel"), P("a", "learner", learns="Excel"), P("h", "guide", "Word"))
    result = run(MatchRequest(people, history=(PastPair("g", "a", 1),)))
    assert pairs_of(result) == {("h", "a")} and result.repeats == 0


def test_reporting_line_in_either_direction_through_non_participants() -> None:
    # learner "boss" is two levels above guide "g" via non-participant "mid"
    people = (P("g", "guide", "Slack"), P("boss", "learner", learns="Slack"))
    result = run(MatchRequest(people, managers={"g": "mid", "mid": "boss"}))
    assert result.pairs == ()
    assert reasons(result) == {"boss": "reporting_line", "g": "reporting_line"}
    # and the other direction: the guide manages the learner
    result = run(MatchRequest(people, managers={"boss": "mid", "mid": "g"}))
    assert result.pairs == ()


def test_manager_cycle_in_data_does_not_hang() -> None:
    people = (P("g", "guide", "Slack"), P("l", "learner", learns="Slack"))
    result = run(MatchRequest(people, managers={"x": "y", "y": "x", "l": "x"}))
    assert pairs_of(result) == {("g", "l")}


def test_personal_exclusion() -> None:
    people = (P("g", "guide", "Slack"), P("l", "learner", learns="Slack"))
    result = run(MatchRequest(people, exclusions=(Exclusion("l", "g"),)))
    assert result.pairs == ()
    assert reasons(result)["l"] == "excluded"


def test_capacity_is_respected_and_used() -> None:
    people = (
        P("g", "guide", "Excel", cap=2),
        P("l1", "learner", learns="Excel"),
        P("l2", "learner", learns="Excel"),
        P("l3", "learner", learns="Excel"),
    )
    result = run(MatchRequest(people))
    assert len(result.pairs) == 2
    (left,) = result.unmatched
    assert left.code == "oversubscribed"
    assert reason(left) == (
        "more learners than guide places this round: the one guide who teaches what you want "
        "is taken"
    )
    assert hr_reason(left) == reason(left).replace("what you want", f"what {left.person_id} wants")


def test_optimal_not_greedy() -> None:
    # a greedy learner "a" would take g1 (higher score: 2 tools); optimum gives a->g2, b->g1
    people = (
        P("g1", "guide", "Excel,Word"),
        P("g2", "guide", "Excel"),
        P("a", "learner", learns="Excel,Word"),
        P("b", "learner", learns="Word"),
    )
    result = run(MatchRequest(people))
    assert pairs_of(result) == {("g2", "a"), ("g1", "b")}


def test_both_ways_person_takes_one_side_only() -> None:
    # x can learn Excel from g and teach Slack to l; only one of the two may happen
    people = (
        P("g", "guide", "Excel"),
        P("x", "both", teaches="Slack", learns="Excel"),
        P("l", "learner", learns="Slack"),
    )
    result = run(MatchRequest(people))
    assert len(result.pairs) == 1
    assert result.proven_optimal


def test_both_ways_odd_cycle_is_solved_exactly() -> None:
    # three both-ways people who can each teach the next: the relaxation "matches" all three
    people = (
        P("a", "both", teaches="T1", learns="T3"),
        P("b", "both", teaches="T2", learns="T1"),
        P("c", "both", teaches="T3", learns="T2"),
    )
    result = run(MatchRequest(people))
    assert len(result.pairs) == 1
    assert result.proven_optimal


def test_both_ways_guide_with_capacity_takes_several_learners() -> None:
    people = (
        P("x", "both", teaches="Slack", learns="Excel", cap=2),
        P("l1", "learner", learns="Slack"),
        P("l2", "learner", learns="Slack"),
        P("g", "guide", "Excel"),
    )
    result = run(MatchRequest(people))
    # x guiding two learners beats x learning from g
    assert pairs_of(result) == {("x", "l1"), ("x", "l2")}
    assert reasons(result) == {"g": "learners_taken"}


def test_repeats_avoided_across_three_cycles() -> None:
    guides = [P(f"g{i}", "guide", "Excel") for i in range(3)]
    learners = [P(f"l{i}", "learner", learns="Excel") for i in range(3)]
    history: list[PastPair] = []
    seen: set[frozenset[str]] = set()
    for cycle in range(1, 4):
        req = MatchRequest(tuple(guides + learners), history=tuple(history))
        result = run(req, seed=cycle)
        assert len(result.pairs) == 3
        assert result.repeats == 0
        for p in result.pairs:
            assert frozenset((p.guide_id, p.learner_id)) not in seen
            seen.add(frozenset((p.guide_id, p.learner_id)))
            history.append(PastPair(p.guide_id, p.learner_id, cycle))
    # a fourth cycle has no fresh pair left: repeats are the last resort, and reported
    result = run(MatchRequest(tuple(guides + learners), history=tuple(history)))
    assert len(result.pairs) == 3
    assert result.repeats == 3
    assert all(p.repeat for p in result.pairs)
    assert all(explanation(p).endswith("paired before — no other option") for p in result.pairs)


def test_repeat_only_when_it_buys_a_pair() -> None:
    people = (
        P("g1", "guide", "Excel"),
        P("g2", "guide", "Excel"),
        P("a", "learner", learns="Excel"),
        P("b", "learner", learns="Excel"),
    )
    # a met g1 and g2 before; b met g1: only a<-g2? no: a must repeat once, b takes g2 fresh
    history = (PastPair("g1", "a"), PastPair("g2", "a"), PastPair("g1", "b"))
    result = run(MatchRequest(people, history=history))
    assert len(result.pairs) == 2
    assert result.repeats == 1
    assert pairs_of(result) == {("g1", "a"), ("g2", "b")}


def test_waitlisted_learner_gets_the_scarce_place() -> None:
    people = (
        P("g", "guide", "Excel,Word,Slack", dept="eng"),
        P("fresh", "learner", learns="Excel,Word,Slack", dept="ops"),
        P("waited", "learner", learns="Excel", dept="eng", waitlisted=True),
    )
    for seed in range(5):
        result = run(MatchRequest(people), seed)
        assert pairs_of(result) == {("g", "waited")}
        assert "waited first in line after waiting last round" in explanation(result.pairs[0])


def test_explanation_text() -> None:
    people = (
        P("a", "guide", "ChatGPT,LinkedIn,Zoom", dept="eng", tz=60, name="Ana"),
        P("b", "learner", learns="LinkedIn,ChatGPT", dept="finance", tz=180, name="Ben"),
    )
    (pair,) = run(MatchRequest(people)).pairs
    assert explanation(pair) == (
        "Ana can teach ChatGPT and LinkedIn, which Ben wants to learn; "
        "different departments; 2h apart"
    )
    assert pair.shared_tools == ("ChatGPT", "LinkedIn")
    # 10 per shared tool + 5 different departments + (8 - 2) working-hour overlap
    assert pair.score == 20 + 5 + 6
    ignore = match(MatchRequest(people), 0, MatchConfig(tz_mode="ignore")).pairs[0]
    assert explanation(ignore).endswith("different departments")
    assert ignore.score == 25


def test_time_zone_preference_picks_the_closer_guide() -> None:
    people = (
        P("near", "guide", "Excel", tz=60),
        P("far", "guide", "Excel", tz=-480),
        P("l", "learner", learns="Excel", tz=120),
    )
    assert pairs_of(run(MatchRequest(people))) == {("near", "l")}


def test_unmatched_reasons_are_specific() -> None:
    people = (
        P("g", "guide", "Excel", cap=1),
        P("l1", "learner", learns="Excel"),
        P("l2", "learner", learns="Excel"),
        P("lonely", "learner", learns="Cobol"),
        P("boss", "learner", learns="Slack"),
        P("g2", "guide", "Slack"),
        P("idle", "guide"),
    )
    result = run(MatchRequest(people, managers={"g2": "boss"}, require_shared_tool=True))
    codes = reasons(result)
    assert codes["lonely"] == "no_overlap"
    assert codes["boss"] == "reporting_line"
    assert codes["g2"] == "reporting_line"
    assert codes["idle"] == "no_tools"
    assert sorted(c for p, c in codes.items() if p in ("l1", "l2")) == ["oversubscribed"]
    texts = {u.person_id: reason(u) for u in result.unmatched}
    assert texts["boss"] == "every possible partner is in your reporting line"
    assert texts["idle"] == "you haven't listed any tools to teach yet"
    # The same reasons, written to HR about the person.
    for_hr = {u.person_id: hr_reason(u) for u in result.unmatched}
    assert for_hr["boss"] == "every possible partner is in boss's reporting line"
    assert for_hr["idle"] == "idle hasn't listed any tools to teach yet"
    # without the rule, the two guides' places are the limit
    soft = run(MatchRequest(people, managers={"g2": "boss"}))
    assert len(soft.pairs) == 2
    assert set(reasons(soft).values()) == {"oversubscribed", "no_tools"}


def test_determinism_and_input_order_independence() -> None:
    people = [P(f"g{i}", "guide", "Excel,Word", cap=2) for i in range(4)]
    people += [P(f"l{i}", "learner", learns="Excel") for i in range(9)]
    a = match(MatchRequest(tuple(people)), 7)
    b = match(MatchRequest(tuple(reversed(people))), 7)
    assert a == b
    c = match(MatchRequest(tuple(people)), 8)
    assert (len(c.pairs), c.total_score) == (len(a.pairs), a.total_score)


def test_random_instance_is_accepted_as_rng() -> None:
    import random

    people = (P("g", "guide", "Excel"), P("l", "learner", learns="Excel"))
    assert match(MatchRequest(people), random.Random(3)) == match(MatchRequest(people), 3)


def test_greedy_baseline_is_valid_but_can_be_worse() -> None:
    people = (
        P("g1", "guide", "Excel,Word"),
        P("g2", "guide", "Excel"),
        P("a", "learner", learns="Excel,Word"),
        P("b", "learner", learns="Word"),
    )
    req = MatchRequest(people)
    greedy = greedy_match(req, 0)
    assert violations(req, greedy.pairs) == []
    assert len(greedy.pairs) <= len(match(req, 0).pairs)


@pytest.mark.parametrize(
    "people",
    [
        (P("l", "learner", learns="Excel"), P("g", "guide")),  # nobody can guide
        (P("g", "guide", "Excel"), P("l", "learner")),  # nobody can learn
        (P("l", "learner", learns="Excel"),),
        (P("g", "guide", "Excel", cap=3),),
        (P("x", "both", teaches="Excel", learns="Excel"),),  # only themselves
    ],
)
def test_one_sided_rounds_make_no_pairs(people: tuple[Participant, ...]) -> None:
    req = MatchRequest(people)
    for fn in (match, greedy_match):
        result = fn(req, 0)
        assert result.pairs == ()
        assert {u.person_id for u in result.unmatched} == {p.id for p in people}
    assert match(req, 0).proven_optimal


def test_empty_round() -> None:
    result = match(MatchRequest(()), 0)
    assert result.pairs == () and result.unmatched == ()
    assert greedy_match(MatchRequest(()), 0).pairs == ()


@pytest.mark.parametrize("cap", [0, 4])
def test_capacity_is_validated(cap: int) -> None:
    with pytest.raises(ValueError):
        P("g", "guide", "Excel", cap=cap)


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError):
        MatchRequest((P("g", "guide", "Excel"), P("g", "learner", learns="Excel")))
