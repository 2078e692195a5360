"""Recording page revisions in tests the way the admin does."""

from contextlib import contextmanager

import reversion
from django.urls import reverse
from reversion.models import Version

from base.revisions import recorded_change


@contextmanager
def page_change(page, *, user=None, comment=""):
    """One revision of the whole page around some writes, as the admin records it."""
    with recorded_change(user=user, comment=comment):
        yield
        reversion.add_to_revision(page)


def newest_version_id(page) -> int | None:
    """The id of the page's newest version, as the restore preview's form carries it."""
    return Version.objects.get_for_object(page).values_list("pk", flat=True).first()


def confirm_restore(client, page, version, *, follow: bool = False):
    """Confirm restoring ``page`` to ``version``'s revision, as the preview's form posts it."""
    return client.post(
        reverse("strategy:strategy-revert", args=[page.slug, version.pk]),
        {"seen": newest_version_id(page)},
        follow=follow,
    )
