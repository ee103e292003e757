"""Button clicks and other `block_actions`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    """No interactive elements yet; later features add theirs here."""
