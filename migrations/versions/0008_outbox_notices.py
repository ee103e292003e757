"""outbox notices: rows carry a notice (kind and values) rendered when sent, not a message

Rows written before this revision hold a rendered chat.postMessage payload (text and blocks),
which is exactly the shape of the `rendered` notice: they become that kind, so the ones still
pending drain after the upgrade. The after-send context column goes: hooks read the notice.
A pair's end reason `paused_long` was never produced and goes from its check.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_END_REASONS = "end_reason IS NULL OR end_reason IN ('cycle_ended', 'left', 'unpaired'{})"


def _end_reasons(check: str) -> None:
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pairs_end_reason"), type_="check")
        batch_op.create_check_constraint(op.f("ck_pairs_end_reason"), sa.text(check))


def upgrade() -> None:
    op.execute("UPDATE outbox_messages SET kind = 'rendered'")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("payload", new_column_name="notice")
        batch_op.drop_column("context")
    _end_reasons(_END_REASONS.format(""))


def downgrade() -> None:
    # The older version cannot render notices: unsent ones are failed with a reason, to be
    # re-queued (`rotnem outbox retry --failed`) after upgrading again.
    op.execute(
        "UPDATE outbox_messages SET status = 'failed', "
        "last_error = 'queued as a notice: send it after upgrading again' "
        "WHERE kind != 'rendered' AND status IN ('pending', 'sending')"
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("notice", new_column_name="payload")
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
    _end_reasons(_END_REASONS.format(", 'paused_long'"))
