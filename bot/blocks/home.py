"""The App Home tab."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

INTRO = (
    "Rotnem pairs people who grew up with today's tools (*guides*) with senior colleagues who "
    "want to learn them (*learners*).\n"
    "Each pair meets every week or two: the guide teaches a tool, the learner shares how things "
    "get done here.\n"
    "HR runs the program; your check-ins stay private."
)


def welcome_home(command: str) -> View:
    """What a newcomer sees: what the program is and how to join."""
    return View(
        type="home",
        blocks=[
            HeaderBlock(text="Welcome to Rotnem"),
            SectionBlock(text=MarkdownTextObject(text=INTRO)),
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"To join, type `{command} join` in any channel.")
                ]
            ),
        ],
    )
