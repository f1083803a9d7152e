"""The console shell: header, tabs, prompt, footer. It draws first, then opens the org in a
worker; every network call happens in workers through the one shared Session. A tab's module is
imported and its widgets mounted the first time it is shown, and it starts loading then."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from gctui.text import clean
from gctui.tui import commands, tabs
from gctui.tui.actions import ActionSpec, Entry, Registry, TabDeclaration, bindings
from gctui.tui.context import Paths, TabContext
from gctui.tui.status import live_state
from gctui.tui.tabs.base import FeatureTab, Filterable, WorkerFailed
from gctui.tui.widgets.dataview import DataView
from gctui.tui.widgets.header import HeaderState, StatusHeader
from gctui.tui.widgets.prompt import PromptBar

if TYPE_CHECKING:
    from textual.command import Provider

    from gctui.config import ResolvedProfile
    from gctui.genesys.session import Session
    from gctui.tui.filtering import RowFilter
    from gctui.tui.source import ProfileSource


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


def _actions_provider() -> type[Provider]:
    from gctui.tui.palette import ActionsProvider  # when the palette first opens

    return ActionsProvider


class GctuiApp(App[int]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # also for subclasses defined elsewhere
    TITLE = "gctui"
    # Only the registry's actions: Textual's own (theme, screenshot, maximize…) are not ours.
    COMMANDS = {_actions_provider}
    TABS: ClassVar[tuple[TabDeclaration, ...]] = tabs.TABS
    REGISTRY: ClassVar[Registry] = Registry(TABS)
    BINDINGS = bindings(REGISTRY.app_specs)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass with other ``TABS`` (tests) gets their registry and switch keys."""
        cls.REGISTRY = Registry(cls.TABS)
        cls.BINDINGS = bindings(cls.REGISTRY.app_specs)  # before Textual merges the bindings
        super().__init_subclass__(**kwargs)

    def __init__(
        self,
        source: ProfileSource,
        *,
        keymap: dict[str, str] | None = None,
        read_only: bool = False,
        export_dir: Path | None = None,
        history_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.read_only = read_only
        self.paths = Paths(export_dir=export_dir, history_path=history_path)
        self.session: Session | None = None
        self.context: TabContext | None = None
        self._keymap = keymap or {}
        self._header = HeaderState(read_only=read_only, org=f"{source.label}: connecting…")
        self._open_error: str | None = None
        self._status_bar = StatusHeader(self._header_state)

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self._status_bar
        with TabbedContent(id="tabs"):
            for index, tab in enumerate(self.TABS):
                with TabPane(f"{tab.TAB.key} {tab.TAB.title}", id=tab.TAB.id):
                    if index == 0:  # shown first; the others are mounted when first shown
                        yield tab.load()()
        yield PromptBar()
        yield Footer(show_command_palette=False)  # Ctrl+P is listed by `?`: room for our keys

    def on_mount(self) -> None:
        if self._keymap:
            self.set_keymap(self._keymap)
        # Draw first: the org (and the simulator, with --demo) is opened after the first frame,
        # and the garbage collector, off during start-up (`gctui.cli.launch`), is on again.
        self.call_after_refresh(gc.enable)
        self.call_after_refresh(self.connect)
        self._focus_tab()

    def _header_state(self) -> HeaderState:
        return live_state(self._header, self.session, self._open_error)

    # -- connection ---------------------------------------------------------------------------

    @work(group="connect", exclusive=True, exit_on_error=False)
    async def connect(self) -> None:
        """Open the org (may start the simulator), then learn its name; retry until it works.
        What goes wrong meanwhile is read from the session's state by the header."""
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
        profile = message.profile
        self.read_only = profile.options.read_only
        self.context = TabContext(session=message.session, profile=profile, paths=self.paths)
        self._header = HeaderState(
            org=profile.name,
            region=_region_label(profile),
            read_only=self.read_only,
            production=profile.production,
        )
        tab = self.active_tab()
        if tab is not None:
            tab.start(self.context)
        self.refresh_bindings()  # read-only is known now: write keys go away
        self._status_bar.refresh_status()

    def on_org_known(self, message: OrgKnown) -> None:
        self._header = dataclasses.replace(self._header, org=clean(message.name))
        self._status_bar.refresh_status()

    def on_connection_problem(self, message: ConnectionProblem) -> None:
        self._open_error = message.text
        self._status_bar.refresh_status()

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab = await self._mount_tab(event.pane)
        if tab is not None and self.context is not None:
            tab.start(self.context)  # first shown: start loading now, not at connect
        self.refresh_bindings()

    async def _mount_tab(self, pane: TabPane) -> FeatureTab | None:
        """The tab of ``pane``; the first time, its module is imported and its widgets mounted
        (the tab bar shows every tab, but only the shown ones cost start-up time)."""
        tab = next(iter(pane.query(FeatureTab)), None)
        if tab is None:
            declared = next((t for t in self.TABS if t.TAB.id == pane.id), None)
            if declared is None:
                return None
            tab = declared.load()()
            await pane.mount(tab)
        return tab

    # -- worker errors: the one handler ----------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self._report_worker_error(event.worker, None)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        self._report_worker_error(message.worker, message.tab)

    def _report_worker_error(self, worker: Worker[Any], tab: FeatureTab | None) -> None:
        """A worker raised what nobody planned for: a toast with the message and the
        correlation id, a crash log (no locals, no secrets), and a line in the tab."""
        from gctui.genesys.errors import describe_unexpected
        from gctui.tui.crashlog import crash_text, write_crash_log

        error = worker.error
        if error is None:
            return
        what = describe_unexpected(error)
        corr = getattr(error, "context_id", None)
        if corr and corr not in what:
            what += f" (correlation id {corr})"
        where = tab.title if tab is not None else "gctui"
        path = write_crash_log(crash_text(error, f"worker {worker.name!r} of {where}", self._secrets()))
        saved = f"; details in {path}" if path else ""
        self.notify(f"{worker.name}: {what}{saved}", title=f"{where}: failed", severity="error", timeout=10)
        if tab is not None:
            retry = self.REGISTRY.find_command("retry", type(tab))
            key = f"press {self.key_display(retry.spec)} or " if retry else ""
            tab.worker_failed(what, f"{key}:retry to retry")

    def _secrets(self) -> list[str]:
        opts = self.context.profile.options if self.context else None
        if opts is None:
            return []
        return [s.reveal() for s in (opts.client_secret, opts.access_token) if s is not None]

    def action_retry(self) -> None:
        tab = self.active_tab()
        if tab is not None:
            tab.retry()

    # -- the declarations, live -----------------------------------------------------------------

    def active_tab(self) -> FeatureTab | None:
        tabbed = self.query_one(TabbedContent)
        if not tabbed.active:
            return None
        return next(iter(tabbed.get_pane(tabbed.active).query(FeatureTab)), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """App-level write actions are neither bound nor shown in read-only mode."""
        if self.read_only and any(s.write and s.name == action for s in self.REGISTRY.app_specs):
            return False
        if action in _PROMPT_ACTIONS and not self._prompt_keys_live():
            return False
        tab = self.active_tab()
        if tab is not None and action in self.REGISTRY.replaced_names(type(tab)):
            return False  # the tab has its own (its binding wins; this one is not shown)
        return True

    def _prompt_keys_live(self) -> bool:
        """`/` and `:` (priority keys) open the prompt only from the main screen, never while
        text is being typed into an input or on a dialog."""
        from textual.widgets import Input, TextArea

        return len(self.screen_stack) <= 1 and not isinstance(self.focused, Input | TextArea)

    def live_entries(self) -> list[Entry]:
        """The actions `?` and the palette list: bound now, write actions gone when read-only."""
        tab = self.active_tab()
        return [e for e in self.REGISTRY.live(type(tab) if tab else None) if self._allowed(e, tab)]

    def _allowed(self, entry: Entry, tab: FeatureTab | None) -> bool:
        node = self if entry.tab is None else tab
        return node is not None and node.check_action(entry.spec.name, ()) is not False

    def key_display(self, spec: ActionSpec) -> str:
        keys = self._keymap.get(spec.id, spec.key)
        return ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))

    async def run_entry(self, entry: Entry, argument: str | None = None) -> None:
        """Run a declared action (palette, `:`): its handler with an argument, else its action."""
        tab = self.active_tab()
        if not self._allowed(entry, tab):
            self.notify(f"{entry.spec.text}: not available in read-only mode", severity="warning")
            return
        node: Any = self if entry.tab is None else tab
        command = entry.spec.command
        if argument is not None and command is not None and command.handler:
            result = getattr(node, command.handler)(argument)
            if asyncio.iscoroutine(result):
                await result
            return
        await node.run_action(entry.spec.action)

    # -- app actions ---------------------------------------------------------------------------

    def current_view(self) -> DataView | None:
        tab = self.active_tab()
        return tab.data_view() if tab is not None else None

    def current_filter(self) -> Filterable | None:
        """What `/` filters in the shown tab: its table, or what the tab offers instead."""
        tab = self.active_tab()
        return tab.filter_target() if tab is not None else None

    async def action_show_tab(self, tab_id: str) -> None:
        tabbed = self.query_one(TabbedContent)
        await self._mount_tab(tabbed.get_pane(tab_id))  # mounted before it is shown and focused
        tabbed.active = tab_id
        self._focus_tab()

    def _focus_tab(self) -> None:
        """Focus the tab's table, else the tab: its keys are live only inside the focus chain."""
        tab = self.active_tab()
        target = tab.focus_target() or tab if tab is not None else None
        if target is not None:
            target.focus()

    def action_help(self) -> None:
        from gctui.tui.widgets.help import HelpScreen

        tab = self.active_tab()
        view = tab.data_view() if tab is not None else None
        markable = view is not None and view.markable
        rows = commands.help_rows(self.live_entries(), self.key_display, markable=markable)
        self.push_screen(HelpScreen(tab.title if tab else "gctui", rows))

    def action_filter(self) -> None:
        view = self.current_filter()
        if view is not None:
            self.query_one(PromptBar).open("filter", _typed(view.filter))

    def command_filter(self, text: str) -> None:
        self._apply_filter(text)

    def action_clear_filter(self) -> None:
        view = self.current_filter()
        if view is not None and view.filter.active:
            self._apply_filter("")

    def _apply_filter(self, text: str) -> None:
        view, tab = self.current_filter(), self.active_tab()
        if view is not None and tab is not None:
            view.apply_filter(text)
            tab.filter_changed(view)

    def action_command_line(self) -> None:
        self.query_one(PromptBar).open("command")

    def on_prompt_bar_typed(self, message: PromptBar.Typed) -> None:
        if message.mode == "filter":
            self._apply_filter(message.value)

    async def on_prompt_bar_finished(self, message: PromptBar.Finished) -> None:
        view = self.current_filter()
        if view is not None:
            view.focus()  # first: a command then runs with the table focused, as a key would
        if message.mode == "filter":
            if message.cancelled:
                self._apply_filter("")
            elif view is not None and _typed(view.filter) != message.value.strip():
                # the last letters of a burst reach the prompt after its Enter: kept all the same
                self._apply_filter(message.value)
        elif not message.cancelled and message.value.strip():
            await self.run_command(message.value)

    async def run_command(self, line: str) -> None:
        word, argument = commands.parse(line)
        tab = self.active_tab()
        entry = self.REGISTRY.find_command(word, type(tab) if tab else None)
        if entry is None:
            names = sorted({e.spec.command.name for e in self.live_entries() if e.spec.command})
            self.notify(f"unknown command {word!r}; try: {', '.join(names)}", severity="error")
            return
        await self.run_entry(entry, argument)

    def action_export(self, fmt: str) -> None:
        view, tab = self.current_view(), self.active_tab()
        if view is not None and tab is not None:
            text, ok = commands.export_view(tab, view, fmt, self.paths.export_dir)
            self.notify(text, title="Export", severity="information" if ok else "error", timeout=8)

    def command_export(self, fmt: str) -> None:
        if fmt not in ("csv", "json"):
            self.notify(f"export: unknown format {fmt!r}; use csv or json", severity="error")
            return
        self.action_export(fmt)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """The one gate for toasts. They carry server text (error messages, names, correlation
        ids like "[48a414fd]"): control characters escaped, and never markup, so nothing in
        them is swallowed as a style tag or reaches the terminal raw."""
        super().notify(clean(message), title=clean(title), severity=severity, timeout=timeout, markup=False)

    def _fatal_error(self) -> None:
        """A bug, not an expected failure: no traceback with locals on screen (locals can hold
        secrets). The traceback, without locals, goes to a crash log; one line is printed."""
        import sys

        from rich.text import Text

        from gctui.tui.crashlog import crash_text, write_crash_log

        exc = sys.exc_info()[1]
        path = write_crash_log(crash_text(exc, redact=self._secrets())) if exc else None
        where = f" (details in {path})" if path else ""
        self.bell()
        self._exit_renderables.append(
            Text(f"gctui: internal error: {type(exc).__name__}: {clean(exc)}{where}", style="bold red")
        )
        self._close_messages_no_wait()

    async def action_quit(self) -> None:
        self.exit(0)

    async def on_unmount(self) -> None:
        if self.session is not None:
            await self.session.close()
        await asyncio.to_thread(self.source.close)


_PROMPT_ACTIONS = frozenset({"filter", "command_line"})


def _region_label(profile: ResolvedProfile) -> str:
    region = profile.options.region
    if region.name != "custom":
        return region.name
    return "simulator" if profile.name == "demo" else region.domain


def _typed(flt: RowFilter) -> str:
    """A filter as the prompt shows it."""
    return ("!" if flt.inverted else "") + flt.text if flt.text else ""
