"""The Health tab's keys and `:` commands (one declaration each: the shell makes the bindings,
the footer, `?` and the palette from it). Light on purpose: the registry reads it without the
tab's widgets."""

from __future__ import annotations

from gctui.tui.actions import ActionSpec, Command, TabSpec

TAB = TabSpec("health", "Health", "1")
ACTIONS = (
    ActionSpec(
        "health.pause", "p", "toggle_pause", "Pause", "Pause/resume polling", command=Command("pause")
    ),
    ActionSpec("health.run", "space", "run_now", "Run now", "Run the probes now", command=Command("run")),
    ActionSpec(
        "health.retime",
        "r",
        "retime",
        "Interval",
        "Set the probe interval",
        command=Command("interval", "SECONDS", "command_interval"),
    ),
    ActionSpec("health.details", "enter", "details", "Details", "Details of the probe", show=False),
)
