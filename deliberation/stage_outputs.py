"""What the agoras and the synthesis produced, said on the manifesto's public timeline (manifesto.stages)."""

from django.utils.translation import ngettext

from manifesto import stages


def agoras_output(manifesto) -> list[str]:
    from agora.models import Agora
    from deliberation.models import Amendment

    agoras = Agora.objects.filter(manifesto=manifesto, is_online_space=False).count()
    amendments = Amendment.objects.filter(manifesto=manifesto).count()
    return [
        ngettext("%(count)d agora", "%(count)d agoras", agoras) % {"count": agoras},
        ngettext("%(count)d amendement", "%(count)d amendements", amendments) % {"count": amendments},
    ]


def synthesis_output(manifesto) -> list[str]:
    from deliberation.models import Amendment, Outcome

    answered = Amendment.objects.filter(manifesto=manifesto, outcome_final=True)
    integrated = answered.filter(outcome__in=[Outcome.INTEGRATED, Outcome.INTEGRATED_MODIFIED]).count()
    return [
        ngettext("%(count)d amendement a reçu sa réponse", "%(count)d amendements ont reçu leur réponse", answered.count())
        % {"count": answered.count()},
        ngettext("%(count)d intégré au texte", "%(count)d intégrés au texte", integrated) % {"count": integrated},
    ]


def register() -> None:
    stages.register_output("agoras", agoras_output)
    stages.register_output("synthese", synthesis_output)
