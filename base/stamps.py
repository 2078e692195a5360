"""Edit-conflict stamps: what a change form remembers of its object when it is opened.

A save is refused when the object's stamp has moved since its form was
opened (see docs/architecture.md, "Edit conflicts").
"""

from dataclasses import dataclass

from django import forms
from django.db import models
from reversion.models import Version

# The hidden field of a change form that records what the form was opened on
# (an EditStamp, as text).
LOADED_VERSION = "loaded_version"
# A model with a field of this name counts its saves in it (Strategy.version).
ROW_VERSION_FIELD = "version"


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@dataclass(frozen=True)
class EditStamp:
    """What a change form remembers of its object when it is opened.

    ``version_id`` is the object's newest reversion Version: every recorded
    save of the object, or of the page it belongs to, adds a newer one.
    ``row_version`` is the object's own save counter, for a model that keeps
    one: it also moves for saves that record no revision (a new review moves
    a page's review date without one). Either is None when there is none.
    """

    version_id: int | None
    row_version: int | None

    def __str__(self) -> str:
        return ":".join(
            "" if part is None else str(part) for part in (self.version_id, self.row_version)
        )

    @classmethod
    def parse(cls, text: str | None) -> "EditStamp":
        """The stamp a form posted; anything unreadable reads as "nothing was there"."""
        version_id, _, row_version = (text or "").partition(":")
        return cls(_int_or_none(version_id), _int_or_none(row_version))


class EditStampField(forms.CharField):
    """The hidden stamp on a change form: bookkeeping, never a change to the object."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data) -> bool:
        # Otherwise the admin's change message would read "Changed … and Loaded version."
        return False


def _has_row_version(model: type[models.Model]) -> bool:
    return any(field.name == ROW_VERSION_FIELD for field in model._meta.concrete_fields)


def lock_row(obj: models.Model) -> None:
    """Hold ``obj``'s row until the transaction ends (PostgreSQL; SQLite writes one at a time).

    No ordering, so no join: a strategy's default ordering would lock its band too.
    """
    list(type(obj)._default_manager.filter(pk=obj.pk).order_by().select_for_update().values("pk"))


def edit_stamp(obj: models.Model, *, lock: bool = False) -> EditStamp:
    """The stamp of ``obj`` as stored now. Two queries at most.

    With ``lock``, the object's row is held until the transaction ends
    (PostgreSQL; SQLite writes one transaction at a time anyway).
    """
    model = type(obj)
    counts_saves = _has_row_version(model)
    row_version = None
    if lock or counts_saves:
        # No ordering, so no join: a strategy's default ordering would lock its band too.
        rows = model._default_manager.filter(pk=obj.pk).order_by()
        if lock:
            rows = rows.select_for_update()
        stored = rows.values_list(ROW_VERSION_FIELD if counts_saves else "pk", flat=True).first()
        row_version = stored if counts_saves else None
    version_id = Version.objects.get_for_object(obj).values_list("pk", flat=True).first()
    return EditStamp(version_id, row_version)
