"""The waitlist: patients waiting for a freed chair, the offers they get, and how long an offer
stays open (clinic.waitlist_offer_minutes); an offer's messages point at it.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'waitlist_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('treatment_type_id', sa.Integer(), nullable=False),
        sa.Column('earliest', sa.Date(), nullable=False),
        sa.Column('latest', sa.Date(), nullable=False),
        sa.Column('from_time', sa.String(length=5), nullable=True),
        sa.Column('until_time', sa.String(length=5), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('waiting', 'booked', 'removed')",
                           name=op.f('ck_waitlist_entry_status_known')),
        sa.CheckConstraint("earliest <= latest", name=op.f('ck_waitlist_entry_days_ordered')),
        sa.ForeignKeyConstraint(['patient_id'], ['patient.id'],
                                name=op.f('fk_waitlist_entry_patient_id_patient')),
        sa.ForeignKeyConstraint(['treatment_type_id'], ['treatment_type.id'],
                                name=op.f('fk_waitlist_entry_treatment_type_id_treatment_type')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entry')),
    )
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entry_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_waitlist_entry_status_latest', ['status', 'latest'], unique=False)

    op.create_table(
        'waitlist_offer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('chair_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("outcome IN ('open', 'booked', 'gone', 'withdrawn')",
                           name=op.f('ck_waitlist_offer_outcome_known')),
        sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entry.id'],
                                name=op.f('fk_waitlist_offer_entry_id_waitlist_entry')),
        sa.ForeignKeyConstraint(['chair_id'], ['chair.id'], name=op.f('fk_waitlist_offer_chair_id_chair')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_offer')),
    )
    with op.batch_alter_table('waitlist_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_offer_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index('ix_waitlist_offer_slot', ['start_at', 'chair_id'], unique=False)

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waitlist_offer_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_waitlist_offer_id'), ['waitlist_offer_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notification_waitlist_offer_id_waitlist_offer'),
                                    'waitlist_offer', ['waitlist_offer_id'], ['id'])
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waitlist_offer_minutes', sa.Integer(), nullable=False,
                                      server_default='120'))


def downgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_column('waitlist_offer_minutes')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_waitlist_offer_id_waitlist_offer'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_waitlist_offer_id'))
        batch_op.drop_column('waitlist_offer_id')
    with op.batch_alter_table('waitlist_offer', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_offer_slot')
        batch_op.drop_index(batch_op.f('ix_waitlist_offer_entry_id'))
    op.drop_table('waitlist_offer')
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_entry_status_latest')
        batch_op.drop_index(batch_op.f('ix_waitlist_entry_patient_id'))
    op.drop_table('waitlist_entry')
