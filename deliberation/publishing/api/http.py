"""The open API's plumbing: JSON, pagination, conditional GET, rate limit, CORS.

Every answer is JSON (UTF-8, keys in English but the four French ones docs/api.md names), cacheable by ETag (a hash of the body) and
Last-Modified (the manifesto's last journalled change, when the resource has one), so a
newsroom polling every minute gets 304 Not Modified for almost nothing. Bodies of resources
under a manifesto are kept in the cache for a few seconds per journal seq.
"""

import hashlib
import json
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from manifesto.bounded import MAX_INT, parse_int
from manifesto.signatures import ratelimit
from manifesto.signatures.views import client_ip

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Short: some public facts (agoras, signatures) change without a journal event.
BODY_CACHE_SECONDS = 10


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}, content_type="application/json; charset=utf-8"
    )


def _cors(response):
    # Read-only public data: any page may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
    return response


def endpoint(view):
    """GET/HEAD only, rate-limited per address, JSON body with ETag and Last-Modified.

    The view returns (data, last_modified datetime or None, cache_key or None).
    Exempt from the CSRF check: it never changes anything, and a POST, PUT or DELETE must get
    the 405 in JSON that docs/api.md promises, not the CSRF middleware's HTML page.
    """

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            return _cors(response)
        if request.method not in ("GET", "HEAD"):
            response = error(405, _("Cette API est en lecture seule : GET uniquement."))
            response["Allow"] = "GET, HEAD, OPTIONS"
            return _cors(response)
        window = settings.API_RATE_WINDOW_SECONDS
        if not ratelimit.hit(scope="api", ip=client_ip(request), limit=settings.API_RATE_LIMIT, window=window):
            response = error(429, _("Trop de requêtes : réessayez dans quelques instants."))
            response["Retry-After"] = str(ratelimit.retry_after(window))
            return _cors(response)
        try:
            body, last_modified = _body(view, request, *args, **kwargs)
        except ApiError as refusal:
            return _cors(error(refusal.status, refusal.message))
        except Http404:
            return _cors(error(404, _("Rien à cette adresse.")))
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        timestamp = last_modified.timestamp() if last_modified else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if not_modified is not None:
            return _cors(not_modified)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["ETag"] = etag
        if timestamp:
            response["Last-Modified"] = http_date(timestamp)
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        return _cors(response)

    return wrapper


def _body(view, request, *args, **kwargs) -> tuple[bytes, object]:
    data, last_modified, key = view(request, *args, **kwargs)
    if callable(data):  # a lazy body, built only on a cache miss
        full_key = f"api:{key}:{request.get_full_path()}" if key else None
        cached = cache.get(full_key) if full_key else None
        if cached is not None:
            return cached, last_modified
        body = _dumps(data())
        if full_key:
            cache.set(full_key, body, BODY_CACHE_SECONDS)
        return body, last_modified
    return _dumps(data), last_modified


def _dumps(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode("utf-8")


def _positive(value: str, *, name: str, default: int) -> int:
    if value == "":
        return default
    number = parse_int(value, maximum=MAX_INT)
    if number is None:
        raise ApiError(400, _("Le paramètre « %(name)s » doit être un entier positif.") % {"name": name})
    return number


def paginate(request, items, shape) -> dict:
    """{"count", "next", "previous", "results"}: ?page=N (from 1) and ?per_page= (up to 200)."""
    page = _positive(request.GET.get("page", ""), name="page", default=1)
    per_page = min(_positive(request.GET.get("per_page", ""), name="per_page", default=PAGE_SIZE), MAX_PAGE_SIZE)
    count = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    start = (page - 1) * per_page
    if page > 1 and start >= count:
        raise ApiError(404, _("Cette page n'existe pas."))
    rows = items[start : start + per_page]

    def link(number):
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(request.path + "?" + query.urlencode())

    return {
        "count": count,
        "next": link(page + 1) if start + per_page < count else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": [shape(row) for row in rows],
    }
