"""customers.session_generation: ending every earlier session of a shopper

Revision ID: 0002_customer_sessions
Revises: 0001_tenant
Create Date: 2026-12-01 09:00:00

A shopper's session stores the generation the customer had at sign-in; signing out and a password
change increment it, so every session issued before no longer counts.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0002_customer_sessions'
down_revision: Union[str, Sequence[str], None] = '0001_tenant'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
