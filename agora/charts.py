"""The agoras on a timeline (agenda, figures page): one row per agora, a dot at its date."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agora.models import Agora
from manifesto.charts import Chart, TimelineItem, timeline


def agoras_timeline(agoras, *, chart_id: str = "agoras-calendrier") -> Chart:
    """`agoras`: in-person agoras (the online space has no date of its own)."""
    today = timezone.localdate()
    items = [
        TimelineItem(
            label=agora.title,
            starts=timezone.localtime(agora.starts_at).date(),
            note=", ".join(part for part in (agora.departement, agora.region) if part),
            highlight=agora.ends_at < timezone.now(),
        )
        for agora in agoras
        if not agora.is_online_space
    ]
    past = sum(1 for item in items if item.highlight)
    description = ngettext(
        "%(count)d agora sur la frise, ",
        "%(count)d agoras sur la frise, ",
        len(items),
    ) % {"count": len(items)} + ngettext(
        "dont %(past)d passée (points foncés) ; la ligne pointillée marque aujourd'hui.",
        "dont %(past)d passées (points foncés) ; la ligne pointillée marque aujourd'hui.",
        past,
    ) % {"past": past}
    return timeline(
        chart_id=chart_id,
        title=_("Les agoras dans le temps"),
        description=description,
        items=items,
        headers=[_("Agora"), _("Date"), _("Lieu")],
        today=today,
    )


def manifesto_agoras(manifesto) -> list[Agora]:
    return list(Agora.objects.filter(manifesto=manifesto, is_online_space=False).order_by("starts_at", "pk"))
