"""An iCalendar (RFC 5545) file for one meeting, written by hand: one VEVENT, times in UTC
(the meeting is stored time-zone aware, so Asia/Bangkok 09:00 is 02:00Z), text escaped, and
lines folded at 75 octets with CRLF, never inside a UTF-8 character (Thai letters are three
octets each)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from saan.forums.models import Meeting, MeetingStatus

CRLF = "\r\n"
LIMIT = 75  # octets per line, not counting the CRLF


def escape(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and newlines."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets; each continuation starts with a
    space (which counts towards its 75)."""
    pieces: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LIMIT if not pieces else LIMIT - 1
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def utc_stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(meeting: Meeting, *, url: str = "", host: str = "saan") -> str:
    """The meeting as a VCALENDAR with one VEVENT; a meeting without an end lasts two hours."""
    ends = meeting.ends_at or meeting.starts_at + dt.timedelta(hours=2)
    summary = " ".join(p for p in (meeting.title or meeting.mechanism.name, meeting.number) if p)
    description = meeting.mechanism.name + (f"\n{url}" if url else "")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Saan//Central space//TH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{utc_stamp(timezone.now())}",
        f"DTSTART:{utc_stamp(meeting.starts_at)}",
        f"DTEND:{utc_stamp(ends)}",
        f"SUMMARY:{escape(summary)}",
    ]
    if meeting.place:
        lines.append(f"LOCATION:{escape(meeting.place)}")
    lines.append(f"DESCRIPTION:{escape(description)}")
    if url:
        lines.append(f"URL:{url}")
    if meeting.status == MeetingStatus.CANCELLED:
        lines.append("STATUS:CANCELLED")
    else:
        lines.append("STATUS:CONFIRMED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)
