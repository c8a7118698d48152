"""Log records as one JSON object a line (LOG_FORMAT=json), for journald, Loki or any log shipper.

A dozen lines rather than a dependency: the fields a log search needs, in UTC, never a multi-line entry
(a traceback is one string field)."""

import json
import logging
from datetime import UTC, datetime

EXTRA_FIELDS = ("status_code", "request", "competition_id", "player_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for name in EXTRA_FIELDS:
            if name in record.__dict__:
                entry[name] = str(record.__dict__[name])
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
