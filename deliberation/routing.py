"""Websocket URL patterns owned by deliberation (the adoption vote's live turnout)."""

from django.urls import path

from deliberation.adoption.consumers import TurnoutConsumer

websocket_urlpatterns: list = [
    path("ws/vote/<int:vote_id>/participation/", TurnoutConsumer.as_asgi()),
]
