from urllib.parse import urlsplit

from django import template
from django.utils.safestring import mark_safe

from base.markup import LINK_SCHEMES, render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 in render_markdown


@register.filter
def web_url(url):
    """The URL if it is an http(s) or mailto link, else "" (the template then shows no link).

    Forms already refuse other schemes; this also covers rows written by imports.
    """
    scheme = urlsplit(str(url or "")).scheme.lower()
    return url if scheme in LINK_SCHEMES else ""
