"""The baseline of bench/pages.py: the smallest Django a page can be served by.

One view returning one HttpResponse of BENCH_MINIMAL_BYTES bytes (about a rendered page), with
CommonMiddleware only, under the same uvicorn. Everything a real page costs beyond it is the
project's own stack: sessions, the user, CSRF, context processors, templates and queries.
"""

import os

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-minimal-view",  # noqa: S106 - a throwaway process on loopback
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_TZ=True,
)

from django.core.asgi import get_asgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import re_path  # noqa: E402

BODY = ("<!doctype html><p>" + "练" * (int(os.environ.get("BENCH_MINIMAL_BYTES", "12000")) // 3)).encode()


def page(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [re_path(r"", page)]
application = get_asgi_application()
