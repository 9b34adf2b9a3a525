"""Only the indexes a reader uses (ADR 0016): one trust's events by time, and one object's.

SQLite rebuilds the table to change it, and its trigger goes with the old table: the trigger of
0002 is made again at the end."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


_APPEND_ONLY = importlib.import_module("staffsafe.audit.migrations.0002_append_only")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
        ('organisations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
        migrations.RunPython(_APPEND_ONLY._run({"sqlite": _APPEND_ONLY.SQLITE_UP}),
                             migrations.RunPython.noop),
    ]
