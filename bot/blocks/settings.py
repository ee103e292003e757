"""The program-settings modal (`/rotnem admin settings`) and what an admin is told after saving."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.message import Message
from bot.ids import ActionId, BlockId, CallbackId

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TZ_LABELS = {
    "prefer_close": "Prefer partners in nearby time zones",
    "ignore": "Ignore time zones",
}
FIELD_LABELS = {
    "cycle_weeks": "Cycle length (weeks)",
    "nudge_weekday": "Weekly prompt day",
    "nudge_hour": "Weekly prompt hour",
    "checkin_delay_days": "Check-in delay (days)",
    "stall_weeks": "Stall alert after (weeks)",
    "tz_preference": "Time zones in matching",
    "announce_channel": "Announcement channel",
    "auto_propose_next_round": "Propose the next round automatically",
}


def _option(value: str, label: str) -> Option:
    return Option(value=value, text=PlainTextObject(text=label))


def _number(block_id: str, label: str, value: int, hint: str) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        hint=hint,
        element=PlainTextInputElement(
            action_id=ActionId.SETTINGS_ANSWER, initial_value=str(value), max_length=3
        ),
    )


def settings_modal(
    *,
    cycle_weeks: int,
    nudge_weekday: int,
    nudge_hour: int,
    checkin_delay_days: int,
    stall_weeks: int,
    tz_preference: str,
    announce_channel: str | None,
    auto_propose_next_round: bool,
) -> View:
    """Every program setting, prefilled with the values in force."""
    days = [_option(str(i), name) for i, name in enumerate(DAY_NAMES)]
    hours = [_option(str(h), f"{h:02d}:00") for h in range(24)]
    tz_options = [_option(value, label) for value, label in TZ_LABELS.items()]
    yes_no = [_option("yes", "Yes"), _option("no", "No, an HR admin asks for it")]
    channel = ConversationSelectElement(
        action_id=ActionId.SETTINGS_ANSWER,
        placeholder="Pick a channel",
        filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
    )
    if announce_channel:
        channel.initial_conversation = announce_channel
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="Program settings for this workspace. Times are in each learner's own "
                "time zone. Every change is logged."
            )
        ),
        _number(BlockId.SETTINGS_CYCLE_WEEKS, FIELD_LABELS["cycle_weeks"], cycle_weeks, "1 to 52"),
        InputBlock(
            block_id=BlockId.SETTINGS_NUDGE_DAY,
            label=FIELD_LABELS["nudge_weekday"],
            element=StaticSelectElement(
                action_id=ActionId.SETTINGS_ANSWER,
                options=days,
                initial_option=days[nudge_weekday],
            ),
        ),
        InputBlock(
            block_id=BlockId.SETTINGS_NUDGE_HOUR,
            label=FIELD_LABELS["nudge_hour"],
            hint="In the learner's time zone.",
            element=StaticSelectElement(
                action_id=ActionId.SETTINGS_ANSWER, options=hours, initial_option=hours[nudge_hour]
            ),
        ),
        _number(
            BlockId.SETTINGS_CHECKIN_DELAY,
            FIELD_LABELS["checkin_delay_days"],
            checkin_delay_days,
            "1 to 6 days after the weekly prompt",
        ),
        _number(
            BlockId.SETTINGS_STALL_WEEKS,
            FIELD_LABELS["stall_weeks"],
            stall_weeks,
            "1 to 12 weeks without a reported session",
        ),
        InputBlock(
            block_id=BlockId.SETTINGS_TZ,
            label=FIELD_LABELS["tz_preference"],
            element=RadioButtonsElement(
                action_id=ActionId.SETTINGS_ANSWER,
                options=tz_options,
                initial_option=tz_options[0 if tz_preference == "prefer_close" else 1],
            ),
        ),
        InputBlock(
            block_id=BlockId.SETTINGS_CHANNEL,
            label=FIELD_LABELS["announce_channel"],
            optional=True,
            hint="Where new rounds are announced; empty for the server's default.",
            element=channel,
        ),
        InputBlock(
            block_id=BlockId.SETTINGS_AUTO,
            label=FIELD_LABELS["auto_propose_next_round"],
            element=RadioButtonsElement(
                action_id=ActionId.SETTINGS_ANSWER,
                options=yes_no,
                initial_option=yes_no[0 if auto_propose_next_round else 1],
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=CallbackId.SETTINGS,
        title="Program settings",
        submit="Save",
        close="Cancel",
        blocks=blocks,
    )


def shown_value(field: str, value: str | None) -> str:
    if value is None or value == "":
        return "(default)"
    if field == "nudge_weekday" and value.isdigit() and int(value) < 7:
        return DAY_NAMES[int(value)]
    if field == "nudge_hour" and value.isdigit():
        return f"{int(value):02d}:00"
    if field == "announce_channel":
        return f"<#{value}>"
    if field == "tz_preference":
        return TZ_LABELS.get(value, value)
    if field == "auto_propose_next_round":
        return "yes" if value == "True" else "no"
    return value


def settings_saved_message(changes: Sequence[tuple[str, str | None, str | None]]) -> Message:
    """The DM after saving: each change, old → new."""
    if not changes:
        text = "Program settings saved: nothing changed."
        return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
    lines = "\n".join(
        f"• {FIELD_LABELS.get(field, field)}: {shown_value(field, old)} → {shown_value(field, new)}"
        for field, old, new in changes
    )
    text = f"*Program settings saved.*\n{lines}"
    return Message(
        text=text.replace("*", ""),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=text)),
            ContextBlock(
                elements=[MarkdownTextObject(text="The change is logged with your name.")]
            ),
        ],
    )
