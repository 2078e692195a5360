"""The README lists every status code the API returns for a measure."""

import re
from pathlib import Path

from scorecards.status import Status

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_lists_every_measure_status_code_the_api_returns():
    text = README.read_text()
    start = text.index("- **Status codes** of a measure:")
    item = text[start : text.index("\n- **", start + 1)]

    listed = set(re.findall(r"`([a-z_]+)`", item))

    assert {status.code for status in Status} <= listed
