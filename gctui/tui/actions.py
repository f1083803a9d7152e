"""The one action registry. The app's own actions are declared here; each feature tab declares
its title, key and actions in its own module (``FeatureTab.TAB``/``ACTIONS``). Bindings, the
footer, `?` help, `:` commands and the Ctrl+P palette all read these declarations; users rebind
by action id in the config's [keys] table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Protocol

from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from gctui.tui.tabs.base import FeatureTab


@dataclass(frozen=True, slots=True)
class Command:
    """A `:` command. Without an argument it runs the action, as the key would; with one it
    calls ``handler`` (a method of the same node taking the argument as a string)."""

    name: str
    usage: str = ""  # the argument, as help shows it: "SECONDS", "csv|json"
    handler: str = ""  # required when ``usage`` is set


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str  # stable id users rebind by, e.g. "health.pause"
    key: str  # default key(s), comma separated, Textual key names
    action: str  # the Textual action run on the scope's node, e.g. "export('csv')"
    label: str  # footer text: short
    description: str = ""  # help and palette text (default: the label)
    show: bool = True  # in the footer
    command: Command | None = None
    write: bool = False  # changes the org: neither bound nor listed in read-only mode
    priority: bool = False
    group: str | None = None  # footer: consecutive actions of one group share one label
    replaces: str | None = None  # a tab's action: the id of the app action it stands for in that tab

    @property
    def name(self) -> str:
        """The action's method name without ``action_`` or parameters."""
        return self.action.partition("(")[0]

    @property
    def text(self) -> str:
        return self.description or self.label


@dataclass(frozen=True, slots=True)
class TabSpec:
    id: str  # the pane id and the prefix of the tab's action ids
    title: str
    key: str  # the key that shows it, also its `:` command is the id


class TabDeclaration(Protocol):
    """A tab as the registry and the tab bar know it: its declarations, and its class when it
    is first shown. A :class:`FeatureTab` subclass is one (``load`` returns the class itself);
    a :class:`LazyTab` imports the tab's module only then."""

    @property
    def TAB(self) -> TabSpec: ...

    @property
    def ACTIONS(self) -> tuple[ActionSpec, ...]: ...

    def load(self) -> type[FeatureTab]: ...


@dataclass(frozen=True, slots=True)
class LazyTab:
    """A tab declared by its light ``*_keys`` module: the key registry, the tab bar and `?`
    read ``TAB`` and ``ACTIONS``; the module with the tab's widgets (``path``,
    ``"package.module:Class"``) is imported when the tab is first shown."""

    TAB: TabSpec
    ACTIONS: tuple[ActionSpec, ...]
    path: str

    def load(self) -> type[FeatureTab]:
        import importlib

        module, _, name = self.path.partition(":")
        cls: type[FeatureTab] = getattr(importlib.import_module(module), name)
        return cls


class Entry(NamedTuple):
    spec: ActionSpec
    tab: TabDeclaration | None  # the scope: None for the app, else the tab


def same_tab(a: TabDeclaration | None, b: TabDeclaration | None) -> bool:
    """One scope, whether given by the tab's class or by its declaration."""
    return a is b or (a is not None and b is not None and a.TAB.id == b.TAB.id)


APP_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("app.quit", "q", "quit", "Quit", command=Command("quit")),
    ActionSpec("app.quit_ctrl_c", "ctrl+c", "quit", "Quit", "Quit (Ctrl+C)", show=False, priority=True),
    ActionSpec("app.help", "question_mark", "help", "Keys", "Keys of this screen", command=Command("help")),
    # `/` and `:` are priority keys: the app runs them before it forwards the keys after them,
    # so "/flo" arriving in one read (a slow link) fills the prompt. They stand down in inputs and
    # dialogs (`GctuiApp.check_action`), where they are text.
    ActionSpec("app.command", "colon", "command_line", "Command", show=False, priority=True),
    ActionSpec("app.palette", "ctrl+p", "command_palette", "Palette", show=False),
    ActionSpec(
        "app.filter",
        "slash",
        "filter",
        "Filter",
        "Filter rows (regex, ! inverts)",
        command=Command("filter", "TEXT", "command_filter"),
        priority=True,
    ),
    ActionSpec("app.filter_clear", "escape", "clear_filter", "Clear filter", show=False),
    ActionSpec(
        "app.export_csv",
        "e",
        "export('csv')",
        "CSV",
        "Export shown rows as CSV",
        group="Export",
        command=Command("export", "csv|json", "command_export"),
    ),
    ActionSpec(
        "app.export_json", "E", "export('json')", "JSON", "Export the shown rows as JSON", group="Export"
    ),
    ActionSpec(
        "app.retry",
        "R",
        "retry",
        "Retry",
        "Retry what failed in this tab",
        show=False,
        command=Command("retry"),
    ),
)


