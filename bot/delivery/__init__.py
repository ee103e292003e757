"""Proactive Slack messages: the outbox features write to, and the dispatcher that sends it.

Features call `enqueue` in the transaction of their state change and `register_kind` at import
time; nothing else in the bot posts proactive messages. See dispatcher.py for the guarantees.
"""

from bot.delivery.dispatcher import DispatchConfig, Dispatcher, create_dispatch_client
from bot.delivery.outbox import (
    METADATA_EVENT_TYPE,
    AfterSend,
    Backlog,
    Kind,
    backlog,
    counts_by_status,
    enqueue,
    get_kind,
    recent_failures,
    register_kind,
    retry_failed,
)

__all__ = [
    "METADATA_EVENT_TYPE",
    "AfterSend",
    "Backlog",
    "DispatchConfig",
    "Dispatcher",
    "Kind",
    "backlog",
    "counts_by_status",
    "create_dispatch_client",
    "enqueue",
    "get_kind",
    "recent_failures",
    "register_kind",
    "retry_failed",
]
