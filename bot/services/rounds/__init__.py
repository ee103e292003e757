"""Pairing rounds: propose, approve or discard; pairs made by hand; unpairing; the end of a cycle.
One module per step: `kinds` (outbox kinds and their after-send hooks), `model` (the read models),
`loading` (the engine's inputs), `propose`, `approve`, `manual` (pairs made by hand, unpairing,
ending pairs), `cycles` (the first session, the end of a cycle) and `queries` (what other
features read); this package re-exports the names the rest of the code uses.
"""

from bot.services.rounds.approve import approve_round
from bot.services.rounds.cycles import end_due_cycles, mark_first_session
from bot.services.rounds.manual import create_manual_pair, end_pairs, end_pairs_of, unpair
from bot.services.rounds.model import Approval, EndedPair, ManualPair, Proposal
from bot.services.rounds.notices import PairEndedNotice, ProposalNotice
from bot.services.rounds.propose import discard_round, propose_round
from bot.services.rounds.queries import current_partners, past_partners

__all__ = [
    "Approval",
    "EndedPair",
    "ManualPair",
    "PairEndedNotice",
    "Proposal",
    "ProposalNotice",
    "approve_round",
    "create_manual_pair",
    "current_partners",
    "discard_round",
    "end_due_cycles",
    "end_pairs",
    "end_pairs_of",
    "mark_first_session",
    "past_partners",
    "propose_round",
    "unpair",
]
