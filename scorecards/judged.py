"""Every measure's status, judged once and kept (``JudgedStatus``) until a write or the
date changes it, so that maps and the dashboard read thousands of statuses with a join.

Triggers clear a measure's kept status in the transaction that writes its data
points or the fields it is judged from (migration 0008). A reader first judges
again the measures whose status was cleared or whose ``until`` has come, which is
one query when there are none, then reads the statuses kept. A judgment is kept
only if the measure's ``generation`` is the one read with the rows it was judged
from: a write that commits while a reader judges leaves its status cleared, never
overwritten with a judgment of the rows before it.
"""

import datetime
import logging
from functools import reduce
from operator import or_

from django.db import DatabaseError, transaction
from django.db.models import Case, DateField, F, Q, QuerySet, Value, When

from scorecards.models import (
    STATUS_COLUMNS,
    JudgedStatus,
    Measure,
    latest_point,
    status_from_columns,
)
from scorecards.status import Status, judged_until

BY_CODE = {status.code: status for status in Status}
# Judgments stored per statement: a first run after an upgrade stores every measure's.
BATCH = 200

logger = logging.getLogger(__name__)


def to_judge(today: datetime.date) -> Q:
    """The measures (a Q on Measure) whose kept status cannot be read as it is on ``today``:
    cleared, run out, or a code the site does not know (stored past it, or by a version
    that named its statuses otherwise)."""
    return (
        Q(judged__code__isnull=True)
        | Q(judged__until__lte=today)
        | ~Q(judged__code__in=list(BY_CODE))
    )


def judge_again(*, today: datetime.date) -> int:
    """Judge the measures whose kept status was cleared or has run out, and keep the
    judgments; how many were judged. One query when there are none."""
    rows = list(
        Measure.objects.filter(to_judge(today))
        .with_latest_value()
        .order_by("pk")
        .values_list("pk", "judged__generation", *STATUS_COLUMNS)
    )
    if not rows:
        return 0
    judgments = []
    for pk, generation, *columns in rows:
        judged = status_from_columns(columns, today=today)
        read = dict(zip(STATUS_COLUMNS, columns, strict=True))
        until = judged_until(
            judged,
            latest=latest_point(read["latest_period"], read["latest_start"], read["latest_value"]),
            target_period=read["target_period"],
            stale_after_months=read["stale_after_months"],
            today=today,
        )
        judgments.append((pk, generation, judged.code, until))
    _keep(judgments)
    return len(judgments)


def _keep(judgments: list[tuple[int, int | None, str, datetime.date | None]]) -> None:
    """Store each (measure, generation read, code, until) whose generation has not moved on.

    A reader that cannot store them (a lock held too long, a deadlock with another reader
    storing the same rows) logs it and goes on: its page leaves those measures out, and
    the next reader judges them again.
    """
    try:
        with transaction.atomic():
            # A row lost (say, to a table rebuilt without its triggers) is made again.
            if missing := [pk for pk, generation, *_ in judgments if generation is None]:
                JudgedStatus.objects.bulk_create(
                    [JudgedStatus(measure_id=pk) for pk in missing], ignore_conflicts=True
                )
            for first in range(0, len(judgments), BATCH):
                batch = judgments[first : first + BATCH]
                unchanged = reduce(
                    or_, (Q(measure_id=pk, generation=gen or 0) for pk, gen, *_ in batch)
                )
                JudgedStatus.objects.filter(unchanged).update(
                    code=Case(*(When(measure_id=pk, then=Value(code)) for pk, _, code, _ in batch)),
                    until=Case(
                        *(When(measure_id=pk, then=Value(until)) for pk, *_, until in batch),
                        # A column for a default gives PostgreSQL the type of a CASE of NULLs.
                        default=F("until"),
                        output_field=DateField(),
                    ),
                )
    except DatabaseError:
        logger.warning("Measure statuses judged but not kept", exc_info=True)


def with_judged_status(measures: QuerySet, *, today: datetime.date) -> QuerySet:
    """``measures`` with ``status_code``, the code of their status on ``today``, after
    judging again those whose status was cleared or has run out (``judge_again``). A
    measure added since has none."""
    judge_again(today=today)
    return measures.annotate(status_code=F("judged__code"))


def status_of(code: str | None) -> Status | None:
    """The status a kept code names; None for none (not judged yet) or one unknown."""
    return BY_CODE.get(code)
