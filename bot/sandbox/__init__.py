"""A local Slack for tests, benchmarks and ``rotnem demo``.

:class:`FakeSlack` serves Slack's Web API over real HTTP on 127.0.0.1 (point ``SLACK_API_URL`` at
``fake.api_url``); :mod:`bot.sandbox.signing` builds and signs the requests Slack sends to the app.
"""

from bot.sandbox.fake_slack import (
    DEFAULT_APP_ID,
    DEFAULT_BOT_ID,
    DEFAULT_BOT_USER_ID,
    DEFAULT_TEAM_DOMAIN,
    DEFAULT_TEAM_ID,
    DEFAULT_TOKEN,
    Call,
    FakeSlack,
    SlackError,
    UploadedFile,
    validate_message_blocks,
    validate_view,
)
from bot.sandbox.signing import (
    SlackRequester,
    block_actions_payload,
    event_body,
    interactivity_body,
    new_trigger_id,
    sign,
    slash_command_body,
    state_value,
    state_values_for,
    url_verification_body,
    view_submission_payload,
)

__all__ = [
    "DEFAULT_APP_ID",
    "DEFAULT_BOT_ID",
    "DEFAULT_BOT_USER_ID",
    "DEFAULT_TEAM_DOMAIN",
    "DEFAULT_TEAM_ID",
    "DEFAULT_TOKEN",
    "Call",
    "FakeSlack",
    "SlackError",
    "SlackRequester",
    "UploadedFile",
    "block_actions_payload",
    "event_body",
    "interactivity_body",
    "new_trigger_id",
    "sign",
    "slash_command_body",
    "state_value",
    "state_values_for",
    "url_verification_body",
    "validate_message_blocks",
    "validate_view",
    "view_submission_payload",
]
