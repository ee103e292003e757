"""The files v2 upload that ``files_upload_v2`` makes: files.getUploadURLExternal, a POST of the
bytes to the URL it returns, then files.completeUploadExternal to share them."""

from __future__ import annotations

import time
from typing import Any, Final

from bot.sandbox.fake_slack.state import Handler, State, Upload, UploadedFile
from bot.sandbox.fake_slack.wire import (
    JSON,
    Reply,
    SlackError,
    integer,
    json_arg,
    optional,
    parse_args,
    required,
)

UPLOAD_PATH: Final = "/upload/v1/"
# files.getUploadURLExternal: "Description for the image is longer than the limit of 1000
# character" (alt_txt_too_large).
ALT_TXT_MAX: Final = 1000


def files_get_upload_url(state: State, args: dict[str, Any]) -> JSON:
    filename = required(args, "filename")
    length = integer(args, "length", -1)
    if length < 0:
        raise SlackError("invalid_arguments", "[ERROR] missing required field: length")
    alt_txt = optional(args, "alt_txt")
    if alt_txt is not None and len(alt_txt) > ALT_TXT_MAX:
        raise SlackError("alt_txt_too_large")
    file_id = state.next_id("F")
    state.uploads[file_id] = Upload(filename, length, alt_txt=alt_txt)
    return {"ok": True, "upload_url": f"{state.base}{UPLOAD_PATH}{file_id}", "file_id": file_id}


def files_complete_upload(state: State, args: dict[str, Any]) -> JSON:
    items = json_arg(args, "files")
    if not isinstance(items, list) or not items:
        raise SlackError("invalid_arguments", "[ERROR] missing required field: files")
    channel_id = optional(args, "channel_id")
    channels = tuple(c for c in (optional(args, "channels") or "").split(",") if c)
    targets = [state.resolve_channel(c) for c in ([channel_id] if channel_id else []) + [*channels]]
    out_files: list[JSON] = []
    pending: list[UploadedFile] = []
    for item in items:
        file_id = str(item.get("id", "")) if isinstance(item, dict) else ""
        upload = state.uploads.get(file_id)
        if upload is None or upload.content is None:
            # Slack's exact error for a never-uploaded file is not in our references.
            raise SlackError("invalid_arguments", f"[ERROR] file {file_id!r} was not uploaded")
        title = str(item.get("title") or upload.filename)
        pending.append(
            UploadedFile(
                id=file_id,
                name=upload.filename,
                title=title,
                content=upload.content,
                channel_id=targets[0] if channel_id and targets else None,
                channels=tuple(targets),
                initial_comment=optional(args, "initial_comment"),
                thread_ts=optional(args, "thread_ts"),
                user=state.bot_user_id,
                alt_txt=upload.alt_txt,
            )
        )
        now = int(time.time())
        out_files.append(
            {
                "id": file_id,
                "created": now,
                "timestamp": now,
                "name": upload.filename,
                "title": title,
                "mimetype": "",
                "filetype": "",
                "user": state.bot_user_id,
                "user_team": state.team_id,
                "size": len(upload.content),
                "mode": "hosted",
                "is_external": False,
                "is_public": False,
                "url_private": f"{state.base}/files/{file_id}",
                "permalink": f"https://{state.team_domain}.slack.com/files/{file_id}",
            }
        )
    for uploaded in pending:
        state.uploads.pop(uploaded.id, None)
    state.files.extend(pending)
    return {"ok": True, "files": out_files}


METHODS: Final[dict[str, Handler]] = {
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
}


def receive_upload(
    state: State, file_id: str, headers: dict[str, str], body: bytes
) -> tuple[Reply, JSON]:
    """The upload step: keep the bytes for files.completeUploadExternal. The answer, and what to
    record as the call's arguments."""
    content = body
    if headers.get("content-type", "").lower().startswith("multipart/form-data"):
        form = parse_args("", headers, body)
        found = form.get("file") or form.get("filename")
        if isinstance(found, bytes):
            content = found
    with state.lock:
        upload = state.uploads.get(file_id)
        if upload is not None:
            upload.content = content
    recorded: JSON = {"file_id": file_id, "size": len(content)}
    if upload is None:
        return Reply.text(404, "file not found"), recorded
    # files.slack.com answers a successful upload with this plain text.
    return Reply.text(200, f"OK - {len(content)}"), recorded
