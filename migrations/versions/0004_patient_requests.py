"""Patient requests: "please call me to reschedule / cancel", sent from the emailed link.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OPEN = "handled_at IS NULL"


def upgrade():
    op.create_table(
        'patient_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('handled_by', sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('reschedule', 'cancel')", name=op.f('ck_patient_request_kind_known')),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_patient_request_appointment_id_appointment')),
        sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_patient_request_patient_id_patient')),
        sa.ForeignKeyConstraint(['handled_by'], ['staff_user.id'], name=op.f('fk_patient_request_handled_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_request')),
    )
    with op.batch_alter_table('patient_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_request_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index('ix_patient_request_open', ['created_at'], unique=False,
                              postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade():
    with op.batch_alter_table('patient_request', schema=None) as batch_op:
        batch_op.drop_index('ix_patient_request_open')
        batch_op.drop_index(batch_op.f('ix_patient_request_appointment_id'))
    op.drop_table('patient_request')
