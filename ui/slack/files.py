"""Files attached to a Slack message: looked up with ``files.info`` and downloaded with
the bot token, within Sherlog's attachment limits.

The token is sent only to Slack's file host (or to the Web API's own host, which is a
local stub in tests): a ``files.info`` answer pointing anywhere else is refused.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Sequence
from urllib.parse import urlsplit

from slack_sdk.errors import SlackApiError

from assistant.attachments import Attachment, attachment_from_bytes
from assistant.errors import EvidenceError

__all__ = ["FILE_HOSTS", "download_files"]

FILE_HOSTS = frozenset({"files.slack.com"})
TIMEOUT_S = 30


def download_files(
    client, files: Sequence[dict], max_bytes: int
) -> tuple[list[Attachment], list[str]]:
    """The attachments, and one error per file that cannot be one (too large, binary,
    not text, not downloadable), each naming the file."""
    attachments: list[Attachment] = []
    errors: list[str] = []
    for shared in files:
        name = shared.get("name") or shared.get("id") or "file"
        try:
            info = client.files_info(file=shared["id"])["file"]
            name = info.get("name") or name
            size = int(info.get("size") or 0)
            if size > max_bytes:
                raise EvidenceError(
                    f"{name}: {size / 1048576:.1f} MB is over the attachment limit of "
                    f"{max_bytes / 1048576:.1f} MB"
                )
            url = info.get("url_private_download") or info["url_private"]
            data = _fetch(client, url, name, max_bytes)
            attachments.append(attachment_from_bytes(name, data, max_bytes))
        except EvidenceError as err:
            errors.append(str(err))
        except SlackApiError as err:
            errors.append(f"{name}: Slack would not describe it ({err.response.get('error')})")
        except (KeyError, OSError, ValueError) as err:
            errors.append(f"{name}: could not download it from Slack ({type(err).__name__})")
    return attachments, errors


def _fetch(client, url: str, name: str, max_bytes: int) -> bytes:
    host = urlsplit(url).hostname or ""
    allowed = FILE_HOSTS | {urlsplit(client.base_url).hostname or ""}
    if urlsplit(url).scheme not in {"https", "http"} or host not in allowed:
        raise EvidenceError(f"{name}: {host or url} is not Slack's file host; not downloaded")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        data = response.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise EvidenceError(f"{name}: over the attachment limit of {max_bytes / 1048576:.1f} MB")
    return data
