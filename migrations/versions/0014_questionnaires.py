"""Questionnaires (PHQ-9, GAD-7) by signed link, the clinic's rules and alert totals for them,
and the inbox of texts staff must read.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'questionnaire',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=True),
        sa.Column('instrument', sa.String(length=10), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answers', sa.JSON(), nullable=True),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('severity', sa.String(length=20), nullable=True),
        sa.CheckConstraint("instrument IN ('phq9', 'gad7')", name=op.f('ck_questionnaire_instrument_known')),
        sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_questionnaire_patient_id_patient')),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'],
                                name=op.f('fk_questionnaire_appointment_id_appointment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire')),
    )
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index('ix_questionnaire_patient_due', ['patient_id', 'due_at'], unique=False)

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questionnaire_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_questionnaire_id'), ['questionnaire_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notification_questionnaire_id_questionnaire'),
                                    'questionnaire', ['questionnaire_id'], ['id'])
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questionnaire_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_alert_questionnaire_id_questionnaire'),
                                    'questionnaire', ['questionnaire_id'], ['id'])
    # Texts already kept stay out of the inbox: staff have seen them on the patients' pages.
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inbox', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('done_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('done_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_inbound_message_done_by_staff_user'),
                                    'staff_user', ['done_by'], ['id'])
        batch_op.create_check_constraint(op.f('ck_inbound_message_inbox_known'), "inbox IS NULL OR inbox IN ('open', 'done')")
        batch_op.create_index('ix_inbound_message_inbox_open', ['received_at'], unique=False,
                              postgresql_where=sa.text("inbox = 'open'"),
                              sqlite_where=sa.text("inbox = 'open'"))
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questionnaire_rules', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('phq9_alert_at', sa.Integer(), nullable=True, server_default='20'))
        batch_op.add_column(sa.Column('gad7_alert_at', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_column('gad7_alert_at')
        batch_op.drop_column('phq9_alert_at')
        batch_op.drop_column('questionnaire_rules')
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_message_inbox_open')
        batch_op.drop_constraint(op.f('ck_inbound_message_inbox_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_inbound_message_done_by_staff_user'), type_='foreignkey')
        batch_op.drop_column('done_note')
        batch_op.drop_column('done_by')
        batch_op.drop_column('done_at')
        batch_op.drop_column('inbox')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_alert_questionnaire_id_questionnaire'), type_='foreignkey')
        batch_op.drop_column('questionnaire_id')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_questionnaire_id_questionnaire'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_questionnaire_id'))
        batch_op.drop_column('questionnaire_id')
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.drop_index('ix_questionnaire_patient_due')
        batch_op.drop_index(batch_op.f('ix_questionnaire_appointment_id'))
    op.drop_table('questionnaire')
