"""The engine by example: hard rules, capacity, both-ways, repeats, waitlist, texts, reasons."""

from __future__ import annotations

import pytest

from bot.pairing import (
    Exclusion,
    MatchConfig,
    MatchRequest,
    MatchResult,
    Participant,
    PastPair,
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


def test_zero_overlap_is_never_a_pair() -> None:
    req = MatchRequest((P("g", "guide", "Excel"), P("l", "learner", learns="ChatGPT")))
    result = run(req)
    assert result.pairs == ()
    assert reasons(result) == {"g": "no_overlap", "l": "no_overlap"}
    text = {u.person_id: u.reason for u in result.unmatched}
    assert text["l"] == "no guide this round teaches what you want to learn (ChatGPT)"


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
    assert left.reason == (
        "more learners than guide places this round: the one guide who teaches what you want "
        "is taken"
    )
    assert left.hr_reason == left.reason.replace("what you want", f"what {left.person_id} wants")


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
    assert all(p.explanation.endswith("paired before — no other option") for p in result.pairs)


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
        assert "waited first in line after waiting last round" in result.pairs[0].explanation


def test_explanation_text() -> None:
    people = (
        P("a", "guide", "ChatGPT,LinkedIn,Zoom", dept="eng", tz=60, name="Ana"),
        P("b", "learner", learns="LinkedIn,ChatGPT", dept="finance", tz=180, name="Ben"),
    )
    (pair,) = run(MatchRequest(people)).pairs
    assert pair.explanation == (
        "Ana can teach ChatGPT and LinkedIn, which Ben wants to learn; "
        "different departments; 2h apart"
    )
    assert pair.shared_tools == ("ChatGPT", "LinkedIn")
    # 10 per shared tool + 5 different departments + (8 - 2) working-hour overlap
    assert pair.score == 20 + 5 + 6
    ignore = match(MatchRequest(people), 0, MatchConfig(tz_mode="ignore")).pairs[0]
    assert ignore.explanation.endswith("different departments")
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
    result = run(MatchRequest(people, managers={"g2": "boss"}))
    codes = reasons(result)
    assert codes["lonely"] == "no_overlap"
    assert codes["boss"] == "reporting_line"
    assert codes["g2"] == "reporting_line"
    assert codes["idle"] == "no_tools"
    assert sorted(c for p, c in codes.items() if p in ("l1", "l2")) == ["oversubscribed"]
    texts = {u.person_id: u.reason for u in result.unmatched}
    assert texts["boss"] == "every possible partner is in your reporting line"
    assert texts["idle"] == "you haven't listed any tools to teach yet"
    # The same reasons, written to HR about the person.
    for_hr = {u.person_id: u.hr_reason for u in result.unmatched}
    assert for_hr["boss"] == "every possible partner is in boss's reporting line"
    assert for_hr["idle"] == "idle hasn't listed any tools to teach yet"


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
