"""HR's own wording: a workspace's text for one template of a proactive message, in one language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId


class WordingText(Base):
    """HR's text replacing our default for `template` in `language`; no row: ours (translated).

    Deleting the row is "Reset to default". Every change is logged in `SettingsChange`.
    """

    __tablename__ = "wording_texts"
    __table_args__ = (UniqueConstraint("team_id", "template", "language"),)

    id: Mapped[IntPK]
    team_id: Mapped[SlackId]
    # A key of `bot/services/wording.py`'s TEMPLATES ("intro", "checkin", …).
    template: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    # As HR typed it, placeholders and all; escaped and filled when a message is rendered.
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by: Mapped[SlackId | None]
