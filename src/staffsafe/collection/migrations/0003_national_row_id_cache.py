from django.db import migrations


def _cache_ids(apps, schema_editor):
    """PostgreSQL: each loading session takes national row ids 10,000 at a time instead of one
    by one (a million-row return's COPY asked the sequence a million times). Ids stay unique;
    the ones a session took and did not use are skipped, which nothing minds."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE collection_nationalrow ALTER COLUMN id SET CACHE 10000")


def _uncache_ids(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE collection_nationalrow ALTER COLUMN id SET CACHE 1")


class Migration(migrations.Migration):

    dependencies = [
        ("collection", "0002_rollups"),
    ]

    operations = [
        migrations.RunPython(_cache_ids, _uncache_ids),
    ]
