"""Pages about people: a text's people (organisers), accepting an invitation, my account."""

from django.http import HttpResponse


def accept(request, token):
    return HttpResponse(status=501)
