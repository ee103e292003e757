"""Slack action, callback and block IDs in one place, where IDs meet functions."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """`action_id`s of interactive elements."""


class CallbackId(StrEnum):
    """`callback_id`s of modals."""
