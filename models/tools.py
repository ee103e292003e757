"""The tool catalogue: what guides can teach and learners can ask for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId


class Tool(Base):
    """A tool on offer; a removed one keeps its row (`removed_at` set) so old profiles keep it."""

    __tablename__ = "tools"

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(String(40), unique=True)
    # One line: "what you can do with it".
    description: Mapped[str] = mapped_column(String(150))
    # Groups the options of the profile modal's selects (e.g. "Generative AI").
    category: Mapped[str] = mapped_column(String(40))
    # The HR admin who added it; None for the seeded catalogue.
    added_by: Mapped[SlackId | None]
    removed_at: Mapped[datetime | None]
