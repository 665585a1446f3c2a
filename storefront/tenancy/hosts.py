"""Host routing: with ``STOREFRONT_BASE_DOMAIN``, ``<slug>.<base domain>`` serves that store.

A thin WSGI layer maps ``acme.shops.example/p/lamp`` onto the path route ``/acme/p/lamp``, so
everything behind it (resolution, status gate, caches) is the one path-routing code. Links the
app builds keep their ``/acme/…`` form, which the layer leaves as it is on the store's host.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

HOST_LEVEL = ("/static/", "/robots.txt", "/healthz", "/readyz", "/platform/")
LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
ENVIRON_KEY = "storefront.host_slug"


class HostRouting:
    """WSGI middleware prefixing store-host requests with the store's slug."""

    def __init__(self, app: Any, base_domain: str) -> None:
        self.app = app
        self.suffix = "." + base_domain.lower().strip(".")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        host = (environ.get("HTTP_HOST") or "").split(":", 1)[0].lower()
        if host.endswith(self.suffix):
            label = host[: -len(self.suffix)]
            if LABEL.match(label) and label != "www":
                path = environ.get("PATH_INFO") or "/"
                environ[ENVIRON_KEY] = label
                own = path == f"/{label}" or path.startswith(f"/{label}/")
                if not own and not path.startswith(HOST_LEVEL):
                    environ["PATH_INFO"] = f"/{label}{path}"
        return self.app(environ, start_response)  # type: ignore[no-any-return]


def moved_host_url(environ: dict[str, Any], new_slug: str, rest: str) -> str | None:
    """For a request that came in on an old store host: the same page on the new host."""
    label = environ.get(ENVIRON_KEY)
    if not label:
        return None
    host = environ.get("HTTP_HOST", "")
    new_host = new_slug + host[len(label):]
    scheme = environ.get("wsgi.url_scheme", "http")
    return f"{scheme}://{new_host}/{rest}"
