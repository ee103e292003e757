"""Keep the Events API dedupe table small: Slack stops retrying an event after minutes."""

from __future__ import annotations

import logging

from bot.jobs import every, tidying_job
from bot.services.events import forget_old_events

FORGET_OLD_EVENTS = tidying_job(
    "events-forget-old",
    every(minutes=30),
    forget_old_events,
    "Forgot %d processed event id(s) past Slack's retry window",
    level=logging.DEBUG,
)
