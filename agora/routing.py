"""Websocket URL patterns of the live room."""

from django.urls import path

from agora.consumers import LiveRoomConsumer

websocket_urlpatterns: list = [
    path("ws/live/<int:session_id>/", LiveRoomConsumer.as_asgi()),
]
