from django.db import migrations

# People type without accents on phones: « epargne » must find « Épargne solidaire » on PostgreSQL
# as it does with the SQLite fallback. A text search configuration `french_unaccent` (French
# stemming after `unaccent`) replaces `french`, and the GIN index follows the new expression
# (deliberation.contributions.selectors.search filters on exactly that expression).
# `unaccent` is a trusted extension (PostgreSQL 13+): the database's owner may create it.
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
           CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
           ALTER TEXT SEARCH CONFIGURATION french_unaccent
             ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
         END IF;
       END $$""",
    "DROP INDEX IF EXISTS contribution_search_fr",
    "CREATE INDEX IF NOT EXISTS contribution_search_fr_unaccent ON deliberation_contribution USING gin "
    "(to_tsvector('french_unaccent'::regconfig, COALESCE(title, '') || ' ' || COALESCE(text, '')))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS contribution_search_fr_unaccent",
    "CREATE INDEX IF NOT EXISTS contribution_search_fr ON deliberation_contribution USING gin "
    "(to_tsvector('french'::regconfig, COALESCE(title, '') || ' ' || COALESCE(text, '')))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0007_undo_window_and_projection_layout")]
    operations = [migrations.RunPython(forward, backward)]
