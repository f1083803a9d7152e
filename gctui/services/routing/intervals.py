"""The interval a score covers: presets (last hour, today, 7 / 30 days) or a custom ISO
``start/end``, validated before any request (order, length)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from gctui.errors import EXIT_USAGE, GctuiError

PRESETS = ("1h", "today", "7d", "30d")
MAX_DAYS = 366  # the longest interval the scorer asks for (async jobs; the sim's job limit)
MIN_SECONDS = 1


class IntervalError(GctuiError):
    """A bad interval: nothing was sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


@dataclass(frozen=True, slots=True)
class Interval:
    start: datetime  # aware, UTC
    end: datetime
    label: str  # the preset, or "custom"
    time_zone: str = "UTC"  # IANA name for bucket boundaries (the query's timeZone)

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def days(self) -> float:
        return self.seconds / 86_400

    def iso(self) -> str:
        """``yyyy-MM-ddTHH:mm:ss.mmmZ/…`` as the API writes it."""
        return f"{_iso(self.start)}/{_iso(self.end)}"

    def granularity(self) -> str | None:
        """Daily buckets from one day up (summed back per queue), else the whole interval."""
        return "P1D" if self.seconds >= 86_400 else None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def zone(name: str) -> tuple[tzinfo, str]:
    """The tzinfo and its IANA name ("" = this machine's zone; UTC when it has no name)."""
    if name:
        try:
            return zoneinfo.ZoneInfo(name), name
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise IntervalError(f"{name[:64]!r} is not an IANA time zone (e.g. Europe/Paris)") from None
    local = datetime.now().astimezone().tzinfo
    key = getattr(local, "key", None)
    if isinstance(key, str):
        return zoneinfo.ZoneInfo(key), key
    return UTC, "UTC"


def parse_interval(spec: str, *, time_zone: str = "", now: datetime | None = None) -> Interval:
    """A preset (``1h``, ``today``, ``7d``, ``30d``; ``today`` starts at midnight in
    ``time_zone``) or ``start/end`` in ISO 8601 (an offset or ``Z``; a naive time is in
    ``time_zone``). Raises :class:`IntervalError` with what is wrong."""
    tz, tz_name = zone(time_zone)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    spec = spec.strip()
    if spec == "1h":
        return _checked(Interval(now - timedelta(hours=1), now, spec, tz_name))
    if spec == "today":
        local = now.astimezone(tz)
        midnight = datetime(local.year, local.month, local.day, tzinfo=tz)
        return _checked(Interval(midnight.astimezone(UTC), now, spec, tz_name))
    if spec in ("7d", "30d"):
        return _checked(Interval(now - timedelta(days=int(spec[:-1])), now, spec, tz_name))
    if "/" not in spec:
        raise IntervalError(
            f"interval {spec[:80]!r}: expected one of {', '.join(PRESETS)} or an ISO interval "
            "start/end, e.g. 2024-05-01T00:00:00Z/2024-05-08T00:00:00Z"
        )
    left, _, right = spec.partition("/")
    start = _moment(left, tz, "start")
    end = _moment(right, tz, "end")
    return _checked(Interval(start, end, "custom", tz_name))


def _moment(text: str, tz: tzinfo, which: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise IntervalError(f"interval {which} {text[:40]!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _checked(interval: Interval) -> Interval:
    if interval.end <= interval.start:
        raise IntervalError(f"interval {interval.iso()}: the end must come after the start")
    if interval.seconds < MIN_SECONDS:
        raise IntervalError(f"interval {interval.iso()}: shorter than {MIN_SECONDS} s")
    if interval.days > MAX_DAYS:
        raise IntervalError(
            f"interval {interval.iso()}: {interval.days:.0f} days is longer than {MAX_DAYS} days"
        )
    return interval
