"""Calendar invitations are named by the clinic, not by the address the service runs at.

A clinic set up before this sent invitations named after PUBLIC_BASE_URL's host: it keeps that
name, so those invitations can still be moved and cancelled after the service moves.

Revision ID: 0007
Revises: 0006
"""
import secrets
from urllib.parse import urlsplit

from alembic import op
import sqlalchemy as sa
from flask import current_app

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_domain', sa.String(120), nullable=True))
    host = urlsplit(current_app.config.get('PUBLIC_BASE_URL') or '').hostname
    op.get_bind().execute(sa.text('UPDATE clinic SET calendar_domain = :domain'),
                          {'domain': host or f'{secrets.token_hex(8)}.clinic.invalid'})
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.alter_column('calendar_domain', existing_type=sa.String(120), nullable=False)


def downgrade():
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_column('calendar_domain')
