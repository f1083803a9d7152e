"""``gctui scale apply``: post each node group's scale-up to the scaling webhook.

Refused before anything is read or sent (exit 2): read-only mode, no webhook, no terminal to
confirm on without --yes, a bad --webhook URL. Then per group (exit 1 when any was refused,
cooled down or unanswered, listed on stderr): journal -> POST (Idempotency-Key) -> health probes
-> audit. With --demo and no webhook configured, the simulator's own receiver is used."""

from __future__ import annotations

import argparse

from gctui.cli.actions_common import confirm, refuse_read_only, require_confirmation_channel, say
from gctui.cli.scale_common import Context, execute
from gctui.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, GctuiError
from gctui.text import clean


def run_apply(args: argparse.Namespace) -> int:
    if args.webhook is not None:
        from gctui.genesys.regions import BadUrlError, check_url

        try:
            check_url(args.webhook, quiet=True)
        except BadUrlError as exc:
            raise GctuiError(f"--webhook: the URL {exc}; nothing sent", EXIT_USAGE) from None
    require_confirmation_channel(args)
    return execute(args, _apply)


def webhook_url(ctx: Context) -> str | None:
    from gctui.services.scaling.service import webhook_url as resolve

    base = ctx.profile.options.region.api_base
    return resolve(ctx.profile.scaling, ctx.profile.name, base, ctx.args.webhook)


async def _apply(ctx: Context) -> int:
    from gctui.services.scaling import ApplyRefused
    from gctui.services.scaling.verify import probe_verifier

    refuse_read_only(ctx.args, ctx.profile, "scaling apply")
    url = webhook_url(ctx)
    target = ctx.service.target(url)
    if target is None:
        raise GctuiError("no scaling webhook: set [scaling] webhook_url or pass --webhook URL; nothing sent")
    plans = [
        p for p in ctx.view.plans if _chosen(ctx, p.recommendation.group.id, p.recommendation.group.name)
    ]
    if ctx.args.group and not plans:
        raise GctuiError(f"no edge group {clean(ctx.args.group)!r} in this org; nothing sent")
    resumable = {
        p.recommendation.group.id for p in plans if ctx.service.store.open_entry(p.recommendation.group.id)
    }
    todo = [p for p in plans if p.recommendation.scale_up or p.recommendation.group.id in resumable]
    if not todo:
        say("no node group needs scaling: nothing to apply")
        return EXIT_OK
    for p in todo:
        rec = p.recommendation
        entry = ctx.service.store.open_entry(rec.group.id)
        if entry is not None:  # what goes is the journaled apply, not a new one
            print(
                f"{clean(rec.group.name)}: {entry.current_nodes} -> {entry.requested_nodes} nodes "
                "(re-sending the unanswered apply, same bytes, same Idempotency-Key)"
            )
            print(f"  payload: {clean(entry.payload.decode())}\n  sha256:  {entry.sha256}")
            continue
        print(f"{clean(rec.group.name)}: {rec.current_nodes} -> {rec.requested_nodes} nodes")
        for reason in rec.reasons:
            print(f"  - {clean(reason)}")
        print(f"  payload: {clean(p.payload.decode())}\n  sha256:  {p.sha256}")
    if not ctx.args.yes and not confirm(f"post {len(todo)} scaling request(s) to the webhook?"):
        say("cancelled; nothing sent")
        return EXIT_USAGE
    verify = probe_verifier(ctx.session, ctx.profile) if ctx.profile.scaling.verify else None
    failed: list[str] = []
    for p in todo:
        name = clean(p.recommendation.group.name)
        try:
            out = await ctx.service.apply(p, target=target, verify=verify)
        except ApplyRefused as exc:
            if exc.usage:
                raise GctuiError(exc.message, EXIT_USAGE) from None
            failed.append(name)
            say(f"{name}: {exc.message}")
            continue
        what = f"HTTP {out.status_code}" if out.status_code is not None else out.response
        verified = f"; verified: {out.verification.summary}" if out.verification else ""
        resent = " (resent)" if out.resumed else ""
        say(
            f"{name}: {out.outcome}{resent} ({what}, {out.attempts} attempt(s), "
            f"{out.latency_ms:.0f} ms){verified}"
        )
        if not out.ok:
            failed.append(name)
    if failed:
        say(f"{len(failed)} of {len(todo)} not applied: {', '.join(failed)}")
        return EXIT_FAILED
    return EXIT_OK


def _chosen(ctx: Context, group_id: str, group_name: str) -> bool:
    wanted = ctx.args.group
    return not wanted or wanted == group_id or wanted.lower() == group_name.lower()
