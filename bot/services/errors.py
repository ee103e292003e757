"""Domain errors: outcomes a person is told about, never crashes.

Services raise these; handlers turn them into an ephemeral answer or, in a modal,
`response_action: "errors"`. Anything else is a bug and goes to the one `@app.error`.

A message is a plain sentence: it may quote what people typed (display names, tools), so the
builder that shows it escapes Slack's control characters in it whole (`*bold*` and `code` still
read as such), and the CLI and the log print it as written. Name people in it by name or role,
never with a `<@U…>` mention (it would show as typed).

    RotnemError                 every expected failure; `str(error)` is a sentence for the person
    ├── InvalidInput            what was typed or picked does not fit; nothing changed
    │   ├── InvalidPause        a pause end that does not parse, or is not a date the rules allow
    │   ├── InvalidProfile      profile modal answers; carries {field: message} for the modal
    │   └── InvalidPairCommand  `admin pair` / `admin unpair` arguments; carries a working example
    ├── NotAllowed              the person may not do this
    │   ├── NotEligible         bots, deleted and guest accounts cannot join
    │   └── PairingRuleBroken   a manual pair breaks a hard rule; `rule` names it
    ├── NotFound                the thing acted on does not exist
    │   ├── NotAParticipant     the person has not joined (or has left)
    │   ├── ToolNotFound        no tool by that name in the catalogue
    │   ├── RoundNotFound       no such pairing round in this workspace
    │   └── NoActivePair        the person is not in a pair right now
    └── Conflict                the request clashes with the current state
        ├── NotPaused           `resume` while not paused
        ├── ToolExists          adding a tool the catalogue already offers
        ├── ProgramNameTaken    another program of the workspace goes by that name
        ├── ProgramClosed       the program was closed; it takes no one and changes no more
        ├── AlreadyDecided      a click on something already decided; carries its `status`
        │   └── RoundAlreadyDecided approving or discarding a round already decided
        └── AlreadyPaired       a manual pair with someone who is already in a pair

Other features add their own subclasses under these four branches, so a handler that catches a
branch keeps working as the tree grows.
"""

from __future__ import annotations

from collections.abc import Mapping


class RotnemError(Exception):
    """An expected failure; the message is written for the person who caused it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(RotnemError):
    """The person's input does not fit; nothing was changed."""


class InvalidPause(InvalidInput):
    """A pause duration or date that does not parse or is out of range."""


class InvalidProfile(InvalidInput):
    """Profile answers that do not fit, by field (`ProfileField` values)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


class NotAllowed(RotnemError):
    """The person is not allowed to do this."""


class NotEligible(NotAllowed):
    """Bots, deleted users and guests (restricted accounts) cannot take part."""


class NotFound(RotnemError):
    """What the request names does not exist."""


class NotAParticipant(NotFound):
    """The person is not (or no longer) in the program."""


class ToolNotFound(NotFound):
    """No tool by that name in the catalogue."""


class Conflict(RotnemError):
    """The request clashes with the current state."""


class NotPaused(Conflict):
    """Resume was asked while not paused."""


class ToolExists(Conflict):
    """The catalogue already offers a tool by that name."""


class InvalidPairCommand(InvalidInput):
    """`admin pair` / `admin unpair` arguments that do not parse; carries a working example."""

    def __init__(self, message: str, example: str) -> None:
        super().__init__(message)
        self.example = example


class PairingRuleBroken(NotAllowed):
    """A manual pair breaks a hard pairing rule (`rule`: self, no_overlap, reporting_line, ...)."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


class RoundNotFound(NotFound):
    """No pairing round by that ID in this workspace."""


class NoActivePair(NotFound):
    """The person is not in an active pair."""


class AlreadyDecided(Conflict):
    """A button for something already decided (a round approved, a check-in answered); `status`
    says how it was decided."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status


class RoundAlreadyDecided(AlreadyDecided):
    """The round was already approved or discarded."""


class ProgramNameTaken(Conflict):
    """Another program of the workspace already goes by this name."""


class ProgramClosed(Conflict):
    """The program was closed: nobody joins it, nobody is paired in it, it changes no more."""


class AlreadyPaired(Conflict):
    """Someone named for a manual pair is already in a pair (or a guide is at capacity)."""
