"""The crisis protocol's per-turn record: the message's risk score, what flagged it, careful mode.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add turns.risk, turns.crisis and turns.careful (earlier turns: risk 0, nothing flagged, not
    careful). Plain ADD COLUMN, not a batch table copy: on SQLite a copy drops the old `turns`
    table, and its foreign keys would take every turn's estimates and causes with it."""
    op.add_column("turns", sa.Column("risk", sa.Float(), nullable=False, server_default="0"))
    op.add_column("turns", sa.Column("crisis", sa.Text(), nullable=True))
    op.add_column("turns", sa.Column("careful", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop the three columns (the turns are kept)."""
    for column in ("careful", "crisis", "risk"):
        op.drop_column("turns", column)
