"""The OpenAPI 3.1 description of the API, produced by drf-spectacular.

Paths come from ``api/urls.py``, each operation from its view's ``documented``
declaration (``api/views.py``), and the components from the serializers in
``api/serializers.py`` that the views answer with. Nothing is written twice, so
the description follows the code. ``SPECTACULAR_SETTINGS`` in the settings
names the version (3.1.0) and the hook below.
"""

import functools
import re

from django.urls import URLPattern, reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema

INFO_DESCRIPTION = """\
Read access to the published strategy maps, strategy pages, scorecards and
program library of this site, for anyone. Drafts and archived pages are never
shown, whoever asks; they answer 404 like pages that do not exist.

One write: the values of a page's measures, posted to
`/api/strategies/{slug}/scorecard/values/` with a token
(`Authorization: Token <key>`; a signed-in person creates one at
[/accounts/token/](/accounts/token/)) by the page's manager, an editor or a
measure's owner. The values are checked as the scorecard upload checks a
file, and stored all in one revision of the page, or not at all.

* Every answer is JSON. Errors are `{"detail": "..."}` with status 404 (unknown
  object, unknown path, bad `?page=`) or 405 (any method but GET and HEAD, and
  any but POST for the write); the write's refusals also list every problem.
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

An interactive reference, where each request can be tried, is at
[/api-reference/](/api-reference/).
"""


def openapi_path(pattern: URLPattern, prefix: str) -> str:
    """``maps/<slug:slug>/`` under ``/api/`` -> ``/api/maps/{slug}/``."""
    return prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))


@functools.cache
def _url_names() -> dict[str, str]:
    from api import urls  # the URLconf imports the views, which this module serves

    prefix = reverse("api:index")
    return {openapi_path(pattern, prefix): pattern.name for pattern in urls.urlpatterns}


class ApiSchema(AutoSchema):
    """drf-spectacular's description of a view, with the URL's name as its operation id.

    The ids (``map-list``, ``strategy-detail``) are what clients generated from
    the description name their methods after, so they stay as the API has
    always had them.
    """

    def get_operation_id(self):
        return _url_names()[self.path]

    def get_tags(self):
        # Grouped by the path's first segment (maps, strategies…); the index by itself.
        return [tag for tag in super().get_tags() if tag] or ["index"]


def _plain_references(node) -> None:
    """Say references as OpenAPI 3.1 lets them be said, throughout the document.

    drf-spectacular writes for OpenAPI 3.0 too: a reference with a description
    beside it as ``allOf: [{$ref}]``, and a nullable object as ``oneOf`` its
    reference and null. In 3.1 a ``$ref`` may have siblings, and for a value
    that cannot be both, ``anyOf`` means the same as ``oneOf``; these are how
    this description has always said it, and what tools walking it expect.
    """
    if isinstance(node, dict):
        wrapped = node.get("allOf")
        if isinstance(wrapped, list) and len(wrapped) == 1 and set(wrapped[0]) == {"$ref"}:
            node["$ref"] = node.pop("allOf")[0]["$ref"]
        node.pop("x-spec-enum-id", None)  # drf-spectacular's own bookkeeping
        choices = node.get("oneOf")
        if isinstance(choices, list) and {"type": "null"} in choices:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _plain_references(value)
    elif isinstance(node, list):
        for value in node:
            _plain_references(value)


def finish_document(result: dict, generator, request, public) -> dict:
    """drf-spectacular's postprocessing hook: the API's description, closed objects.

    Every component lists all its fields as required (the serializers send them
    all), and says that no other field is sent.
    """
    result["info"]["description"] = INFO_DESCRIPTION
    for component in result["components"]["schemas"].values():
        component["additionalProperties"] = False
    _plain_references(result)
    return result


def openapi(request=None) -> dict:
    """The OpenAPI document; with a request, its server is the address the request came to."""
    document = SchemaGenerator().get_schema(request=request, public=True)
    if request is not None:
        document["servers"] = [{"url": request.build_absolute_uri("/").rstrip("/")}]
    return document
