"""What `rotnem demo` accepts; kept light so that building the CLI's parser imports nothing else."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal

from bot.i18n import LANGUAGES

DEFAULT_DATABASE = "sqlite+aiosqlite:///demo.db"

TranscriptMode = Literal["story", "full", "none"]


@dataclass(frozen=True)
class DemoOptions:
    people: int = 24
    weeks: int = 6
    seed: int = 7
    database: str = DEFAULT_DATABASE
    html: Path | None = None
    transcript: TranscriptMode = "story"
    # Who reads Slack in another language: one guide and their learner ("en": nobody).
    locale: str = "fr"
    progress: bool = True


def _positive(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=_positive(3, 1800), default=24, help="default 24")
    parser.add_argument("--weeks", type=_positive(1, 52), default=6, help="default 6")
    parser.add_argument("--seed", type=int, default=7, help="default 7")
    parser.add_argument("--html", type=Path, help="also write the run as one static HTML page")
    parser.add_argument(
        "--database",
        default=DEFAULT_DATABASE,
        help=(
            f"default {DEFAULT_DATABASE}; SQLite or PostgreSQL. Re-created on each run if the "
            "demo made it; a database with anything else in it is refused"
        ),
    )
    parser.add_argument(
        "--locale",
        choices=LANGUAGES,
        default="fr",
        help=(
            "default fr: one guide and their learner read Slack in this language, and Rotnem "
            "talks to them in it; en: everyone reads English"
        ),
    )
    parser.add_argument(
        "--transcript",
        choices=("story", "full", "none"),
        default="story",
        help="story (default): the main characters in full, others counted; full; none",
    )


def options_from(args: argparse.Namespace, *, progress: bool) -> DemoOptions:
    """The options `add_arguments` parsed: each argument is named after its field."""
    given = {f.name: getattr(args, f.name) for f in fields(DemoOptions) if f.name != "progress"}
    return DemoOptions(**given, progress=progress)
