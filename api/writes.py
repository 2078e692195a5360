"""The API's one write: values of a page's measures, posted with a token.

``POST /api/strategies/<slug>/scorecard/values/`` takes a JSON list of
``{"measure", "period", "value", "note"}`` objects and stores them as the CSV
upload stores a file's rows (``scorecards.uploads.apply_values``): the same
checks and messages, all in one revision of the page by the token's owner, or
nothing. Unlike the read endpoints (``api/views.py``), this view reads who is
asking, from an ``Authorization: Token …`` header only (Django REST
framework's ``TokenAuthentication``; no session, so no CSRF token either),
parses JSON, and is throttled per person (``ScopedRateThrottle``, the rate
``api-writes`` of ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``). It is never
cached; the write moves the content version, so the page shows the new values
at once.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework import views as drf_views
from rest_framework.authentication import TokenAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api import serializers as s
from api.views import JsonOnly
from scorecards.uploads import (
    RowError,
    UploadRefused,
    UploadResult,
    ValueEntry,
    apply_values,
    preview_values,
)
from strategy.models import Strategy

# A post is one transaction holding the page; a script with more sends several.
MAX_VALUES = 1000
COMMENT = "Values posted through the API"
THROTTLE_SCOPE = "api-writes"
GET_NOT_ALLOWED = "Method {method} not allowed; values are stored with POST."


class JsonBodies(JsonOnly):
    """Answers in JSON, as every endpoint does, and reads a JSON body."""

    def select_parser(self, request, parsers):
        return DefaultContentNegotiation().select_parser(request, parsers)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(s.ErrorSerializer, description)


class StrategyValues(drf_views.APIView):
    """Store values of the page's measures, all of them or none.

    The body is a JSON list of at most 1,000 values. Each names a measure of
    the page by its id or by its name, a period and a value, and may carry a
    note; a value for a period that already has one replaces it. The values
    are checked as the scorecard upload checks a file's rows, and stored in
    one revision of the page, by the token's owner, or not at all.

    Authenticate with a token, `Authorization: Token <key>`: staff (page managers,
    editors, measures' owners) create one on their page `/accounts/token/`. The
    page's manager and editors may store values of every measure of the page; a
    measure's owner, of the measures they own. Writes are limited to 60 a minute
    per person.
    """

    http_method_names = ["post"]
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = THROTTLE_SCOPE
    content_negotiation_class = JsonBodies

    def http_method_not_allowed(self, request, *args, **kwargs):
        detail = GET_NOT_ALLOWED.format(method=request.method)
        raise exceptions.MethodNotAllowed(request.method, detail=detail)

    @extend_schema(
        summary="Store values of a page's measures",
        request=s.ValueInputSerializer(many=True),
        responses={
            201: OpenApiResponse(s.ValuesStoredSerializer, "Stored, in one revision."),
            200: OpenApiResponse(
                s.ValuesStoredSerializer, "Every value was already stored as given: no change."
            ),
            400: OpenApiResponse(
                s.ValuesRefusedSerializer,
                "Nothing was stored: every problem of every field, by the value's index "
                '(from 0, as the message says it: "Item 0" is the first value) and field, or '
                "the body's own (not JSON, not a list, too long).",
            ),
            401: _error("No token, or a token that is not valid."),
            403: _error(
                "The token's owner may not store these values: they neither manage the page "
                "nor own the measures, and are no editor."
            ),
            404: _error("No such page, or one the token's owner may not read."),
            405: _error("Values are stored with POST only."),
            415: _error("The body is not `application/json`."),
            429: _error("Too many writes: try again after the seconds in `Retry-After`."),
        },
    )
    def post(self, request, slug):
        user = request.user
        page = get_object_or_404(Strategy.objects.visible_to(user), slug=slug)
        if not user.has_perm("scorecards.enter_values", page):
            raise exceptions.PermissionDenied(f"You may not store values on: {page.title}.")
        try:
            body = request.data
        except exceptions.ParseError as unreadable:
            return refused(
                "The body is not JSON; nothing was written.",
                [RowError(None, str(unreadable.detail))],
            )
        entries, problems = read_values(body)
        if problems:
            if entries:
                problems += page_problems(page, entries, problems)
            return refused(f"The values have {_count(problems)}; nothing was written.", problems)
        try:
            result = apply_values(
                strategy=page, entries=entries, user=user, comment=COMMENT, measure_owners=True
            )
        except UploadRefused as refusal:
            return refused(refusal.message, refusal.preview.errors)
        except PermissionDenied as denial:
            raise exceptions.PermissionDenied(str(denial)) from None
        data = s.ValuesStoredSerializer(stored_values(result)).data
        return Response(data, status=201 if result.added or result.changed else 200)


def stored_values(result: UploadResult) -> dict:
    """What was stored, as ``ValuesStoredSerializer`` sends it: each value in the order given."""
    rows = result.preview
    stored = [
        (row, kind)
        for kind, kind_rows in (
            ("added", rows.added),
            ("changed", rows.changed),
            ("unchanged", rows.unchanged),
        )
        for row in kind_rows
    ]
    return {
        "added": result.added,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "values": [
            {
                "index": row.line,
                "measure": row.measure,
                "period": row.period.label,
                "value": row.value,
                "note": row.new_note,
                "result": kind,
                "previous_value": row.existing.value if row.existing else None,
            }
            for row, kind in sorted(stored, key=lambda pair: pair[0].line)
        ],
    }


def read_values(data) -> tuple[list[ValueEntry], list[RowError]]:
    """Every value of the body that is an object, as an entry, and the problems of the body's
    shape: each on its index and field, or the body's own when it is no list of at most
    MAX_VALUES. A field with a problem is left empty in its entry."""
    if not isinstance(data, list):
        kind = "an object" if isinstance(data, dict) else "that"
        return [], [RowError(None, f"The body must be a JSON list of values, not {kind}.")]
    if len(data) > MAX_VALUES:
        return [], [
            RowError(
                None,
                f"The list holds {len(data):,} values; post at most {MAX_VALUES:,} at a time.",
            )
        ]
    reader = s.ValueInputSerializer()
    entries, problems = [], []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            message = f"Item {index}: a value must be an object, not {s.json_kind(item)}."
            problems.append(RowError(index, message))
            continue
        value, invalid = reader.read(item)
        problems += _item_problems(index, invalid)
        entries.append(
            ValueEntry(
                index,
                value.get("measure", ""),
                value.get("period", ""),
                value.get("value", ""),
                value.get("note"),
            )
        )
    return entries, problems


def page_problems(
    page: Strategy, entries: list[ValueEntry], shape_problems: list[RowError]
) -> list[RowError]:
    """The entries' problems against the page (no such measure, a period that cannot be read,
    too many decimals, given twice), for the fields whose shape was right: a field with a
    problem of its shape was left empty, and "it is empty" would only repeat that problem."""
    known = {(problem.line, problem.column) for problem in shape_problems}
    return [
        problem
        for problem in preview_values(strategy=page, entries=entries).errors
        if (problem.line, problem.column) not in known
    ]


def _item_problems(index: int, detail: dict) -> list[RowError]:
    """REST framework's errors of one item, by field, as row errors."""
    return [
        RowError(index, _sentence(str(message)), name)
        for name, messages in detail.items()
        for message in messages
    ]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:].rstrip(".") + "."


def _count(problems: list) -> str:
    return f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"


def refused(detail: str, errors: list[RowError]) -> Response:
    """400: nothing was stored, with every problem, by index and field, in the list's order
    and, within a value, in the order of its fields."""
    ordered = sorted(errors, key=_place)
    body = {
        "detail": detail,
        "errors": [
            {"index": error.line, "field": error.column, "message": _message(error)}
            for error in ordered
        ],
    }
    return Response(s.ValuesRefusedSerializer(body).data, status=400)


FIELD_ORDER = {None: 0, "measure": 1, "period": 2, "value": 3, "note": 4}


def _place(error: RowError) -> tuple[int, int]:
    """Where a problem is listed: the body's own first, then by index and field, a key that
    is no field last."""
    return (-1 if error.line is None else error.line, FIELD_ORDER.get(error.column, 5))


def _message(error: RowError) -> str:
    """The problem, naming the value and the field it is about."""
    if error.line is None or error.message.startswith("Item "):
        return error.message
    where = f"Item {error.line}" + (f", {error.column}" if error.column else "")
    return f"{where}: {error.message[:1].lower()}{error.message[1:]}"
