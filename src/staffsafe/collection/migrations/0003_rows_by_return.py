from django.db import migrations

INDEX = "collection_nationalrow_by_return"


def _create(apps, schema_editor):
    """PostgreSQL: BRIN (a return's rows are copied in one piece, so a few block ranges hold
    them and the index costs next to nothing per copied row). SQLite: a plain B-tree."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON collection_nationalrow USING brin "
                              "(submission_id) WITH (autosummarize = on)")
    else:
        schema_editor.execute(f"CREATE INDEX {INDEX} ON collection_nationalrow (submission_id)")


def _drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("collection", "0002_rollups"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="nationalrow",
            name="collection__period__7c1c0e_idx",
        ),
        migrations.RunPython(_create, _drop),
    ]
