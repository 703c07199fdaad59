"""What the home page (manifesto's) offers for the live room: a box to join a session with its
code, for everyone; and, for facilitators, their agoras and the sessions open in them with
the console and the projector a click away. Registered from AgoraConfig.ready
(manifesto.extensions.home_panel), so manifesto never imports agora."""

from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone

from agora.models import Agora, LiveSession
from manifesto.extensions import home_panel


def facilitated_agoras(user) -> list[Agora]:
    """The agoras this person runs (as facilitator, or organiser of their text), the open
    sessions first, then the coming ones; past agoras without an open session are left out."""
    if not user.is_authenticated:
        return []
    agoras = Agora.objects.filter(is_online_space=False)
    if not user.is_superuser:
        agoras = agoras.filter(Q(facilitators=user) | Q(manifesto__organisers=user))
    open_sessions = LiveSession.objects.filter(closed_at__isnull=True).order_by("-opened_at")
    agoras = (
        agoras.distinct()
        .select_related("manifesto")
        .prefetch_related(Prefetch("sessions", queryset=open_sessions, to_attr="open_sessions"))
        .order_by("starts_at")
    )
    now = timezone.now()
    rows = [agora for agora in agoras if agora.open_sessions or agora.ends_at >= now]
    return sorted(rows, key=lambda agora: not agora.open_sessions)


@home_panel
def live_room_panel(request) -> str:
    agoras = facilitated_agoras(request.user)
    return render_to_string(
        "agora/_home_panel.html",
        {"agoras": agoras, "runs_agoras": bool(agoras)},
        request=request,
    )
