"""Sign-in attempts: failed sign-ins per email and per client address, to slow password guessing.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'signin_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('account', sa.String(length=64), nullable=False),
        sa.Column('client', sa.String(length=64), nullable=False),
        sa.Column('account_locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('client_locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_attempt')),
    )
    with op.batch_alter_table('signin_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signin_attempt_at'), ['at'], unique=False)
        batch_op.create_index('ix_signin_attempt_account', ['account', 'at'], unique=False)
        batch_op.create_index('ix_signin_attempt_client', ['client', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('signin_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_signin_attempt_client')
        batch_op.drop_index('ix_signin_attempt_account')
        batch_op.drop_index(batch_op.f('ix_signin_attempt_at'))
    op.drop_table('signin_attempt')
