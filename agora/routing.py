"""Websocket URL patterns of the live room."""

websocket_urlpatterns: list = []
