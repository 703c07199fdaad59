"""Content-Security-Policy: only this site's own scripts, styles, images and sockets.

No inline script or style anywhere (templates use data attributes and static files), so the
policy needs neither nonces nor 'unsafe-inline'. A few lines instead of a dependency: Django 5.2
has no CSP of its own, and the policy is one constant string.
"""

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",  # same-origin websockets included (CSP Level 3)
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


# The same policy for the few views any site may frame (the embeddable signature counter): they
# say so with Django's @xframe_options_exempt, which also lifts X-Frame-Options, so one decorator
# opens both locks and no other page can be framed.
EMBEDDABLE_POLICY = POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        embeddable = getattr(response, "xframe_options_exempt", False)
        response.setdefault("Content-Security-Policy", EMBEDDABLE_POLICY if embeddable else POLICY)
        return response
