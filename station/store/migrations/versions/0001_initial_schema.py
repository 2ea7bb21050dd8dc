"""Initial schema: registrations, device targets (the outbox), attempts, callbacks, doors, catalog.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "callback_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("peer", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("matched", sa.Boolean(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("device_target_id", sa.Integer(), nullable=True),
        sa.Column("effect", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )
    with op.batch_alter_table("callback_inbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_callback_inbox_received_at"), ["received_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_callback_inbox_registration_id"), ["registration_id"], unique=False
        )

    op.create_table(
        "catalog_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("room", sa.String(length=200), nullable=False),
        sa.Column("device_id", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("device_id"),
    )
    with op.batch_alter_table("catalog_device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_device_city"), ["city"], unique=False)

    op.create_table(
        "platform_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("paused_at", sa.DateTime(), nullable=True),
        sa.Column("next_probe_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    platform_state = sa.table(
        "platform_state",
        sa.column("id", sa.Integer()),
        sa.column("paused", sa.Boolean()),
        sa.column("reason", sa.Text()),
    )
    op.bulk_insert(platform_state, [{"id": 1, "paused": False, "reason": ""}])
    op.create_table(
        "push_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_ids", sa.JSON(), nullable=False),
        sa.Column("device_ids", sa.JSON(), nullable=False),
        sa.Column("protocol", sa.String(length=10), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("sent", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=10), nullable=True),
        sa.Column("desc", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("push_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_push_attempt_started_at"), ["started_at"], unique=False
        )

    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("sites", sa.JSON(), nullable=False),
        sa.Column("rooms", sa.JSON(), nullable=False),
        sa.Column("device_ids", sa.JSON(), nullable=False),
        sa.Column("reg_date", sa.Date(), nullable=False),
        sa.Column("photo_ref", sa.String(length=64), nullable=True),
        sa.Column("consent_version", sa.String(length=40), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=False),
        sa.Column("consent_clerk", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("purged_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registration_work_order"), ["work_order"], unique=False
        )

    op.create_table(
        "device_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("pushes", sa.Integer(), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("next_push_at", sa.DateTime(), nullable=True),
        sa.Column("last_result", sa.Text(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("result_at", sa.DateTime(), nullable=True),
        sa.Column("written_at", sa.DateTime(), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("registration_id", "device_id", name="uq_device_target_reg_device"),
    )
    with op.batch_alter_table("device_target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_target_device_id"), ["device_id"], unique=False)
        batch_op.create_index("ix_device_target_due", ["state", "next_push_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_device_target_registration_id"), ["registration_id"], unique=False
        )

    op.create_table(
        "door_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("callback_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=100), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("room", sa.String(length=200), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("work_order", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("account", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["callback_id"],
            ["callback_inbox.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("door_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_door_event_callback_id"), ["callback_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_door_event_device_id"), ["device_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_door_event_registration_id"), ["registration_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("door_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_door_event_registration_id"))
        batch_op.drop_index(batch_op.f("ix_door_event_device_id"))
        batch_op.drop_index(batch_op.f("ix_door_event_callback_id"))

    op.drop_table("door_event")
    with op.batch_alter_table("device_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_target_registration_id"))
        batch_op.drop_index("ix_device_target_due")
        batch_op.drop_index(batch_op.f("ix_device_target_device_id"))

    op.drop_table("device_target")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_work_order"))

    op.drop_table("registration")
    with op.batch_alter_table("push_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_attempt_started_at"))

    op.drop_table("push_attempt")
    op.drop_table("platform_state")
    with op.batch_alter_table("catalog_device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_device_city"))

    op.drop_table("catalog_device")
    with op.batch_alter_table("callback_inbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_inbox_registration_id"))
        batch_op.drop_index(batch_op.f("ix_callback_inbox_received_at"))

    op.drop_table("callback_inbox")
