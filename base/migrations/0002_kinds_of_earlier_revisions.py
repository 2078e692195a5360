"""Every revision recorded before revisions had a kind gets one, read from its comment.

The comments are the ones the site has always written ("Reviewed on DATE",
"Marked reviewed on DATE", "Uploaded scorecard data …", "Restored the revision
of …", "Published", "Imported from MediaWiki (…)", "Demo content"); anything
else was an edit.
"""

from django.db import migrations

PREFIXES = (
    ("Reviewed on ", "review"),
    ("Answered the review by ", "answer"),
    ("Marked reviewed on ", "marked_reviewed"),
    ("Uploaded scorecard data", "data"),
    ("Restored the revision of ", "restore"),
    ("Reverted to previous version", "restore"),
    ("Imported from MediaWiki", "import"),
    ("Demo content", "import"),
)
EXACT = {"Published": "publish"}
BATCH = 1000


def kind_of(comment: str) -> str:
    if comment in EXACT:
        return EXACT[comment]
    for prefix, kind in PREFIXES:
        if comment.startswith(prefix):
            return kind
    return "edit"


def give_kinds(apps, schema_editor):
    Revision = apps.get_model("reversion", "Revision")
    RevisionKind = apps.get_model("base", "RevisionKind")
    db = schema_editor.connection.alias
    batch = []
    for pk, comment in list(
        Revision.objects.using(db).filter(kind__isnull=True).values_list("pk", "comment")
    ):
        batch.append(RevisionKind(revision_id=pk, kind=kind_of(comment)))
        if len(batch) == BATCH:
            RevisionKind.objects.using(db).bulk_create(batch)
            batch = []
    RevisionKind.objects.using(db).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("base", "0001_revision_kind")]

    operations = [migrations.RunPython(give_kinds, migrations.RunPython.noop)]
