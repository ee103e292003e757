"""What the benchmarks measure `rotnem serve` with: the subprocess itself comes from
`bot.sandbox.process`."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.installing import Browser
from bot.sandbox.process import SIGNING_SECRET, rotnem_serve

__all__ = ["SIGNING_SECRET", "install_workspaces", "memory_mb", "rotnem_serve"]


def memory_mb(pid: int, field: str = "VmHWM") -> float:
    """A memory figure of the process from /proc, in MB: by default its high-water resident set
    (VmHWM); `VmRSS` for the resident set now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc status")


async def install_workspaces(base: str, slack: FakeSlack, count: int, prefix: str) -> list[str]:
    """Install the app served at `base` (by OAuth) in `count` workspaces, `prefix` + 000, 001…,
    the way their admins would: /slack/install, Slack's approval, /slack/oauth_redirect."""
    teams = [f"{prefix}{i:03d}" for i in range(count)]
    async with httpx.AsyncClient(timeout=10) as client:
        browser = Browser(client, base)
        for team in teams:
            page = await browser.install(slack, team_id=team, team_name=f"Bench {team}")
            page.raise_for_status()
    return teams
