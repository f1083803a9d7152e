"""`gctui config check|path`: prove the configuration works before anything else runs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from gctui.cli import interrupt
from gctui.errors import EXIT_FAILED, EXIT_OK
from gctui.text import clean, duration


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("config", help="check or locate the configuration")
    cmds = parser.add_subparsers(dest="config_command", metavar="SUBCOMMAND", required=True)
    check = cmds.add_parser(
        "check", help="load the config, fetch a token, show org, region, token expiry and rate budget"
    )
    check.add_argument("--json", action="store_true", help="one JSON document on stdout")
    check.set_defaults(func=run_check)
    path = cmds.add_parser("path", help="print the config file in use (or where one would be read)")
    path.set_defaults(func=run_path)


def run_path(args: argparse.Namespace) -> int:
    from gctui.config import default_config_path, load_settings, overrides_from_args

    settings = load_settings(overrides_from_args(args))
    where = settings.source_path or default_config_path()
    state = "" if settings.source_path else "  (not present; env vars and flags only)"
    print(f"{where}{state}")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    from gctui.cli.profile import open_profile

    with open_profile(args) as profile:
        from gctui.tui.actions import check_keymap

        check_keymap(profile.keys)  # the console would refuse them: so does the check
        report = interrupt.run(_check(profile))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_human(report)
    if not report["ok"]:
        if not args.json:
            print(f"gctui: config check failed: {clean(report['error'])}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


async def _check(profile: Any) -> dict[str, Any]:
    from gctui.genesys.errors import GenesysError
    from gctui.genesys.session import Session

    opts = profile.options
    report: dict[str, Any] = {
        "ok": False,
        "profile": profile.name,
        "configFile": str(profile.source_path) if profile.source_path else None,
        "region": opts.region.name,
        "apiBase": opts.region.api_base,
        "loginBase": opts.region.login_base,
        "readOnly": opts.read_only,
        "auth": "access token" if opts.access_token is not None else "client credentials",
        "org": None,
        "error": None,
    }
    async with Session.create(opts) as session:
        try:
            org = await session.api.organization()
            report["org"] = {"id": org.id, "name": org.name, "state": org.state}
            report["ok"] = True
        except GenesysError as exc:
            report["error"] = str(exc)
        tok = session.client.tokens.status()
        budget = session.client.governor.status()
    report["token"] = {
        "expiresInSeconds": round(tok.expires_in) if tok.expires_in is not None else None,
        "lifetimeSeconds": round(tok.lifetime) if tok.lifetime is not None else None,
        "refreshes": tok.refreshes,
        "lastOutcome": tok.last_outcome,
        "breaker": str(tok.breaker),
    }
    report["rateLimit"] = {
        "limit": budget.limit,
        "windowSeconds": budget.window,
        "source": budget.source,
        "usedInWindow": budget.used,
        "throttled": budget.throttled,
        "lastLimitHit": budget.last_limit.describe() if budget.last_limit else None,
    }
    return report


def _print_human(r: dict[str, Any]) -> None:
    """The report as aligned lines, each through ``clean``: the org name and id, the token outcome
    and the rate-limit source come from a server, and a terminal must never receive its control
    characters. ``--json`` keeps the raw strings (JSON escapes them itself)."""
    tok, rate = r["token"], r["rateLimit"]
    expiry = tok["expiresInSeconds"]
    expires = f", expires in {duration(expiry)}" if expiry is not None else ""
    lines = [
        ("profile", f"{r['profile']}" + (f"  ({r['configFile']})" if r["configFile"] else "")),
        ("region", f"{r['region']}  {r['apiBase']}  (login {r['loginBase']})"),
        ("mode", "read-only" if r["readOnly"] else "read-write"),
        ("org", f"{r['org']['name']}  ({r['org']['id']})" if r["org"] else "-"),
        ("token", f"{r['auth']}, {tok['lastOutcome']}{expires}"),
        (
            "rate limit",
            f"{rate['limit']} per {duration(rate['windowSeconds'])} ({rate['source']}), "
            f"{rate['usedInWindow']} used, {rate['throttled']} throttled",
        ),
    ]
    for key, value in lines:
        print(f"{key:<11} {clean(value)}")
