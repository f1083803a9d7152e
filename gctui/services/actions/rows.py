"""One table row per data action: what the Data actions tab and ``gctui actions`` show.

Units: ``*_ms`` are milliseconds; timeouts are whole seconds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from gctui.config.models import ActionsConfig
from gctui.genesys.models import Action
from gctui.services.actions.stats import ExecStats
from gctui.services.actions.timeouts import assess, headroom_ms
from gctui.services.actions.urls import host_of, method_of, url_template_of
from gctui.text import clean, clean_optional


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: str
    name: str
    category: str
    integration_id: str
    secure: bool
    version: int
    method: str | None
    host: str | None
    configured_timeout: int | None  # config.timeoutSeconds; None: the platform default applies
    effective_timeout: int  # configured, or the configured platform default
    timeout_is_default: bool
    executions: int | None  # None: no statistics loaded (or none in the window)
    p95_ms: int | None
    p99_ms: int | None
    errors: int
    timeouts: int
    headroom_ms: int | None  # effective_timeout x 1000 - p99
    risk: bool
    risk_reason: str
    suggested_timeout: int | None
    suggestion_reason: str

    @property
    def timeout_label(self) -> str:
        """``5 s``, or ``10 s (default)`` when the platform default applies."""
        suffix = " (default)" if self.timeout_is_default else ""
        return f"{self.effective_timeout} s{suffix}"

    @property
    def suggestion_changes(self) -> bool:
        return self.suggested_timeout is not None and self.suggested_timeout != self.effective_timeout


def build_row(action: Action, stats: ExecStats | None, settings: ActionsConfig) -> ActionRow:
    configured = action.config.timeout_seconds if action.config is not None else None
    effective = configured if configured is not None else settings.platform_default_timeout
    executions = stats.executions if stats is not None else None
    p99 = stats.p99_ms if stats is not None else None
    timeouts = stats.timeouts if stats is not None else 0
    verdict = assess(
        effective,
        executions,
        p99,
        timeouts,
        factor=settings.suggestion_factor,
        min_executions=settings.min_executions,
        risk_share=settings.risk_share,
    )
    return ActionRow(
        id=action.id,
        name=clean(action.name),
        category=clean(action.category or ""),
        integration_id=clean(action.integration_id or ""),
        secure=bool(action.secure),
        version=action.version,
        method=clean_optional(method_of(action)),
        host=clean_optional(host_of(url_template_of(action))),
        configured_timeout=configured,
        effective_timeout=effective,
        timeout_is_default=configured is None,
        executions=executions,
        p95_ms=stats.p95_ms if stats is not None else None,
        p99_ms=p99,
        errors=stats.errors if stats is not None else 0,
        timeouts=timeouts,
        headroom_ms=headroom_ms(effective, p99),
        risk=verdict.risk,
        risk_reason=verdict.risk_reason,
        suggested_timeout=verdict.suggested,
        suggestion_reason=verdict.suggestion_reason,
    )


def build_rows(
    actions: Iterable[Action], stats: Mapping[str, ExecStats], settings: ActionsConfig
) -> list[ActionRow]:
    return [build_row(a, stats.get(a.id), settings) for a in actions]


# One action as a record with stable camelCase keys: `gctui actions list --json/--csv` and the
# tab's `e`/`E` export share them.
_RECORD: tuple[tuple[str, Callable[[ActionRow], object]], ...] = (
    ("id", lambda r: r.id),
    ("name", lambda r: r.name),
    ("category", lambda r: r.category),
    ("integrationId", lambda r: r.integration_id),
    ("secure", lambda r: r.secure),
    ("version", lambda r: r.version),
    ("method", lambda r: r.method),
    ("host", lambda r: r.host),
    ("timeoutSeconds", lambda r: r.configured_timeout),  # None: the platform default applies
    ("effectiveTimeoutSeconds", lambda r: r.effective_timeout),
    ("timeoutIsDefault", lambda r: r.timeout_is_default),
    ("executions", lambda r: r.executions),
    ("p95Ms", lambda r: r.p95_ms),
    ("p99Ms", lambda r: r.p99_ms),
    ("errors", lambda r: r.errors),
    ("timeouts", lambda r: r.timeouts),
    ("headroomMs", lambda r: r.headroom_ms),
    ("risk", lambda r: r.risk),
    ("riskReason", lambda r: r.risk_reason),
    ("suggestedTimeoutSeconds", lambda r: r.suggested_timeout),
    ("suggestionReason", lambda r: r.suggestion_reason),
)
RECORD_FIELDS = tuple(name for name, _ in _RECORD)


def row_record(row: ActionRow) -> dict[str, object]:
    return {name: get(row) for name, get in _RECORD}
