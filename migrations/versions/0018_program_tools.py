"""each program's tool catalogue: the shared one (the tools we ship) minus the shared tools a
program hides, plus the tools it adds itself (`tools.team_id`, the program's key)

Every tool from before stays shared (`team_id` NULL), HR's additions included: the catalogue was
one for every workspace, and nothing says which workspace added a tool, so every workspace keeps
offering what it offered and every profile keeps its tools. A tool removed before stays removed
for every program, as it was. From now on a program's additions and removals are its own.

A downgrade makes the programs' own tools shared again and forgets what they hid (the catalogue
was one for everyone before); it stops, changing nothing, when two programs added the same name.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-14 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.String(length=32), nullable=True))
        batch_op.drop_constraint(op.f("uq_tools_name"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_tools_team_id_name"), ["team_id", "name"])
    op.create_table(
        "hidden_tools",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("tool_id", sa.Integer(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tool_id"],
            ["tools.id"],
            name=op.f("fk_hidden_tools_tool_id_tools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "tool_id", name=op.f("pk_hidden_tools")),
    )


def downgrade() -> None:
    clash = op.get_bind().execute(
        sa.text("SELECT name FROM tools GROUP BY name HAVING COUNT(*) > 1 ORDER BY name")
    )
    names = [row[0] for row in clash]
    if names:
        raise RuntimeError(
            "Programs added tools of the same name, which one shared catalogue cannot hold: "
            f"{', '.join(names)}. Rename or delete all but one of each, then downgrade again."
        )
    op.drop_table("hidden_tools")
    with op.batch_alter_table("tools", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_tools_team_id_name"), type_="unique")
        batch_op.drop_column("team_id")
        batch_op.create_unique_constraint(op.f("uq_tools_name"), ["name"])
