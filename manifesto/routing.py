"""Websocket URL patterns owned by the manifesto app (the public signature counter)."""

websocket_urlpatterns: list = []
