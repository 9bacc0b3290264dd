"""reminders

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 14:15:09.235996

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('push_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('p256dh', sa.String(length=100), nullable=False),
    sa.Column('auth', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_failure_status', sa.SmallInteger(), nullable=True),
    sa.Column('last_failure_reason', sa.String(length=300), nullable=True),
    sa.Column('rejected_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_push_subscriptions_patient_id_patients')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_subscriptions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscriptions_endpoint'))
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscriptions_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscriptions_rejected_at'), ['rejected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.JSON(), nullable=False),
    sa.Column('times', sa.JSON(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('quiet_start', sa.Time(), nullable=True),
    sa.Column('quiet_end', sa.Time(), nullable=True),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('paused_until', sa.Date(), nullable=True),
    sa.Column('show_action_words', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_local_date', sa.Date(), nullable=True),
    sa.Column('next_local_time', sa.Time(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_reminders_action_id_actions')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_reminders_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('action_id', name=op.f('uq_reminders_action_id'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_next_due_at'), ['next_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_patient_id'), ['patient_id'], unique=False)

    op.create_table('reminder_occurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=24), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('local_time', sa.Time(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('snoozed_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_reminder_occurrences_action_id_actions')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_reminder_occurrences_patient_id_patients')),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'], name=op.f('fk_reminder_occurrences_reminder_id_reminders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snoozed_from_id'], ['reminder_occurrences.id'], name=op.f('fk_reminder_occurrences_snoozed_from_id_reminder_occurrences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_occurrences')),
    sa.UniqueConstraint('public_id', name=op.f('uq_reminder_occurrences_public_id')),
    sa.UniqueConstraint('reminder_id', 'key', name=op.f('uq_reminder_occurrences_reminder_id_key')),
    sa.UniqueConstraint('snoozed_from_id', name=op.f('uq_reminder_occurrences_snoozed_from_id'))
    )
    with op.batch_alter_table('reminder_occurrences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_occurrences_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_occurrences_reminder_id'), ['reminder_id'], unique=False)

    op.create_table('reminder_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'retry', 'sent', 'missed', 'not-needed', 'failed', name='deliverystate', native_enum=False, length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_code', sa.SmallInteger(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['occurrence_id'], ['reminder_occurrences.id'], name=op.f('fk_reminder_deliveries_occurrence_id_reminder_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_reminder_deliveries_patient_id_patients')),
    sa.ForeignKeyConstraint(['subscription_id'], ['push_subscriptions.id'], name=op.f('fk_reminder_deliveries_subscription_id_push_subscriptions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_deliveries')),
    sa.UniqueConstraint('occurrence_id', 'subscription_id', name=op.f('uq_reminder_deliveries_occurrence_id_subscription_id'))
    )
    with op.batch_alter_table('reminder_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_deliveries_occurrence_id'), ['occurrence_id'], unique=False)
        batch_op.create_index('ix_reminder_deliveries_open', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_deliveries_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_deliveries_subscription_id'), ['subscription_id'], unique=False)



def downgrade():
    with op.batch_alter_table('reminder_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_deliveries_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_deliveries_patient_id'))
        batch_op.drop_index('ix_reminder_deliveries_open')
        batch_op.drop_index(batch_op.f('ix_reminder_deliveries_occurrence_id'))

    op.drop_table('reminder_deliveries')
    with op.batch_alter_table('reminder_occurrences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_occurrences_reminder_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_occurrences_patient_id'))

    op.drop_table('reminder_occurrences')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminders_patient_id'))
        batch_op.drop_index(batch_op.f('ix_reminders_next_due_at'))

    op.drop_table('reminders')
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_user_id'))
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_rejected_at'))
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_patient_id'))

    op.drop_table('push_subscriptions')
