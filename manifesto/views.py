from django.shortcuts import get_object_or_404, render

from manifesto.models import Manifesto


def home(request):
    manifestos = Manifesto.objects.order_by("-created_at")
    return render(request, "manifesto/home.html", {"manifestos": manifestos})


def read(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    sections = manifesto.sections.prefetch_related("clauses")
    return render(request, "manifesto/read.html", {"manifesto": manifesto, "sections": sections})


def clause_detail(request, slug, number):
    raise NotImplementedError


def version_detail(request, slug, number):
    raise NotImplementedError
