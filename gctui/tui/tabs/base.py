"""What every feature tab offers the shell, and what it declares: ``TAB`` (id, title, key) and
``ACTIONS`` (its keys and `:` commands). The tab's Textual bindings are made from ``ACTIONS``;
its scope is the class itself, so no id string can bind a key to the wrong tab."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from gctui.text import clean
from gctui.tui.actions import ActionSpec, TabSpec, bindings

if TYPE_CHECKING:
    from textual.widget import Widget

    from gctui.tui.context import TabContext
    from gctui.tui.filtering import RowFilter
    from gctui.tui.widgets.dataview import DataView


class Filterable(Protocol):
    """What `/` filters: a table (:class:`DataView`), or a tab's tree."""

    @property
    def filter(self) -> RowFilter: ...

    def apply_filter(self, text: str) -> None: ...

    def focus(self, scroll_visible: bool = True) -> Any: ...


class WorkerFailed(Message):
    """A worker of ``tab`` raised; bubbles to the app's one handler."""

    def __init__(self, tab: FeatureTab, worker: Worker[Any]) -> None:
        super().__init__()
        self.tab = tab
        self.worker = worker


class FeatureTab(Vertical):
    TAB: ClassVar[TabSpec]
    ACTIONS: ClassVar[tuple[ActionSpec, ...]] = ()
    _WRITES: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        stray = [a.id for a in cls.ACTIONS if not a.id.startswith(f"{cls.TAB.id}.")]
        if stray:
            raise TypeError(f"{cls.__name__}: action ids must start with {cls.TAB.id!r}.: {stray}")
        cls.BINDINGS = bindings(cls.ACTIONS)  # before Textual merges the class's bindings
        cls._WRITES = frozenset(a.name for a in cls.ACTIONS if a.write)
        super().__init_subclass__(**kwargs)

    @classmethod
    def load(cls) -> type[FeatureTab]:
        """The class is its own declaration (``TabDeclaration``): a test app lists tab classes."""
        return cls

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id or f"{self.TAB.id}-tab")
        self.context: TabContext | None = None

    @property
    def title(self) -> str:
        return self.TAB.title

    def start(self, context: TabContext) -> None:
        """Called by the shell the first time the tab is shown with the org open."""
        if self.context is None:
            self.context = context
            self.attach(context)
            self.refresh_bindings()

    def attach(self, context: TabContext) -> None:
        """The org is open and the tab is shown for the first time: start loading (in workers)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Write actions are neither bound nor shown until the org is known to be writable."""
        if action in self._WRITES:
            return self.context is not None and not self.context.read_only
        return True

    # -- failures -------------------------------------------------------------------------------

    def worker_failed(self, what: str, retry_hint: str) -> None:
        """A worker of this tab raised (the app has toasted and logged it): say so in the tab."""
        text = f"failed: {clean(what)} — {retry_hint}"
        shown = self.query(".tab-failure")
        if shown:
            shown.first(Static).update(text)
        else:
            self.mount(Static(text, classes="tab-failure", markup=False), before=0)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.post_message(WorkerFailed(self, event.worker))

    def retry(self) -> None:
        """`:retry`: clear the failure and start loading again. Tabs whose workers restart
        themselves (polls) override this to run the failed work once more."""
        self.query(".tab-failure").remove()
        if self.context is not None:
            self.attach(self.context)

    # -- the shell's questions ---------------------------------------------------------------

    def data_view(self) -> DataView | None:
        """The table `/` filters and `e` exports."""
        return None

    def filter_target(self) -> Filterable | None:
        """What `/` filters (default: the table)."""
        return self.data_view()

    def focus_target(self) -> Widget | None:
        """What gets the focus when the tab is shown (default: the table)."""
        return self.data_view()

    def export_records(self, keys: list[str]) -> list[dict[str, object]] | None:
        """Typed records for the rows ``keys`` (as filtered); None exports the cells as shown."""
        return None

    def filter_changed(self, view: Filterable) -> None:
        """The filter of ``view`` changed; update any 'N of M shown' text."""

    def on_data_view_counted(self, message: Message) -> None:
        # A big table's filter or sort finished scanning after its first frame: the counts
        # are final now.
        view = getattr(message, "view", None)
        if view is not None:
            self.filter_changed(view)

    def modal_open(self) -> bool:
        return self.app.screen is not self.screen
