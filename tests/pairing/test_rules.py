"""Hard rules: reporting-line closure, exclusions, history, and the result checker."""

from __future__ import annotations

from dataclasses import replace

from bot.pairing import (
    Exclusion,
    Managers,
    MatchRequest,
    Pair,
    Participant,
    PastPair,
    Why,
    manager_chain,
    violations,
)
from bot.pairing.rules import Rules, reporting_pairs


def guide(pid: str, teaches: str = "Excel", cap: int = 1) -> Participant:
    return Participant(pid, pid, "guide", cap, teaches=frozenset({teaches}))


def learner(pid: str, learns: str = "Excel") -> Participant:
    return Participant(pid, pid, "learner", learns=frozenset({learns}))


def pair(g: str, learner_id: str) -> Pair:
    return Pair(g, learner_id, 0, ("Excel",), False, Why(g, learner_id, ("Excel",)))


def test_manager_chain_follows_non_participants_and_stops_at_the_top() -> None:
    managers = {"a": "b", "b": "c", "c": "d"}
    assert manager_chain("a", managers) == ("b", "c", "d")
    assert manager_chain("d", managers) == ()


def test_manager_chain_cuts_cycles_in_bad_data() -> None:
    assert manager_chain("a", {"a": "b", "b": "c", "c": "a"}) == ("b", "c")
    assert manager_chain("a", {"a": "a"}) == ()
    assert manager_chain("a", {"a": "b", "b": "b"}) == ("b",)


def test_every_manager_of_someone_with_several_counts() -> None:
    """Their profiles in two programs name two managers: both lines are followed."""
    managers: Managers = {"a": ("b", "x"), "b": "c", "x": ("c", "y")}
    assert manager_chain("a", managers) == ("b", "x", "c", "y")
    assert set(reporting_pairs(["a", "y", "other"], managers)) == {("a", "y")}
    assert manager_chain("a", {"a": ("b", "a"), "b": ("a",)}) == ("b",)


def test_reporting_pairs_reach_through_people_who_are_not_participating() -> None:
    managers = {"junior": "lead", "lead": "vp", "vp": "ceo"}
    got = set(reporting_pairs(["junior", "vp", "other"], managers))
    assert got == {("junior", "vp")}


def test_block_reasons() -> None:
    req = MatchRequest(
        (guide("g"), learner("boss"), learner("x"), learner("y", "Word")),
        managers={"g": "mid", "mid": "boss"},
        exclusions=(Exclusion("x", "g"),),
        history=(PastPair("g", "y", 1),),
    )
    rules = Rules.of(req)
    people = {p.id: p for p in req.participants}
    assert rules.block(people["g"], people["boss"]) == "reporting_line"
    assert rules.block(people["g"], people["x"]) == "excluded"
    assert rules.block(people["g"], people["y"]) is None  # no shared tool: a preference
    strict = Rules.of(replace(req, require_shared_tool=True))
    assert strict.block(people["g"], people["y"]) == "no_overlap"
    assert rules.block(people["g"], people["g"]) == "self"
    assert rules.is_repeat("y", "g")


def test_exclusion_blocks_both_directions() -> None:
    req = MatchRequest((guide("g"), learner("l")), exclusions=(Exclusion("g", "l"),))
    rules = Rules.of(req)
    assert rules.block(req.participants[0], req.participants[1]) == "excluded"


def test_violations_catches_every_breach() -> None:
    both = Participant("b", "b", "both", 1, frozenset({"Excel"}), frozenset({"Excel"}))
    req = MatchRequest(
        (guide("g"), learner("l1"), learner("l2"), learner("boss"), both), managers={"g": "boss"}
    )
    assert violations(req, [pair("g", "l1")]) == []
    assert any("over capacity" in v for v in violations(req, [pair("g", "l1"), pair("g", "l2")]))
    assert any("reporting_line" in v for v in violations(req, [pair("g", "boss")]))
    assert any("wrong side" in v for v in violations(req, [pair("l1", "l2")]))
    assert any("both sides" in v for v in violations(req, [pair("g", "b"), pair("b", "l1")]))
    assert any("learner twice" in v for v in violations(req, [pair("g", "l1"), pair("b", "l1")]))
