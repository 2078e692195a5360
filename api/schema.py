"""The OpenAPI 3.1 description of the API, built from what the code declares.

Paths come from ``api/urls.py`` and each view's ``@endpoint`` ``Doc``; schemas
from the shapes in ``api/serializers.py`` that the views serialize with. Nothing
here is written twice, so the description follows the code.
"""

import re

from django.urls import URLPattern, reverse

from api import serializers, urls

INFO_DESCRIPTION = """\
Read-only access to the published strategy maps, strategy pages, scorecards
and program library of this site. Drafts and archived pages are never shown,
whoever asks; they answer 404 like pages that do not exist.

* Every answer is JSON. Errors are `{"detail": "..."}` with status 404 (unknown
  object, unknown path, bad `?page=`) or 405 (any method but GET and HEAD).
* Lists are paginated: `count`, `next`, `previous` and `results`, at most 50
  objects a page; ask for another page with `?page=N`.
* Every documented field is always present. A missing value is `null` (numbers,
  dates, objects) or an empty string (texts) or `[]` (lists), as each field says.
* `api_url` is an object's own address in the API and `html_url` its page on
  the site; `url` is an external address the object records (a resource's, a
  rating's, a data source's).
* Rich texts (introductions, notes, descriptions) are Markdown as written.
* Field names are stable: new fields may be added, none will be renamed or
  removed without a new version of this API.
"""

# Path converters of api/urls.py as JSON Schema.
CONVERTERS = {
    "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    "int": {"type": "integer", "minimum": 0},
    "str": {"type": "string"},
}


def openapi_path(pattern: URLPattern, prefix: str) -> str:
    """``maps/<slug:slug>/`` under ``/api/`` -> ``/api/maps/{slug}/``."""
    return prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))


def _converter_name(converter) -> str:
    return type(converter).__name__.removesuffix("Converter").lower()


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": serializers.ERROR.json_schema()}},
    }


def _operation(pattern: URLPattern) -> dict:
    doc = pattern.callback.api_doc
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": CONVERTERS[_converter_name(converter)],
        }
        for name, converter in pattern.pattern.converters.items()
    ]
    responses = {
        "200": {
            "description": doc.summary,
            "content": {"application/json": {"schema": doc.response.json_schema()}},
        }
    }
    if doc.paginated:
        parameters.append(
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "The page to answer, from 1 (the default).",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            }
        )
    if parameters:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    responses["405"] = {"$ref": "#/components/responses/MethodNotAllowed"}
    operation = {"operationId": pattern.name, "summary": doc.summary, "responses": responses}
    if doc.description:
        operation["description"] = doc.description
    if parameters:
        operation["parameters"] = parameters
    return operation


def documented_patterns() -> list[URLPattern]:
    return [
        pattern
        for pattern in urls.urlpatterns
        if getattr(pattern.callback, "api_doc", None) is not None
    ]


def openapi(request=None) -> dict:
    """The OpenAPI document; with a request, its server is the address the request came to."""
    prefix = reverse("api:index")
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Strategy maps and scorecards API",
            "version": "1.0.0",
            "description": INFO_DESCRIPTION,
        },
        "paths": {
            openapi_path(pattern, prefix): {"get": _operation(pattern)}
            for pattern in documented_patterns()
        },
        "components": {
            "schemas": {
                name: shape.component() for name, shape in sorted(serializers.SHAPES.items())
            },
            "responses": {
                "NotFound": _error(
                    "No such published object, or no such page of the list (`?page=`)."
                ),
                "MethodNotAllowed": _error("The API is read-only: GET and HEAD only."),
            },
        },
    }
    if request is not None:
        document["servers"] = [{"url": request.build_absolute_uri("/").rstrip("/")}]
    return document
