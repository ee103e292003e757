"""A round's reasons are kept as values (stored proposals, queued notices) and written when
shown; what older versions stored, English sentences, still shows."""

from __future__ import annotations

from bot.blocks import rounds
from bot.pairing import Reason, Why
from bot.services.rounds.approve import WaitlistNotice
from bot.services.rounds.propose import Proposal, ProposalNotice, ProposedPair, Unplaced
from models import Round

WHY = Why("Ana", "Ben", ("ChatGPT", "LinkedIn"), departments_differ=True, minutes_apart=120)
REASON = Reason("oversubscribed", "Mei", "learner", 2, learns=("Excel",))


def test_a_stored_proposal_keeps_the_values_and_shows_the_sentences() -> None:
    proposal = Proposal(
        round_id=0,
        pairs=(ProposedPair("UG", "UL", ("ChatGPT", "LinkedIn"), why=WHY),),
        unmatched=(Unplaced("UM", "oversubscribed", REASON),),
    )
    stored = Proposal.of(Round(id=3, proposal=proposal.snapshot(seed=1, tz_mode="prefer_close")))
    assert stored.pairs[0].why == WHY and stored.unmatched[0].why == REASON
    pairs, unmatched = rounds.proposal_lines(stored)
    assert pairs == [
        "• <@UG> → <@UL>: Ana can teach ChatGPT and LinkedIn, which Ben wants to learn; "
        "different departments; 2h apart"
    ]
    assert unmatched == [
        "• <@UM>: more learners than guide places this round: all 2 guides who teach what Mei "
        "wants are taken"
    ]


def test_a_proposal_stored_with_sentences_still_shows_them() -> None:
    old = {
        "pairs": [{"guide": "UG", "learner": "UL", "repeat": True, "explanation": "Ana can teach"}],
        "unmatched": [{"user": "UM", "code": "no_tools", "reason": "you haven't listed any"}],
    }
    pairs, unmatched = rounds.proposal_lines(Proposal.of(Round(id=3, proposal=old)))
    assert pairs == ["• <@UG> → <@UL>: Ana can teach _(paired before)_"]
    assert unmatched == ["• <@UM>: you haven't listed any"]


def test_queued_notices_carry_values_and_older_ones_their_sentence() -> None:
    notice = WaitlistNotice(why=REASON)
    queued = WaitlistNotice.model_validate(notice.model_dump(mode="json"))
    assert queued == notice
    assert "(Why: more learners than guide places this round: all 2 guides who teach what you " in (
        rounds.waitlist_message(queued).text
    )
    older = WaitlistNotice.model_validate({"reason": "every possible partner is excluded"})
    assert "(Why: every possible partner is excluded.)" in rounds.waitlist_message(older).text
    proposal = ProposalNotice(
        proposal=Proposal(round_id=3, pairs=(), unmatched=(Unplaced("UM", "x", REASON),))
    )
    assert ProposalNotice.model_validate(proposal.model_dump(mode="json")) == proposal
