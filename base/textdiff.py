"""Line and word differences between two texts, for readers: what the page history shows
between two revisions and what the wiki import's dry run shows it would change.

``line_diff(old, new)`` gives the changed lines with a little context, long
unchanged runs folded, and within a replaced line the words that differ marked.
It knows nothing of pages or models.
"""

import difflib
import re
from dataclasses import dataclass

# Unchanged lines kept around each change in a long text; longer runs are folded.
CONTEXT_LINES = 2


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False


@dataclass(frozen=True)
class DiffLine:
    """A line of a long text: ``same``, ``added``, ``removed``, or ``skipped`` (folded)."""

    kind: str
    segments: tuple[Segment, ...] = ()
    skipped: int = 0

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)

    @property
    def is_blank(self) -> bool:
        """An added or removed line with nothing on it: shown as space, without a label."""
        return self.kind in ("added", "removed") and not self.text.strip()


def _split_words(line: str) -> list[str]:
    return re.findall(r"\s+|\S+", line)


def _word_pair(old: str, new: str) -> tuple[DiffLine, DiffLine]:
    """A replaced line and its replacement, with the words that differ marked."""
    before, after = _split_words(old), _split_words(new)
    removed: list[Segment] = []
    added: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            removed.append(Segment("".join(before[i1:i2]), changed=tag != "equal"))
        if j2 > j1:
            added.append(Segment("".join(after[j1:j2]), changed=tag != "equal"))
    return DiffLine("removed", tuple(removed)), DiffLine("added", tuple(added))


def line_diff(old: str, new: str) -> tuple[DiffLine, ...]:
    """A line-level diff of two texts, with long unchanged runs folded."""
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    lines: list[DiffLine] = []
    shown_until = 0
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        if group[0][1] > shown_until:
            lines.append(DiffLine("skipped", skipped=group[0][1] - shown_until))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(DiffLine("same", (Segment(text),)) for text in before[i1:i2])
            elif tag == "replace" and i2 - i1 == j2 - j1:
                for old_line, new_line in zip(before[i1:i2], after[j1:j2], strict=True):
                    lines.extend(_word_pair(old_line, new_line))
            else:
                lines.extend(DiffLine("removed", (Segment(t, True),)) for t in before[i1:i2])
                lines.extend(DiffLine("added", (Segment(t, True),)) for t in after[j1:j2])
        shown_until = group[-1][2]
    if lines and shown_until < len(before):
        lines.append(DiffLine("skipped", skipped=len(before) - shown_until))
    return tuple(lines)
