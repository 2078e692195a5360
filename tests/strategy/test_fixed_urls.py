"""``{% fixed_url %}`` gives the addresses ``{% url %}`` would, under any prefix or URLconf."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, set_script_prefix

TEMPLATE = Template("{% load fixed_urls %}{% fixed_url 'strategy:home' %} {% fixed_url 'login' %}")


@pytest.fixture
def prefix():
    yield set_script_prefix
    set_script_prefix("/")


def test_fixed_url_gives_the_address_url_gives():
    expected = Template("{% url 'strategy:home' %} {% url 'login' %}").render(Context())

    assert TEMPLATE.render(Context()) == expected == "/ /accounts/login/"


def test_fixed_url_follows_the_prefix_the_site_is_served_under(prefix):
    assert TEMPLATE.render(Context()) == "/ /accounts/login/"

    prefix("/coalition/")

    assert TEMPLATE.render(Context()) == "/coalition/ /coalition/accounts/login/"


def test_fixed_url_follows_the_urlconf(settings):
    assert TEMPLATE.render(Context()) == "/ /accounts/login/"

    settings.ROOT_URLCONF = "tests.base.page_cache_urls"

    with pytest.raises(NoReverseMatch, match="'strategy' is not a registered namespace"):
        TEMPLATE.render(Context())
