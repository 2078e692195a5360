import datetime

import factory
import reversion
from factory.django import DjangoModelFactory

from base.models import ChangeKind
from base.revisions import recorded_change
from changes.models import Watch
from tests.strategy.factories import StrategyFactory, UserFactory


class WatchFactory(DjangoModelFactory):
    class Meta:
        model = Watch

    user = factory.SubFactory(UserFactory)
    strategy = factory.SubFactory(StrategyFactory)
    watching = True


def record_change(
    page,
    *,
    user=None,
    comment="Changed the introduction",
    kind=ChangeKind.EDIT,
    at: datetime.datetime | None = None,
):
    """One revision of ``page`` by ``user``, of ``kind``, recorded ``at`` a time (else now)."""
    with recorded_change(user=user, comment=comment, kind=kind):
        if at is not None:
            reversion.set_date_created(at)
        reversion.add_to_revision(page)
