"""`/rotnem admin report`: HR's program report, sent to the admin's DM (HR admins only; the
router checks that on the server before this runs).

Sent inline, not through the outbox: the outbox's dispatcher posts chat.postMessage only, and
a file upload (three calls, no message metadata) has neither its retry nor its crash check.
The report answers the admin's own request, as `admin export` does: the admin sees it arrive,
or is told at once what failed and can simply ask again. Nothing goes to a channel.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.blocks.report import (
    charts_failed_message,
    report_message,
    report_preparing_message,
    report_sections,
    report_sent_message,
)
from bot.i18n import N_
from bot.report.charts import Chart, render_charts
from bot.services.report import read_report
from handlers.commands.router import CommandCall, Subcommand

logger = logging.getLogger(__name__)

# files.getUploadURLExternal refuses a longer alt_txt (alt_txt_too_large).
ALT_TXT_MAX = 1000


def _upload(chart: Chart) -> dict[str, Any]:
    alt = chart.text if len(chart.text) <= ALT_TXT_MAX else chart.text[: ALT_TXT_MAX - 1] + "…"
    return {"content": chart.png, "filename": chart.filename, "title": chart.title, "alt_txt": alt}


async def admin_report(call: CommandCall) -> None:
    await call.ack(response_type="ephemeral", **report_preparing_message().to_dict())
    deps = call.deps
    async with deps.sessionmaker() as session:
        config = await deps.program_config(session, call.team_id)
        report = await read_report(session, call.team_id, config, now=deps.clock.now())
    sections = report_sections(report, brief=True)
    # Drawn in a thread: the event loop keeps acknowledging other requests meanwhile.
    charts = [] if report.is_empty else await asyncio.to_thread(render_charts, report, sections)
    opened = await call.client.conversations_open(users=call.user_id)
    channel = str((opened.get("channel") or {}).get("id") or call.user_id)
    await call.client.chat_postMessage(
        channel=channel, **report_message(report, sections).to_dict()
    )
    if charts:
        try:
            await call.client.files_upload_v2(
                channel=channel, file_uploads=[_upload(chart) for chart in charts]
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "unknown error")
            logger.warning("Could not upload the report's charts: %s", error)
            await call.reply(charts_failed_message(error))
            return
    await call.reply(report_sent_message(len(charts)))


REPORT_ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "report",
        "admin report",
        N_("the program report with charts (learning, meetings, skills gap), sent to your DM"),
        admin_report,
    ),
)
