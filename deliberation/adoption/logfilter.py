"""Keep the ballot box out of the logs.

With DEBUG (or LOG_LEVEL=DEBUG), Django logs every SQL statement with its parameters: the
"has voted" row of a voter followed by the ballot's INSERT would link the two in the log. This
filter, set on the `django.db.backends` logger in settings, drops every statement that touches
the voting tables.
"""

import logging

SECRET_TABLES = ("deliberation_ballot", "deliberation_turnout", "deliberation_voter")


class BallotSecrecyFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        sql = str(getattr(record, "sql", "") or "")
        if not sql:
            try:
                sql = record.getMessage()
            except Exception:  # noqa: BLE001 - a malformed record is dropped rather than risked
                return False
        return not any(table in sql for table in SECRET_TABLES)
