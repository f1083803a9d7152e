"""The console shell: header, tabs, prompt, footer. It draws first, then opens the org in a
worker; every network call happens in workers through the one shared Session."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Footer, Static, TabbedContent, TabPane

from gctui.config import ResolvedProfile
from gctui.text import duration
from gctui.tui import actions
from gctui.tui.export import default_export_dir, export_records, export_rows
from gctui.tui.palette import ActionsProvider
from gctui.tui.source import ProfileSource
from gctui.tui.tabs import TABS, FeatureTab
from gctui.tui.widgets.dataview import DataView
from gctui.tui.widgets.header import HeaderState, StatusHeader, budget_text, token_text
from gctui.tui.widgets.help import HelpScreen
from gctui.tui.widgets.prompt import PromptBar

if TYPE_CHECKING:
    from gctui.genesys.session import Session


class Connected(Message):
    def __init__(self, profile: ResolvedProfile, session: Session) -> None:
        super().__init__()
        self.profile = profile
        self.session = session


class OrgKnown(Message):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class ConnectionProblem(Message):
    def __init__(self, text: str | None) -> None:
        super().__init__()
        self.text = text


class GctuiApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "gctui"
    BINDINGS = actions.bindings(actions.APP)
    # Only the registry's actions: Textual's own (theme, screenshot, maximize…) are not ours.
    COMMANDS = {ActionsProvider}

    def __init__(
        self,
        source: ProfileSource,
        *,
        keymap: dict[str, str] | None = None,
        read_only: bool = False,
        export_dir: Any = None,
        history_path: Any = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.read_only = read_only
        self.export_dir = export_dir
        self.history_path = history_path
        self.session: Session | None = None
        self.profile: ResolvedProfile | None = None
        self._keymap = keymap or {}
        self._header = HeaderState(read_only=read_only, org=f"{source.label}: connecting…")
        self._open_error: str | None = None
        self._banner: str | None = None

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        yield Static("", id="connection")
        with TabbedContent(id="tabs"):
            for tab in TABS:
                with TabPane(f"{tab.key} {tab.title}", id=tab.id):
                    yield tab.factory()
        yield PromptBar()
        yield Footer()

    def on_mount(self) -> None:
        if self._keymap:
            self.set_keymap(self._keymap)
        self.query_one(StatusHeader).show(self._header)
        self.set_interval(1.0, self._tick_header)
        # Draw first: the org (and the simulator, with --demo) is opened after the first frame.
        self.call_after_refresh(self.connect)
        view = self.current_view()
        if view is not None:
            view.focus()

    # -- connection ---------------------------------------------------------------------------

    @work(group="connect", exclusive=True, exit_on_error=False)
    async def connect(self) -> None:
        """Open the org (may start the simulator), then learn its name; retry until it works.
        What goes wrong meanwhile is read from the session's state by the header tick."""
        try:
            profile = await asyncio.to_thread(self.source.open)
        except Exception as exc:  # the demo could not start; a config was validated before
            self.post_message(ConnectionProblem(f"cannot open {self.source.label}: {exc}"))
            return
        from gctui.genesys.session import Session

        session = Session.create(profile.options)
        self.post_message(Connected(profile, session))
        from gctui.genesys.errors import CircuitOpenError, GenesysError

        delay = 2.0
        while True:
            try:
                org = await session.pool.run("organization", lambda _job: session.api.organization())
            except CircuitOpenError as exc:
                await asyncio.sleep(max(1.0, exc.retry_in))
                continue
            except GenesysError:
                await asyncio.sleep(delay)
                delay = min(60.0, delay * 2)
                continue
            self.post_message(OrgKnown(org.name))
            return

    def on_connected(self, message: Connected) -> None:
        self.session = message.session
        self.profile = message.profile
        opts = message.profile.options
        self.read_only = opts.read_only
        self._header = HeaderState(
            org=message.profile.name,
            region=_region_label(message.profile),
            read_only=opts.read_only,
            production=message.profile.production,
        )
        for tab in self.query(FeatureTab):
            tab.attach(message.session, message.profile)
        self._tick_header()

    def on_org_known(self, message: OrgKnown) -> None:
        self._header = _replace(self._header, org=message.name)
        self._tick_header()

    def on_connection_problem(self, message: ConnectionProblem) -> None:
        self._open_error = message.text
        self._tick_header()

    def _problem(self) -> tuple[str | None, str | None]:
        """(header word, banner line) for what is wrong with the link or the login now."""
        if self._open_error:
            return "offline", self._open_error
        if self.session is None:
            return None, None
        client = self.session.client
        tok = client.tokens.status()
        if client.link_error is not None:
            since = time.monotonic() - (client.link_down_since or time.monotonic())
            return "offline", (
                f"Link down for {duration(since)}: {client.link_error}. Retrying; the rows show "
                "the last answers."
            )
        if str(tok.breaker) != "closed":
            return "login blocked", (
                f"Login failed {tok.consecutive_failures} times ({tok.last_error}); next try in "
                f"{duration(tok.breaker_retry_in)}."
            )
        if tok.last_outcome in ("failed", "rejected by API"):
            return "login failed", f"{tok.last_error}. Retrying."
        return None, None

    def _tick_header(self) -> None:
        state = self._header
        problem, banner_text = self._problem()
        if self.session is not None:
            tok = self.session.client.tokens.status()
            bud = self.session.client.governor.status()
            token, token_warn = token_text(tok.expires_in, tok.static, tok.has_token)
            budget, budget_warn = budget_text(bud.used, bud.in_flight, bud.limit, bud.throttled, bud.held_for)
            state = _replace(
                state, token=token, token_warn=token_warn, budget=budget, budget_warn=budget_warn
            )
        self.query_one(StatusHeader).show(_replace(state, problem=problem))
        banner = self.query_one("#connection", Static)
        if banner_text != self._banner:
            self._banner = banner_text
            banner.set_class(banner_text is not None, "shown")
            banner.update(banner_text or "")

    # -- registry-driven actions --------------------------------------------------------------

    def active_tab(self) -> FeatureTab | None:
        tabs = self.query_one(TabbedContent)
        if not tabs.active:
            return None
        pane = tabs.get_pane(tabs.active)
        return next(iter(pane.query(FeatureTab)), None)

    def active_scopes(self) -> list[str]:
        tab = self.active_tab()
        return [actions.APP] + ([tab.scope] if tab is not None else [])

    async def run_spec(self, spec: actions.ActionSpec, argument: str | None = None) -> None:
        if self.read_only and spec.write:
            self.notify(f"{spec.description}: not available in read-only mode", severity="warning")
            return
        node: Any = self if spec.scope == actions.APP else self.active_tab()
        if node is None:
            return
        if argument is not None and hasattr(node, f"command_{spec.command}"):
            await getattr(node, f"command_{spec.command}")(argument)
            return
        await node.run_action(spec.action)

    def current_view(self) -> DataView | None:
        tab = self.active_tab()
        return tab.data_view() if tab is not None else None

    def action_show_tab(self, tab_id: str) -> None:
        tabs = self.query_one(TabbedContent)
        if any(t.id == tab_id for t in TABS):
            tabs.active = tab_id
            view = self.current_view()
            if view is not None:
                view.focus()

    def action_help(self) -> None:
        """Every key of the focused screen: the registry's actions (with rebinds applied), the
        `:` commands, then the table's own navigation keys."""
        from textual.binding import Binding

        rows: list[tuple[str, str, str]] = []
        scopes = self.active_scopes()
        specs = [a for a in actions.ACTIONS if a.scope in scopes and not (self.read_only and a.write)]
        for spec in specs:
            keys = self._keymap.get(spec.id, spec.key)
            shown = ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))
            rows.append((shown, spec.description, spec.id))
        for spec in specs:
            if spec.command:
                usage = {"filter": " TEXT", "interval": " SECONDS", "export": " csv|json"}.get(
                    spec.command, ""
                )
                rows.append((f":{spec.command}{usage}", spec.description, "command"))
        rows.append(("↑↓ PgUp PgDn", "Move (Home/End: ends)", "table"))
        rows.append(("←→", "Scroll sideways", "table"))
        tab = self.active_tab()
        self.push_screen(HelpScreen(tab.title if tab else "gctui", rows))

    def action_filter(self) -> None:
        view = self.current_view()
        if view is None:
            return
        self.query_one(PromptBar).open(
            "filter", view.filter.text and (("!" if view.filter.inverted else "") + view.filter.text)
        )

    def action_clear_filter(self) -> None:
        view = self.current_view()
        if view is not None and view.filter.active:
            view.apply_filter("")
            self._filter_changed(view)

    def action_command_line(self) -> None:
        self.query_one(PromptBar).open("command")

    def on_prompt_bar_typed(self, message: PromptBar.Typed) -> None:
        view = self.current_view()
        if message.mode == "filter" and view is not None:
            view.apply_filter(message.value)
            self._filter_changed(view)

    async def on_prompt_bar_finished(self, message: PromptBar.Finished) -> None:
        view = self.current_view()
        if view is not None:
            view.focus()  # first: a command then runs with the table focused, as a key would
        if message.mode == "filter":
            if message.cancelled and view is not None:
                view.apply_filter("")
                self._filter_changed(view)
        elif not message.cancelled and message.value.strip():
            await self.run_command(message.value)

    def _filter_changed(self, view: DataView) -> None:
        tab = self.active_tab()
        if tab is not None:
            tab.filter_changed(view)

    async def run_command(self, line: str) -> None:
        word, _, rest = line.strip().lstrip(":").partition(" ")
        rest = rest.strip()
        word = {"q": "quit", "q!": "quit", "h": "help"}.get(word, word)  # vi/k9s habits
        if word == "filter":
            view = self.current_view()
            if view is not None:
                view.apply_filter(rest)
                self._filter_changed(view)
            return
        if word == "export":
            fmt = rest or "csv"
            if fmt not in ("csv", "json"):
                self.notify(f"export: unknown format {fmt!r}; use csv or json", severity="error")
                return
            self.action_export(fmt)
            return
        spec = actions.find_command(word, self.active_scopes())
        if spec is None:
            names = sorted(
                {a.command for a in actions.ACTIONS if a.command and a.scope in self.active_scopes()}
            )
            self.notify(f"unknown command {word!r}; try: {', '.join(names)}", severity="error")
            return
        await self.run_spec(spec, rest or None)

    def action_export(self, fmt: str) -> None:
        view = self.current_view()
        tab = self.active_tab()
        if view is None or tab is None:
            return
        keys = view.visible_keys()
        directory = self.export_dir or default_export_dir()
        try:
            records = tab.export_records(keys)
            if records is not None:
                path = export_records(records, fmt=fmt, directory=directory, stem=tab.scope)
            else:
                path = export_rows(
                    view.column_labels(),
                    view.visible_plain_rows(),
                    fmt=fmt,
                    directory=directory,
                    stem=tab.scope,
                )
        except OSError as exc:
            self.notify(f"export failed: {exc}", severity="error")
            return
        hidden = view.total - len(keys)
        extra = f" ({hidden} hidden by the filter)" if hidden else ""
        noun = "row" if len(keys) == 1 else "rows"
        self.notify(f"exported {len(keys)} {noun}{extra} to {path}", title="Export", timeout=8)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Toasts carry API text (error messages, correlation ids like "[48a414fd]", paths):
        never markup, so nothing in them is swallowed as a style tag."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _fatal_error(self) -> None:
        """A bug, not an expected failure: no traceback with locals on screen (locals can hold
        secrets). The traceback, without locals, goes to a crash log; one line is printed."""
        import sys
        import traceback

        from rich.text import Text

        from gctui.tui.crashlog import write_crash_log

        exc = sys.exc_info()[1]
        path = write_crash_log("".join(traceback.format_exc()))
        where = f" (details in {path})" if path else ""
        self.bell()
        self._exit_renderables.append(
            Text(f"gctui: internal error: {type(exc).__name__}: {exc}{where}", style="bold red")
        )
        self._close_messages_no_wait()

    async def action_quit(self) -> None:
        self.exit(0)

    async def on_unmount(self) -> None:
        if self.session is not None:
            await self.session.close()
        await asyncio.to_thread(self.source.close)


def _region_label(profile: ResolvedProfile) -> str:
    region = profile.options.region
    if region.name != "custom":
        return region.name
    return "simulator" if profile.name == "demo" else region.domain


def _replace(state: HeaderState, **changes: Any) -> HeaderState:
    import dataclasses

    return dataclasses.replace(state, **changes)
