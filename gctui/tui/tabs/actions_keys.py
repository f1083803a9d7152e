"""The Data actions tab's keys and `:` commands (one declaration each; the shell makes the
bindings, the footer, `?` and the palette from it), and the checks of what a user types: every
answer is refused before anything is read or sent, with the allowed range."""

from __future__ import annotations

from gctui.tui.actions import ActionSpec, Command, TabSpec

TAB = TabSpec("actions", "Data actions", "2")
ACTIONS = (
    ActionSpec(
        "actions.timeout",
        "t",
        "edit_timeout",
        "Timeout",
        "Set the cursor row's timeout",
        write=True,
        command=Command("timeout", "SECONDS", "command_timeout"),
    ),
    ActionSpec(
        "actions.bulk",
        "T",
        "bulk_timeout",
        "Bulk",
        "Set timeouts: marks, else shown",
        write=True,
        command=Command("bulk", "SECONDS|s", "command_bulk"),
    ),
    ActionSpec(
        "actions.undo",
        "u",
        "undo",
        "Undo",
        "Undo a batch (last by default)",
        write=True,
        command=Command("undo", "BATCH", "command_undo"),
    ),
    ActionSpec(
        "actions.test",
        "x",
        "test_action",
        "Test",
        "Test-run the cursor action",
        write=True,
        command=Command("test"),
    ),
    ActionSpec(
        "actions.where",
        "w",
        "where",
        "Where",
        "Filter by expression",
        show=False,  # the footer has no room left at 80 columns; `?` lists it
        command=Command("filter", "EXPR", "command_where"),
    ),
    ActionSpec(
        "actions.dry_run",
        "D",
        "dry_run",
        "Dry run",
        "Preview a bulk change",
        show=False,
        command=Command("dry-run", "SECONDS|s", "command_dry_run"),
    ),
    ActionSpec(
        "actions.reload",
        "r",
        "reload",
        "Reload",
        "Reload actions and statistics",
        show=False,
        command=Command("reload"),
    ),
    ActionSpec("actions.details", "enter", "details", "Details", "Details of the action", show=False),
)


def check_seconds(value: str) -> str | None:
    """What is wrong with a timeout typed by the user (None: nothing)."""
    from gctui.services.actions import TimeoutValueError, parse_timeout

    try:
        parse_timeout(value)
    except TimeoutValueError as exc:
        return f"{exc.message}; nothing sent"
    except ValueError:  # what ``int()`` still refuses after the service's checks ("--5")
        text = value.strip()
        shown = text if len(text) <= 20 else text[:20] + "…"
        return f"timeout {shown!r} is not a whole number of seconds (1-60 seconds); nothing sent"
    return None


def check_bulk(value: str) -> str | None:
    """A timeout, or ``s``: each action's suggested timeout."""
    if value.strip().lower() == "s":
        return None
    problem = check_seconds(value)
    return (
        None
        if problem is None
        else f"{problem.removesuffix('; nothing sent')}, or s for suggested; nothing sent"
    )


def check_batch(value: str) -> str | None:
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        shown = text if len(text) <= 20 else text[:20] + "…"
        return f"batch {shown!r} is not a batch id (a number: see `gctui actions journal`); nothing sent"
    return None
