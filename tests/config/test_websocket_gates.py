"""Sockets: wrong origin and anonymous users are refused before any consumer runs."""

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def connect(headers):
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.mark.django_db(transaction=True)
async def test_anonymous_socket_is_refused():
    communicator, connected, _ = await connect([(b"origin", b"http://127.0.0.1")])
    assert not connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_logged_in_socket_is_accepted_and_answers(staff):
    from asgiref.sync import sync_to_async

    cookie = await sync_to_async(session_cookie)(staff)
    communicator, connected, _ = await connect([(b"origin", b"http://127.0.0.1"), (b"cookie", cookie)])
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong", "user": staff.username}
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_foreign_origin_is_refused_even_when_logged_in(staff):
    from asgiref.sync import sync_to_async

    cookie = await sync_to_async(session_cookie)(staff)
    communicator, connected, _ = await connect([(b"origin", b"http://evil.example"), (b"cookie", cookie)])
    assert not connected
    await communicator.disconnect()
