"""``{% site_url "name" %}``: the address of a page that takes no arguments, such as the
site header's links.

``{% url %}`` works the address out again on every render; the header's ten
links cost a signed-in reader's strategy page a tenth of its time. An address
depends only on the URLconf and the prefix the site is served under, so it is
worked out once per process for each.
"""

from functools import cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@cache
def _address(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def site_url(name: str) -> str:
    return _address(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
