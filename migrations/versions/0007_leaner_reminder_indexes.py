"""leaner reminder indexes: less for the dispatcher to keep up to date on every push

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 17:30:49.075510

Every push inserts an occurrence and a delivery and then records the delivery as sent,
and each index on those tables is written each time.

- The single-column indexes on reminder_occurrences.reminder_id and
  reminder_deliveries.occurrence_id go: the unique (reminder_id, key) and
  (occurrence_id, subscription_id) indexes lead with the same column and serve the same
  queries and cascades.
- Only snoozed occurrences have a snoozed_from_id, so the index that keeps it unique
  holds only those rows instead of a NULL for every occurrence.
- The index workers scan for open deliveries holds only open ones (pending, retry), so
  recording a push as sent takes the row out of it instead of adding it again under
  "sent".
- Every occurrence taken rewrites its reminder row, and PostgreSQL's deduplication kept
  compacting ix_reminders_patient_id's runs of equal keys on each page they filled (a
  third of that update's cost); it is turned off for that index. Entries already
  compacted stay so until the index is rebuilt, which does no harm.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OPEN_DELIVERY = sa.text("state IN ('pending', 'retry')")
SNOOZED = sa.text('snoozed_from_id IS NOT NULL')


def upgrade():
    with op.batch_alter_table('reminder_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_deliveries_occurrence_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_deliveries_open'))
        batch_op.create_index('ix_reminder_deliveries_open', ['next_attempt_at'], unique=False,
                              postgresql_where=OPEN_DELIVERY, sqlite_where=OPEN_DELIVERY)

    with op.batch_alter_table('reminder_occurrences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_occurrences_reminder_id'))
        batch_op.drop_constraint(batch_op.f('uq_reminder_occurrences_snoozed_from_id'),
                                 type_='unique')
        batch_op.create_index('uq_reminder_occurrences_snoozed_from_id', ['snoozed_from_id'],
                              unique=True, postgresql_where=SNOOZED, sqlite_where=SNOOZED)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER INDEX ix_reminders_patient_id SET (deduplicate_items = off)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER INDEX ix_reminders_patient_id RESET (deduplicate_items)')

    with op.batch_alter_table('reminder_occurrences', schema=None) as batch_op:
        batch_op.drop_index('uq_reminder_occurrences_snoozed_from_id')
        batch_op.create_unique_constraint(batch_op.f('uq_reminder_occurrences_snoozed_from_id'),
                                          ['snoozed_from_id'])
        batch_op.create_index(batch_op.f('ix_reminder_occurrences_reminder_id'), ['reminder_id'],
                              unique=False)

    with op.batch_alter_table('reminder_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_deliveries_open')
        batch_op.create_index(batch_op.f('ix_reminder_deliveries_open'),
                              ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_deliveries_occurrence_id'),
                              ['occurrence_id'], unique=False)
