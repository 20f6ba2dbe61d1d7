"""sender offset

Adds messages.sent_utc_offset (the sender's UTC offset in minutes, as sent_at arrived;
the sent_at column keeps only the instant) and an index on (tenant_id, event_at) for
the inbox, which sorts by send time. Older messages get NULL: their times are shown in
the tenant's zone, as before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("sent_utc_offset", sa.Integer(), nullable=True))
        batch_op.create_index("ix_messages_tenant_event", ["tenant_id", "event_at"])


def downgrade() -> None:
    # recreate="never": a rebuilt messages table on SQLite would take its feedback and label
    # rows with it (ON DELETE CASCADE); SQLite 3.35+ drops a column in place.
    with op.batch_alter_table("messages", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_messages_tenant_event")
        batch_op.drop_column("sent_utc_offset")
