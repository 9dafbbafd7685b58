"""The database itself refuses to change the audit log.

UPDATE is refused on every engine. DELETE is refused on PostgreSQL; there TRUNCATE, an
operator's act outside the application, stays possible (and is how tests are reset).
"""

from django.db import migrations

TABLE = "moderation_auditentry"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION moderation_audit_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only';
            END;
            $$ LANGUAGE plpgsql;
            """
        )
        schema_editor.execute(
            f"CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION moderation_audit_append_only();"
        )
    elif connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
        )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};")
        schema_editor.execute("DROP FUNCTION IF EXISTS moderation_audit_append_only();")
    elif connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_no_update;")


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
