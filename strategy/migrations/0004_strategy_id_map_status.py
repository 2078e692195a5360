"""An index of each page's map and status, by page.

Map roll-ups and the "pages this reader may see" subqueries read these three
columns for many pages at once; the index answers them without reading the
wide rows (introduction, search document), by an index-only scan.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0003_search_document"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="strategy",
            index=models.Index(fields=["id", "map", "status"], name="strategy_id_map_status"),
        ),
    ]
