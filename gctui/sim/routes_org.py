"""OAuth token endpoint, organization, limits API and token introspection."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gctui.sim.det import iso
from gctui.sim.errors import error_body, not_found
from gctui.sim.http import Json, runtime
from gctui.sim.paging import listing

NAMESPACES = ("platform.api", "auth.api")


def _oauth_error(status: int, error: str, description: str) -> Response:
    return Json(
        {"error": error, "description": description, "error_description": description}, status_code=status
    )


async def oauth_token(request: Request) -> Response:
    rt = runtime(request)
    form = parse_qs((await request.body()).decode("latin-1"))
    client_id, ok = rt.tokens.client_for(request.headers.get("authorization"))
    if client_id is None:
        return _oauth_error(400, "invalid_request", "client credentials are required in a Basic header")
    grant = form.get("grant_type", [""])[0]
    if grant != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", f"grant type {grant!r} is not supported")
    if not ok:
        return _oauth_error(rt.config.login_error_status, "invalid_client", "authentication failed")
    retry = rt.token_budget.admit(client_id)
    if retry:
        rt.control.token_rate_limited += 1
        cfg = rt.config
        limit = {
            "key": cfg.login_limit_key,
            "namespace": cfg.login_limit_namespace,
            "value": cfg.token_rate_limit,
        }
        body = error_body(
            429,
            "too.many.requests.retry.after",
            f"Rate limit exceeded the maximum. Retry the request in [{retry}] seconds",
            request.state.correlation_id,
            extra={"limit": limit},
        )
        return Json(body, status_code=429, headers={"Retry-After": str(retry)})
    token, ttl = rt.tokens.issue(client_id)
    return Json({"access_token": token, "token_type": "bearer", "expires_in": ttl})


def _org_ref(request: Request) -> dict[str, str]:
    rt = runtime(request)
    return {"id": rt.org.org_id, "name": rt.config.org_name}


async def organization_me(request: Request) -> Response:
    rt = runtime(request)
    oid = rt.org.org_id
    return Json(
        {
            "id": oid,
            "name": rt.config.org_name,
            "defaultLanguage": "en",
            "defaultCountryCode": "US",
            "thirdPartyOrgName": f"simulated-{rt.config.seed}",
            "domain": f"simulated-{rt.config.seed}",
            "version": 42,
            "state": "active",
            "defaultSiteId": "00000000-0000-4000-8000-00000000517e",
            "voicemailEnabled": True,
            "productPlatform": "GenesysCloud",
            "features": {
                "realtimeCIC": False,
                "purecloud": True,
                "hipaa": False,
                "ucEnabled": False,
                "pci": False,
                "purecloudVoice": True,
                "xmppFederation": False,
                "chat": True,
                "informalPhotos": True,
                "directory": True,
                "contactCenter": True,
                "unifiedCommunications": False,
                "custserv": False,
            },
            "selfUri": f"/api/v2/organizations/{oid}",
        }
    )


def _limits(request: Request, namespace: str) -> list[dict[str, Any]]:
    cfg = runtime(request).config
    if namespace == "platform.api":
        return [
            {
                "key": "client.credentials.token.rate.per.minute",
                "namespace": namespace,
                "value": cfg.rate_limit,
            }
        ]
    if namespace == "auth.api":
        return [{"key": cfg.login_limit_key, "namespace": namespace, "value": cfg.token_rate_limit}]
    return []


async def limits_namespace(request: Request) -> Response:
    ns = request.path_params["namespace"]
    if not ns.replace(".", "").replace("-", "").isalnum():
        raise not_found(f"Limit namespace {ns}")
    return Json(listing(request, _limits(request, ns)))


async def limits_defaults(request: Request) -> Response:
    ns = request.path_params["namespace"]
    limits = [dict(x) for x in _limits(request, ns)]
    for x in limits:  # the documented defaults (unverified figures), not the simulator's settings
        x["value"] = 300 if x["namespace"] == "platform.api" else 60
    return Json(listing(request, limits))


async def limits_namespaces(request: Request) -> Response:
    return Json(listing(request, [{"name": n} for n in NAMESPACES]))


async def tokens_me(request: Request) -> Response:
    rt = runtime(request)
    rec = request.state.token
    if request.method == "HEAD":
        return Response(status_code=200)
    if request.method == "DELETE":
        rt.tokens.revoke(request.state.bearer)
        return Response(status_code=204)
    org = _org_ref(request)
    restricted = rec.restricted
    return Json(
        {
            "organization": org,
            "homeOrganization": org,
            "authorizedScope": [
                "analytics:readonly",
                "architect:readonly",
                "integrations",
                "routing:readonly",
                "telephony:readonly",
                "organization:readonly",
            ][: 4 if restricted else 6],
            "OAuthClient": {
                "id": rec.client_id,
                "name": "gctui restricted client" if restricted else "gctui demo client",
                "dateCreated": "2024-01-01T00:00:00.000Z",
                "authorizedGrantType": "CLIENT-CREDENTIALS",
                "state": "active",
                "organization": org,
            },
            "dateTokenIdles": iso(rec.expires_at) if rec.expires_at > 0 else None,
        }
    )


ROUTES = [
    Route("/oauth/token", oauth_token, methods=["POST"]),
    Route("/api/v2/organizations/me", organization_me, methods=["GET"]),
    Route("/api/v2/organizations/limits/namespaces", limits_namespaces, methods=["GET"]),
    Route("/api/v2/organizations/limits/namespaces/{namespace}", limits_namespace, methods=["GET"]),
    Route("/api/v2/organizations/limits/namespaces/{namespace}/defaults", limits_defaults, methods=["GET"]),
    Route("/api/v2/tokens/me", tokens_me, methods=["GET", "HEAD", "DELETE"]),
]
