"""The MediaWiki reader refuses numbers and dates outside their ranges, naming the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from mediawiki.importer import ImportFailed
from strategy.models import Strategy
from tests.mediawiki.test_import import (
    TOP,
    ZOOM,
    export,
    import_page,
    row_counts,
    run,
    strategy_page,
    warnings_of,
)

pytestmark = pytest.mark.django_db

HUGE_NAMESPACE = export(TOP, {"title": "Talk:Overdoses", "text": "Hi.", "ns": "7" * 5000})


def test_a_namespace_of_five_thousand_digits_is_refused_naming_the_page():
    before = row_counts()

    with pytest.raises(ImportFailed) as refused:
        run(HUGE_NAMESPACE)

    assert "“Talk:Overdoses”" in refused.value.message
    assert "5,000 digits" in refused.value.message
    assert "Nothing was imported" in refused.value.message
    assert row_counts() == before


def test_the_command_refuses_a_namespace_of_five_thousand_digits(tmp_path):
    dump = tmp_path / "huge.xml"
    dump.write_bytes(HUGE_NAMESPACE)

    with pytest.raises(CommandError, match="“Talk:Overdoses”"):
        call_command("import_mediawiki", str(dump))


def test_the_admin_upload_refuses_a_namespace_of_five_thousand_digits(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("huge.xml", HUGE_NAMESPACE, content_type="text/xml")

    response = client.post(reverse("admin:strategy_strategymap_import_mediawiki"), {"file": upload})

    assert response.status_code == 200
    assert "“Talk:Overdoses”" in response.context["form"].errors["file"][0]


def test_a_namespace_of_a_superscript_digit_is_read_as_an_article():
    title, text = strategy_page("An intro.")

    run(export(TOP, ZOOM, {"title": title, "text": text, "ns": "²"}))

    assert Strategy.objects.filter(title=title).exists()


def test_a_review_dated_outside_the_years_a_date_may_have_is_skipped_with_a_warning():
    body = """{| class="wikitable"
! Reviewer !! Date !! Comments
|-
| Pat Kim || 12/31/9999 || From the far future.
|-
| Ana Ruiz || 1066-10-14 || From the distant past.
|-
| Lee Carter || 2019-01-15 || Good sources.
|}"""
    report, page = import_page(body)

    assert [r.reviewer_name for r in page.reviews.all()] == ["Lee Carter"]
    warnings = warnings_of(report, page.title)
    assert any("“12/31/9999” is outside 1900–" in m for m in warnings), warnings
    assert any("“1066-10-14” is outside 1900–" in m for m in warnings), warnings
