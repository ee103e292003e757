"""Socket Mode's first step: apps.connections.open (app-level token) hands out a WebSocket URL.

The fake speaks no WebSocket: by default the URL points at its own HTTP server, which refuses the
upgrade (404), as a Socket Mode endpoint that is down or unreachable would.
"""

from __future__ import annotations

from typing import Any, Final

from bot.sandbox.fake_slack.state import Handler, State
from bot.sandbox.fake_slack.wire import JSON


def apps_connections_open(state: State, args: dict[str, Any]) -> JSON:
    url = state.socket_mode_url or state.base.replace("http", "ws", 1) + "/socket-mode"
    return {"ok": True, "url": url}


METHODS: Final[dict[str, Handler]] = {"apps.connections.open": apps_connections_open}
