"""A page's stored "last reviewed" date becomes a mark of review where no review explains it.

Until now a page manager's "mark reviewed" (and an edit of the date in the
admin) set the date on the page and left no record of its own; the date is
now worked out from the reviews and marks, so each such date is kept as a
mark, by whoever the page's history says marked it, if it says.
"""

from django.db import migrations
from django.db.models import Max

from base.periods import add_months


def _name(user) -> str:
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip() or user.username


def marks_from_last_reviewed(apps, schema_editor):
    Strategy = apps.get_model("strategy", "Strategy")
    Review = apps.get_model("reviews", "Review")
    ReviewMark = apps.get_model("reviews", "ReviewMark")
    Version = apps.get_model("reversion", "Version")
    ContentType = apps.get_model("contenttypes", "ContentType")
    page_type = ContentType.objects.filter(app_label="strategy", model="strategy").first()
    newest_review = dict(
        Review.objects.values("strategy")
        .annotate(newest=Max("reviewed_on"))
        .values_list("strategy", "newest")
    )
    # Who marked each page reviewed on a day, as its history says: the newest such revision.
    marked_by = {}
    if page_type is not None:
        marks = (
            Version.objects.filter(
                content_type=page_type, revision__comment__startswith="Marked reviewed on "
            )
            .select_related("revision__user")
            .order_by("revision__date_created", "pk")
        )
        for version in marks:
            marked_by[version.object_id, version.revision.comment] = version.revision.user
    added = []
    for page in Strategy.objects.exclude(last_reviewed=None).order_by("pk"):
        newest = newest_review.get(page.pk)
        if newest is not None and newest >= page.last_reviewed:
            continue
        user = marked_by.get((str(page.pk), f"Marked reviewed on {page.last_reviewed:%Y-%m-%d}"))
        added.append(
            ReviewMark(
                strategy=page,
                marked_on=page.last_reviewed,
                marked_by=user,
                marked_by_name=_name(user),
            )
        )
    ReviewMark.objects.bulk_create(added)
    # A review newer than the stored date (none should be) moves the date forward.
    for page in Strategy.objects.filter(pk__in=list(newest_review)).order_by("pk"):
        newest = newest_review[page.pk]
        if page.last_reviewed is None or newest > page.last_reviewed:
            page.last_reviewed = newest
            page.review_due = add_months(newest, page.review_interval_months)
            page.save(update_fields=["last_reviewed", "review_due"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_review_mark"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(marks_from_last_reviewed, migrations.RunPython.noop)]
