"""The floor of the fan-out benchmark: the same messages posted with nothing but slack_sdk's
`AsyncWebClient` — no database, no outbox, no rendering — paced at the same ceiling per token
and with the same concurrency as the worker. Run by `benchmarks/fanout.py` as its own process so
that its CPU time can be read the same way as the worker's.

    python -m benchmarks._bare_poster API_URL CEILING CONCURRENCY FIRST:COUNT:TOKEN ...

Each FIRST:COUNT:TOKEN posts messages FIRST, FIRST + STEP, ... (STEP = the number of tokens) with
that token, COUNT of them, to channel C<n> with the worker's text and metadata.
"""

from __future__ import annotations

import asyncio
import sys
import time

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.outbox import METADATA_EVENT_TYPE


async def post_all(api_url: str, ceiling: float, concurrency: int, shares: list[str]) -> None:
    queue: asyncio.Queue[tuple[AsyncWebClient, int, int]] = asyncio.Queue()
    slots: dict[int, float] = {}
    async with aiohttp.ClientSession() as http:
        work: list[tuple[int, AsyncWebClient, int]] = []
        for team, share in enumerate(shares):
            first, count, token = share.split(":", 2)
            client = AsyncWebClient(token=token, base_url=api_url, session=http)
            work.extend((int(first) + i * len(shares), client, team) for i in range(int(count)))
        # In message order, the workspaces interleaved, as the outbox queue is.
        for n, client, team in sorted(work, key=lambda item: item[0]):
            queue.put_nowait((client, team, n))

        async def worker() -> None:
            while not queue.empty():
                client, team, n = queue.get_nowait()
                while True:
                    # One post every 1/ceiling seconds per workspace, like the worker's pacer.
                    now = time.monotonic()
                    slot = max(now, slots.get(team, now))
                    slots[team] = slot + 1 / ceiling
                    await asyncio.sleep(slot - now)
                    try:
                        await client.chat_postMessage(
                            channel=f"C{n:07d}",
                            text=f"Hello number {n}",
                            metadata={
                                "event_type": METADATA_EVENT_TYPE,
                                "event_payload": {"outbox_id": f"bare-{n}"},
                            },
                        )
                        break
                    except SlackApiError as exc:
                        if exc.response.status_code != 429:
                            raise
                        retry_after = float(exc.response.headers.get("retry-after", 1))
                        slots[team] = time.monotonic() + retry_after

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def main() -> None:
    api_url, ceiling, concurrency, *shares = sys.argv[1:]
    asyncio.run(post_all(api_url, float(ceiling), int(concurrency), shares))


if __name__ == "__main__":
    main()
