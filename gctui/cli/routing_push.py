"""``gctui routing push`` (the scored table to the BI webhook) and ``gctui routing audit``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from gctui.cli.actions_common import (
    confirm,
    emit_json,
    journal_scope,
    refuse_read_only,
    render_table,
    require_confirmation_channel,
    say,
)
from gctui.cli.routing_common import ScoreRequest, execute, fetch, scored
from gctui.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, GctuiError
from gctui.text import clean

if TYPE_CHECKING:
    from gctui.config import ResolvedProfile
    from gctui.genesys.session import Session
    from gctui.services.routing import PushStore

PREVIEW_ROWS = 5


def open_store(profile: ResolvedProfile) -> PushStore:
    import sqlite3

    from gctui.services.routing import PushStore
    from gctui.services.routing.push import default_store_path

    path = default_store_path()
    try:
        return PushStore(path, journal_scope(profile))
    except (OSError, sqlite3.Error) as exc:
        raise GctuiError(f"cannot open the routing audit {path}: {exc}; nothing sent", EXIT_USAGE) from None


def _webhook(args: argparse.Namespace, profile: ResolvedProfile) -> str:
    from gctui.cli.profile import DEMO_PROFILE
    from gctui.genesys.regions import BadUrlError, check_url

    url = (args.webhook or profile.routing.webhook_url.get_secret_value()).strip()
    if not url and getattr(args, "demo", False) and profile.name == DEMO_PROFILE:
        url = f"{profile.options.region.api_base}/sim/webhooks/routing"  # the simulator's receiver
    if not url:
        raise GctuiError(
            "no BI webhook: pass --webhook URL or set [routing] webhook_url; nothing sent", EXIT_USAGE
        )
    try:
        check_url(url, quiet=True)
    except BadUrlError as exc:
        raise GctuiError(f"--webhook: the URL {exc}; nothing sent", EXIT_USAGE) from None
    return url


def preview(document: dict[str, Any], size: int, digest: str) -> str:
    """What is about to be posted (never the URL: it is a secret)."""
    weights = ", ".join(f"{k}={v:g}" for k, v in document["weights"].items())
    lines = [
        f"timestamp:       {document['timestamp']}",
        f"evaluation type: {document['evaluationType']}",
        f"interval:        {document['interval']}",
        f"weights:         {weights}",
        f"record count:    {document['recordCount']}",
        f"body:            {size} bytes of canonical JSON, SHA-256 {digest}",
        "data (first rows):",
    ]
    key = {"queue": "name", "method": "method", "used": "usedRouting"}[document["evaluationType"]]
    rows = [
        [
            "low vol" if r["lowVolume"] else str(r["rank"]),
            clean(str(r[key]))[:40],
            "-" if r["score"] is None else f"{r['score']:.3f}",
            str(r["offered"]),
        ]
        for r in document["data"][:PREVIEW_ROWS]
    ]
    table = render_table(("RANK", key.upper(), "SCORE", "OFFERED"), rows, frozenset({0, 2, 3}))
    lines += [f"  {line}" for line in table.splitlines()]
    if document["recordCount"] > PREVIEW_ROWS:
        lines.append(f"  … and {document['recordCount'] - PREVIEW_ROWS} more")
    return "\n".join(lines)


def run_push(args: argparse.Namespace) -> int:
    def before(profile: ResolvedProfile) -> None:
        # refused before anything is read or sent
        refuse_read_only(args, profile, "gctui routing push (it posts to a webhook)")
        _webhook(args, profile)
        require_confirmation_channel(args)

    async def work(session: Session, profile: ResolvedProfile, req: ScoreRequest) -> int:
        from gctui.services.routing import canonical_json, envelope, push, settings_doc, sha256

        url = _webhook(args, profile)
        dataset = await fetch(session, profile, req)
        _, records = scored(dataset, req)
        document = envelope(
            records,
            interval=dataset.interval.iso(),
            weights=req.settings.active(),
            evaluation_type=req.by,
            settings=settings_doc(req.settings),
        )
        body = canonical_json(document)
        print(preview(document, len(body), sha256(body)), file=sys.stderr)
        if not args.yes and not confirm(f"post {len(records)} records to the BI webhook?"):
            say("not posted; nothing sent")
            return EXIT_USAGE
        cfg = profile.routing
        headers = {k: v.get_secret_value() for k, v in cfg.webhook_headers.items()}
        with open_store(profile) as store:
            outcome = await push(store, url, document, headers=headers, timeout=cfg.webhook_timeout)
        if not outcome.ok:
            say(f"BI push failed: {outcome.error} (audited: SHA-256 {outcome.sha256})")
            return EXIT_FAILED
        say(
            f"posted {outcome.record['rows']} records ({outcome.size} bytes, SHA-256 {outcome.sha256}): "
            f"HTTP {outcome.status} in {outcome.latency_ms:.0f} ms"
        )
        return EXIT_OK

    return execute(args, work, before=before)


def run_audit(args: argparse.Namespace) -> int:
    from gctui.cli.profile import open_profile

    with open_profile(args, require_credentials=False) as profile, open_store(profile) as store:
        records = store.audit_records()
    if args.json:
        emit_json({"count": len(records), "pushes": records})
        return EXIT_OK
    if not records:
        print("no BI push yet from this profile")
        return EXIT_OK
    rows = [
        [
            str(r.get("at", "")),
            str(r.get("interval", "")),
            ",".join(f"{k}={v:g}" for k, v in (r.get("weights") or {}).items()),
            str(r.get("rows", "")),
            str(r.get("status") if r.get("status") is not None else "-"),
            f"{r.get('latencyMs', 0):.0f}ms",
            str(r.get("state", "")),
            str(r.get("sha256", ""))[:16],
        ]
        for r in records
    ]
    print(
        render_table(
            ("AT", "INTERVAL", "WEIGHTS", "ROWS", "STATUS", "LATENCY", "STATE", "SHA-256"),
            rows,
            frozenset({3, 5}),
        )
    )
    sys.stdout.flush()
    return EXIT_OK
