"""Clinicians, their shifts, and the staffing each treatment type needs.

A shift is a span of time; on PostgreSQL one clinician's shifts may not overlap (an exclusion
constraint, as for a chair's holds), so nobody is counted twice at one moment.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'clinician',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_clinician')),
    )
    op.create_index(op.f('ix_clinician_role'), 'clinician', ['role'])
    op.create_table(
        'shift',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinician_id', sa.Integer(), nullable=False),
        sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('end_at > start_at', name=op.f('ck_shift_ends_after_start')),
        sa.ForeignKeyConstraint(['clinician_id'], ['clinician.id'], name=op.f('fk_shift_clinician_id_clinician')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shift')),
    )
    op.create_index('ix_shift_clinician_start', 'shift', ['clinician_id', 'start_at'])
    op.create_index('ix_shift_start', 'shift', ['start_at'])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE shift ADD CONSTRAINT ex_shift_clinician_overlap EXCLUDE USING gist "
                   "(clinician_id WITH =, tstzrange(start_at, end_at) WITH &&)")
    with op.batch_alter_table('treatment_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staffing', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('treatment_type', schema=None) as batch_op:
        batch_op.drop_column('staffing')
    op.drop_table('shift')
    op.drop_table('clinician')
