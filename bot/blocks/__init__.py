"""Pure builders of messages, modals and Home tabs with `slack_sdk.models` (no I/O)."""
