"""Logging set-up shared by every process."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Bolt logs every unhandled request at WARNING; keep that, but quiet its per-request chatter.
    logging.getLogger("slack_bolt").setLevel(max(logging.getLevelName(level), logging.INFO))
    # Alembic announces each of its plugins at INFO whenever it loads: nothing an operator needs.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
