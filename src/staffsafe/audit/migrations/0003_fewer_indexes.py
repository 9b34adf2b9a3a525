"""Only the indexes a reader uses (ADR 0016): one trust's events by time (and by action), and
one object's.

SQLite rebuilds the table to change it, and its trigger goes with the old table: the trigger of
0002 is made again after the changes, whichever way the migration runs."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# 0002's trigger, as it made it.
SQLITE_APPEND_ONLY = """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"""


def _append_only_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_APPEND_ONLY, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
        ('organisations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Undone last: the trigger again after the table's rebuild back.
        migrations.RunPython(migrations.RunPython.noop, _append_only_again),
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('create', 'Created'), ('change', 'Changed'), ('view', 'Viewed'), ('export', 'Exported'), ('sign_in', 'Signed in'), ('sign_out', 'Signed out'), ('sign_in_failed', 'Sign-in failed'), ('refused', 'Access refused')], max_length=20),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='object_id',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='trust',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.trust'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['trust', 'at'], name='audit_trust_at'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['object_id'], name='audit_object_id'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['trust', 'action', 'at'], name='audit_trust_action_at'),
        ),
        migrations.RunPython(_append_only_again, migrations.RunPython.noop),
    ]
