"""Indexes for the date queries of export and retention: registration.reg_date, door_event.opened_at.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index("ix_registration_reg_date", ["reg_date"], unique=False)
    with op.batch_alter_table("door_event", schema=None) as batch_op:
        batch_op.create_index("ix_door_event_opened_at", ["opened_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("door_event", schema=None) as batch_op:
        batch_op.drop_index("ix_door_event_opened_at")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_reg_date")
