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


_MODIFIERS = ("ctrl", "shift", "alt", "super", "meta", "hyper")


def _valid_key(key: str) -> bool:
    """A Textual key name: a printable character or its name (``question_mark``), a named key
    (``space``, ``enter``, ``f5``…), with optional modifiers (``ctrl+r``)."""
    from textual.keys import KEY_ALIASES, Keys, _character_to_key

    *mods, base = key.split("+")
    if any(m not in _MODIFIERS for m in mods) or not base:
        return False
    if len(base) == 1 and base.isprintable():
        return True
    names = {k.value.split("+")[-1] for k in Keys} | set(KEY_ALIASES) | {"space", "enter"}
    names |= {_character_to_key(chr(c)) for c in range(33, 127)}
    return base in names


def check_keymap(keymap: Mapping[str, str]) -> None:
    """Refuse a [keys] table that would not work (exit 2, nothing runs): an unknown action id,
    a key Textual cannot produce, or one key given to two actions that are live together."""
    from gctui.errors import EXIT_USAGE, GctuiError

    unknown = unknown_ids(keymap)
    if unknown:
        valid = ", ".join(a.id for a in ACTIONS)
        raise GctuiError(f"[keys]: unknown action id {', '.join(unknown)}; valid ids: {valid}", EXIT_USAGE)
    for action_id, keys in keymap.items():
        for key in (k.strip() for k in keys.split(",")):
            if not _valid_key(key):
                raise GctuiError(
                    f'[keys]: {action_id!r} = {key!r} is not a key name; use e.g. "r", "ctrl+r", '
                    '"f5", "space", "question_mark"',
                    EXIT_USAGE,
                )
    effective = {a.id: [k.strip() for k in keymap.get(a.id, a.key).split(",")] for a in ACTIONS}
    for scope in {a.scope for a in ACTIONS}:
        live = [a for a in ACTIONS if a.scope in (APP, scope)]
        owner: dict[str, str] = {}
        for a in live:
            for key in effective[a.id]:
                other = owner.setdefault(key, a.id)
                if other != a.id and _BY_ID[other].action != a.action:
                    raise GctuiError(
                        f"[keys]: {key!r} is bound to both {other} and {a.id}; give one of them another key",
                        EXIT_USAGE,
                    )
