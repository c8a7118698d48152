from django.urls import path, re_path

from . import consumers

websocket_urlpatterns = [
    path("ws/ping/", consumers.PingConsumer.as_asgi()),
    re_path(r"^ws/competitions/(?P<code>\d{6})/(?P<role>host|screen|play)/$", consumers.GameConsumer.as_asgi()),
]
