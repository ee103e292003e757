"""The tool catalogue: what guides can teach and learners can ask for.

One shared catalogue (the tools we ship, `team_id` NULL) that every program starts from; a program
adds tools of its own (`team_id` is the program's key, bot/install/keys.py) and hides shared ones
it does not want (`HiddenTool`), so no program's choice reaches another.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IntPK, SlackId


class Tool(Base):
    """A tool on offer; a removed one keeps its row (`removed_at` set) so old profiles keep it.

    Shared names are unique because only migrations write shared rows (the constraint cannot see
    them: NULLs are distinct); a program's own names are unique within it.
    """

    __tablename__ = "tools"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[IntPK]
    # The program that added it; None for the shared catalogue.
    team_id: Mapped[SlackId | None]
    name: Mapped[str] = mapped_column(String(40))
    # One line: "what you can do with it".
    description: Mapped[str] = mapped_column(String(150))
    # Groups the options of the profile modal's selects (e.g. "Generative AI").
    category: Mapped[str] = mapped_column(String(40))
    # The HR admin who added it; None for the seeded catalogue.
    added_by: Mapped[SlackId | None]
    removed_at: Mapped[datetime | None]


class HiddenTool(Base):
    """A shared tool one program no longer offers (`/rotnem admin tools remove` there); the
    other programs still do, and profiles that name it keep it."""

    __tablename__ = "hidden_tools"

    # The primary key leads with the program: "what does this program hide?"
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tool_id: Mapped[int] = mapped_column(
        ForeignKey("tools.id", ondelete="CASCADE"), primary_key=True
    )
    hidden_at: Mapped[datetime]
