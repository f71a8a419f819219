"""`now` is read here, in entry points, and passed down; the domain never reads a clock."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")


class Clock:
    """The system clock, optionally shifted (dev and tests move time forward to see deadlines pass)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def local_date(moment: datetime, timezone: str = "Asia/Bangkok") -> date:
    """The business date of a moment in the tenant's time zone (documents and numbering use it)."""
    return moment.astimezone(ZoneInfo(timezone)).date()
