"""Project-wide response headers that Django 5.2 does not set itself."""

from django.core.exceptions import DisallowedHost

# Everything the product loads comes from its own origin: scripts only from files (no inline script,
# no eval), styles from files plus the style="width: N%" of progress bars (hence 'unsafe-inline' for
# styles only), images from files and the server-drawn QR SVG, sockets back to the same host.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'{sockets}; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = POLICY.format(sockets=_sockets(request))
        return response


def _sockets(request) -> str:
    """The same host over ws:/wss: ('self' covers them in current browsers, older ones need it said)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    return f" ws://{host} wss://{host}"
