"""The address a request came from, when proxies stand between the reader and the app.

Behind nginx, every request reaches the app from 127.0.0.1; nginx passes the
reader's address in ``X-Forwarded-For``, appending the address it was reached
from to whatever the request already carried. Only the entries the trusted
proxies appended can be believed (a reader can send any header), so the
address is the one ``PROXY_COUNT`` places from the right.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The reader's address as the outermost trusted proxy saw it, else the peer's."""
    peer = request.META.get("REMOTE_ADDR")
    if settings.PROXY_COUNT == 0:
        return peer
    forwarded = [entry.strip() for entry in request.headers.get("x-forwarded-for", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < settings.PROXY_COUNT:
        return peer  # not through the proxies: the peer itself is the reader
    candidate = forwarded[-settings.PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
