"""Give the amendments decided before outcomes existed the answer the room gave them (room mode).

Written with update() on purpose: this is a schema backfill, not a decision, so it adds no
history rows (the decisions are already in the history as they were taken).
"""

from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):
    Amendment = apps.get_model("deliberation", "Amendment")
    decided = Amendment.objects.filter(outcome="pending")
    decided.filter(state="accepted").update(
        outcome="integrated", outcome_final=True, outcome_at=F("decided_at"), outcome_by=F("decided_by"),
        outcome_clause=F("applied_clause"),
    )
    decided.filter(state="rejected").update(
        outcome="set_aside", outcome_final=True, outcome_at=F("decided_at"), outcome_by=F("decided_by"),
        outcome_reason=F("decision_reason"),
    )
    # The reason for hiding stays with the facilitators; the public answer is "set aside".
    decided.filter(state="hidden").update(
        outcome="set_aside", outcome_final=True, outcome_at=F("decided_at"), outcome_by=F("decided_by"),
    )
    decided.filter(state="duplicate").update(
        outcome="duplicate", outcome_final=True, outcome_at=F("decided_at"), outcome_by=F("decided_by"),
        outcome_related=F("duplicate_of"),
    )
    decided.filter(state="merged").update(
        outcome="merged", outcome_final=True, outcome_at=F("decided_at"), outcome_by=F("decided_by"),
        outcome_related=F("merged_into"),
    )


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0002_outcomes_and_agora_positions")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
