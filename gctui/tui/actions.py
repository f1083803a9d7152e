"""The one action registry. Bindings, the footer, `?` help, `:` commands and the Ctrl+P palette
all read this table; users rebind by action id in the config's [keys] table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding

APP = "app"


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str  # stable id users rebind by, e.g. "health.pause"
    key: str  # default key(s), comma separated, Textual key names
    action: str  # the Textual action run on the scope's node
    description: str  # footer / help / palette text
    scope: str = APP  # "app" or a tab id ("health", ...)
    show: bool = True  # in the footer
    command: str | None = None  # name for the ":" command line
    write: bool = False  # changes the org: left unbound in read-only mode
    priority: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("app.quit", "q", "quit", "Quit", command="quit", priority=False),
    ActionSpec("app.quit_ctrl_c", "ctrl+c", "quit", "Quit", show=False, priority=True),
    ActionSpec("app.help", "question_mark", "help", "Keys", command="help"),
    ActionSpec("app.command", "colon", "command_line", "Command", show=False),
    ActionSpec("app.palette", "ctrl+p", "command_palette", "Palette", show=False),
    ActionSpec("app.filter", "slash", "filter", "Filter", command="filter"),
    ActionSpec("app.filter_clear", "escape", "clear_filter", "Clear filter", show=False),
    ActionSpec("app.export_csv", "e", "export('csv')", "Export CSV", command="export"),
    ActionSpec("app.export_json", "E", "export('json')", "Export JSON", show=False),
    ActionSpec("app.tab.health", "1", "show_tab('health')", "Health tab", show=False, command="health"),
    ActionSpec("health.pause", "p", "toggle_pause", "Pause", scope="health", command="pause"),
    ActionSpec("health.run", "space", "run_now", "Run now", scope="health", command="run"),
    ActionSpec("health.retime", "r", "retime", "Interval", scope="health", command="interval"),
    ActionSpec("health.details", "enter", "details", "Details", scope="health", show=False),
)

_BY_ID = {a.id: a for a in ACTIONS}


def spec(action_id: str) -> ActionSpec:
    return _BY_ID[action_id]


def for_scope(scope: str) -> list[ActionSpec]:
    return [a for a in ACTIONS if a.scope == scope]


def bindings(scope: str, *, read_only: bool = False) -> list[Binding]:
    """Textual bindings for one scope; write actions are absent in read-only mode."""
    return [
        Binding(a.key, a.action, a.description, show=a.show, id=a.id, priority=a.priority)
        for a in for_scope(scope)
        if not (read_only and a.write)
    ]


def unknown_ids(keymap: Mapping[str, str]) -> list[str]:
    return sorted(k for k in keymap if k not in _BY_ID)


def find_command(word: str, scopes: Iterable[str]) -> ActionSpec | None:
    """Resolve a ':' command word: a command name or an action id, in the given scopes."""
    allowed = set(scopes)
    for a in ACTIONS:
        if a.scope in allowed and word in (a.command, a.id):
            return a
    return None


def check_keymap(keymap: Mapping[str, str]) -> None:
    """Refuse a [keys] table that names an action that does not exist (exit 2, nothing runs)."""
    unknown = unknown_ids(keymap)
    if unknown:
        from gctui.cli.errors import EXIT_USAGE, CliError

        valid = ", ".join(a.id for a in ACTIONS)
        raise CliError(f"[keys]: unknown action id {', '.join(unknown)}; valid ids: {valid}", EXIT_USAGE)
