"""In-clinic observation: each treatment type's observation plan, readings taken during a
session, when the patient checked in (where observation starts) and any discharge override,
the monitoring forms completed sessions leave to file, and the alert one opens when overdue.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('treatment_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('observation', sa.JSON(), nullable=True))
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('discharge_override_note', sa.Text(), nullable=True))

    op.create_table(
        'observation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_by', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'],
                                name=op.f('fk_observation_appointment_id_appointment')),
        sa.ForeignKeyConstraint(['recorded_by'], ['staff_user.id'],
                                name=op.f('fk_observation_recorded_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_observation')),
    )
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_appointment_id'), ['appointment_id'], unique=False)

    op.create_table(
        'monitoring_form',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('filed_by', sa.Integer(), nullable=True),
        sa.Column('reference', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'],
                                name=op.f('fk_monitoring_form_appointment_id_appointment')),
        sa.ForeignKeyConstraint(['patient_id'], ['patient.id'],
                                name=op.f('fk_monitoring_form_patient_id_patient')),
        sa.ForeignKeyConstraint(['filed_by'], ['staff_user.id'],
                                name=op.f('fk_monitoring_form_filed_by_staff_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_form')),
        sa.UniqueConstraint('appointment_id', name=op.f('uq_monitoring_form_appointment_id')),
    )
    with op.batch_alter_table('monitoring_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_form_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_monitoring_form_unfiled', ['due_on'], unique=False,
                              postgresql_where=sa.text('filed_at IS NULL'),
                              sqlite_where=sa.text('filed_at IS NULL'))

    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('monitoring_form_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_alert_monitoring_form_id_monitoring_form'),
                                    'monitoring_form', ['monitoring_form_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_alert_monitoring_form_id'), ['monitoring_form_id'])


def downgrade():
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_alert_monitoring_form_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_alert_monitoring_form_id_monitoring_form'),
                                 type_='foreignkey')
        batch_op.drop_column('monitoring_form_id')
    op.drop_table('monitoring_form')
    op.drop_table('observation')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_column('discharge_override_note')
        batch_op.drop_column('checked_in_at')
    with op.batch_alter_table('treatment_type', schema=None) as batch_op:
        batch_op.drop_column('observation')
