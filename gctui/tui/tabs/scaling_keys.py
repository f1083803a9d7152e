"""The Scaling tab's keys and `:` commands (one declaration each: the shell makes the bindings,
the footer, `?` and the palette from it). Light on purpose: the registry reads it without the
tab's widgets, which are imported when the tab is first shown."""

from __future__ import annotations

from gctui.tui.actions import ActionSpec, Command, TabSpec

TAB = TabSpec("scaling", "Scaling", "5")
ACTIONS = (
    ActionSpec(
        "scaling.pause", "p", "toggle_pause", "Pause", "Pause/resume sampling", command=Command("pause")
    ),
    ActionSpec(
        "scaling.run",
        "space",
        "run_now",
        "Sample now",
        "Sample and forecast now",
        command=Command("sample"),
    ),
    ActionSpec(
        "scaling.apply",
        "a",
        "apply",
        "Apply",
        "Post the cursor row's node group scale-up to the webhook",
        command=Command("apply"),
        write=True,
    ),
    ActionSpec(
        "scaling.payload", "enter", "payload", "Payload", "The node group's payload in full", show=False
    ),
)
