"""``{% fixed_url "name" %}``: the address of a page that takes no arguments, such as
the site header's links.

``{% url %}`` works the address out again on every render, and the header's
ten links cost a signed-in reader's strategy page a tenth of its time. Such an
address depends only on the URLconf and on the prefix the site is served
under, so it is worked out once per process for each.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return _address(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=256)
def _address(name: str, urlconf: str, prefix: str) -> str:
    # ``prefix`` is only part of the key: reverse() reads it for itself.
    return reverse(name, urlconf=urlconf)
