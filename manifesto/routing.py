"""Websocket URL patterns owned by the manifesto app (the public signature counter)."""

from django.urls import path

from manifesto.signatures.consumers import SignatureCounterConsumer

websocket_urlpatterns: list = [
    path("ws/signatures/<int:manifesto_id>/", SignatureCounterConsumer.as_asgi()),
]
