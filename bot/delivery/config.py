"""The dispatcher's knobs (`DispatchConfig`), apart from the dispatcher so that the processes
composing one (`rotnem worker`, the demo, tests) read what they can set in one place."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from bot.config import Settings
from bot.delivery.pacing import HISTORY, OPEN, POST_MESSAGE, Pacer
from bot.i18n import DEFAULT_LANGUAGE


@dataclass(frozen=True)
class DispatchConfig:
    """Knobs of the dispatcher; `from_settings` maps the ROTNEM_* variables onto them."""

    post_rate_per_minute: float = 180.0
    open_rate_per_minute: float = 40.0
    concurrency: int = 8
    # How long a claim lasts without renewal: after that, another dispatcher takes the row over.
    lease_seconds: float = 3.0
    poll_seconds: float = 1.0
    max_attempts: int = 10
    backoff_base_seconds: float = 5.0
    backoff_max_seconds: float = 1800.0
    request_timeout: float = 10.0
    # A row whose pacing wait is longer than this goes back to the queue instead of waiting.
    max_pacing_wait: float = 7.5
    shutdown_grace: float = 5.0
    # Rows Slack accepted are marked sent together: this long after the first of them, or as
    # soon as four times `concurrency` wait (`bot/delivery/completions.py`). A crash inside it is
    # the crash window below.
    mark_delay: float = 0.2
    history_limit: int = 100
    # While the database is unavailable the run loop tries again after 1 s, 2 s, 4 s … this.
    outage_backoff_first: float = 1.0
    outage_backoff_max: float = 30.0
    # The program's language where HR has set none (ROTNEM_LANGUAGE).
    language: str = DEFAULT_LANGUAGE

    @classmethod
    def from_settings(cls, settings: Settings) -> DispatchConfig:
        return cls(
            post_rate_per_minute=float(settings.rotnem_post_rate_per_minute),
            open_rate_per_minute=float(settings.rotnem_open_rate_per_minute),
            concurrency=settings.rotnem_outbox_concurrency,
            lease_seconds=float(settings.rotnem_outbox_lease_seconds),
            poll_seconds=settings.rotnem_outbox_poll_seconds,
            max_attempts=settings.rotnem_outbox_max_attempts,
            language=settings.rotnem_language,
        )

    def outage_backoff(self, failures: int) -> float:
        """Seconds before the run loop's next try after `failures` failed ones in a row."""
        doubled = self.outage_backoff_first * 2.0 ** max(0, failures - 1)
        return min(self.outage_backoff_max, doubled)

    def pacer(self, **kwargs: Any) -> Pacer:
        # conversations.history (only after an interruption) is Tier 3 like conversations.open.
        rates = {
            POST_MESSAGE: self.post_rate_per_minute,
            OPEN: self.open_rate_per_minute,
            HISTORY: self.open_rate_per_minute,
        }
        return Pacer(rates, **kwargs)

    def backoff(self, attempts: int) -> float:
        """Seconds before retry number `attempts + 1`: exponential, capped, with jitter."""
        base = min(self.backoff_max_seconds, self.backoff_base_seconds * 2 ** max(0, attempts - 1))
        return float(base * random.uniform(0.8, 1.2))  # spreads retries; not for secrecy
