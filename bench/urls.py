"""The site's URLs plus one constant page, the yardstick for throughput.

The constant page is the strategy page's own HTML, read once from the file
named by BENCH_CONSTANT_PAGE and answered through the same middleware, so the
two differ only by the work of building the page.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

CONSTANT_PAGE = Path(os.environ["BENCH_CONSTANT_PAGE"]).read_bytes()


def constant_page(request):
    return HttpResponse(CONSTANT_PAGE)


urlpatterns = [path("bench/constant/", constant_page), *site_urlpatterns]
