"""Recording page revisions in tests the way the admin does."""

from contextlib import contextmanager

import reversion

from base.revisions import recorded_change


@contextmanager
def page_change(page, *, user=None, comment=""):
    """One revision of the whole page around some writes, as the admin records it."""
    with recorded_change(user=user, comment=comment):
        yield
        reversion.add_to_revision(page)