def tab_switch(tab: TabSpec) -> ActionSpec:
    return ActionSpec(
        f"app.tab.{tab.id}",
        tab.key,
        f"show_tab('{tab.id}')",
        tab.title,
        f"{tab.title} tab",
        show=False,
        command=Command(tab.id),
    )


def bindings(specs: Iterable[ActionSpec]) -> list[BindingType]:
    return [
        Binding(
            a.key,
            a.action,
            a.label,
            show=a.show,
            id=a.id,
            priority=a.priority,
            group=Binding.Group(a.group) if a.group else None,
        )
        for a in specs
    ]


class Registry:
    """Every action of an app with these tabs, each with its typed scope."""

    def __init__(self, tabs: Sequence[TabDeclaration]) -> None:
        self.tabs = tuple(tabs)
        self.app_specs = APP_ACTIONS + tuple(tab_switch(t.TAB) for t in self.tabs)
        self.entries = [Entry(a, None) for a in self.app_specs]
        self.entries += [Entry(a, t) for t in self.tabs for a in t.ACTIONS]
        self._by_id = {e.spec.id: e for e in self.entries}

    def live(self, tab: TabDeclaration | None) -> list[Entry]:
        """The actions bound while ``tab`` is shown: the app's (but those the tab replaces with
        its own, e.g. `e` exporting DOT rather than CSV), then the tab's."""
        replaced = {a.replaces for a in tab.ACTIONS if a.replaces} if tab is not None else set()
        return [
            e
            for e in self.entries
            if (e.tab is None and e.spec.id not in replaced) or (e.tab is not None and same_tab(e.tab, tab))
        ]

    def replaced_names(self, tab: TabDeclaration) -> frozenset[str]:
        """The action names of the app actions ``tab`` replaces with its own."""
        ids = {a.replaces for a in tab.ACTIONS if a.replaces}
        return frozenset(s.name for s in self.app_specs if s.id in ids)

    def find_command(self, word: str, tab: TabDeclaration | None) -> Entry | None:
        """Resolve a ':' word: a command name or an action id, among the live actions. The tab's
        own commands come first: a tab may give a shell command its own meaning (`:filter EXPR`
        in Data actions is an expression, while `/` stays the regex filter)."""
        live = self.live(tab)
        for e in sorted(live, key=lambda e: e.tab is None):
            if word == e.spec.id or (e.spec.command is not None and word == e.spec.command.name):
                return e
        return None

    def unknown_ids(self, keymap: Mapping[str, str]) -> list[str]:
        return sorted(k for k in keymap if k not in self._by_id)

    def clashes(self, keymap: Mapping[str, str]) -> list[tuple[str, str, str]]:
        """(key, id, id) for every key given to two different actions that are live together."""
        effective = {e.spec.id: _keys(keymap.get(e.spec.id, e.spec.key)) for e in self.entries}
        found: set[tuple[str, str, str]] = set()
        for tab in (None, *self.tabs):
            owner: dict[str, ActionSpec] = {}
            for e in self.live(tab):
                for key in effective[e.spec.id]:
                    other = owner.setdefault(key, e.spec)
                    if other.id != e.spec.id and other.action != e.spec.action:
                        found.add((key, other.id, e.spec.id))
        return sorted(found)


def _keys(keys: str) -> list[str]:
    return [k.strip() for k in keys.split(",")]


def default_registry() -> Registry:
    from gctui.tui.tabs import TABS

    return Registry(TABS)


def unknown_ids(keymap: Mapping[str, str]) -> list[str]:
    return default_registry().unknown_ids(keymap)


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


def check_keymap(keymap: Mapping[str, str], registry: Registry | None = None) -> None:
    """Refuse a [keys] table that would not work (exit 2, nothing runs): an unknown action id,
    a key Textual cannot produce, or one key given to two actions that are live together."""
    from gctui.errors import EXIT_USAGE, GctuiError

    registry = registry or default_registry()
    unknown = registry.unknown_ids(keymap)
    if unknown:
        valid = ", ".join(e.spec.id for e in registry.entries)
        raise GctuiError(f"[keys]: unknown action id {', '.join(unknown)}; valid ids: {valid}", EXIT_USAGE)
    for action_id, keys in keymap.items():
        for key in _keys(keys):
            if not _valid_key(key):
                raise GctuiError(
                    f'[keys]: {action_id!r} = {key!r} is not a key name; use e.g. "r", "ctrl+r", '
                    '"f5", "space", "question_mark"',
                    EXIT_USAGE,
                )
    clashes = registry.clashes(keymap)
    if clashes:
        key, first, second = clashes[0]
        raise GctuiError(
            f"[keys]: {key!r} is bound to both {first} and {second}; give one of them another key",
            EXIT_USAGE,
        )
