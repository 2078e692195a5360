"""Build the POST a browser would send from an admin change page, so tests can edit one field."""

from django.urls import reverse


def _encode(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def _form_fields(form) -> dict:
    data = {}
    for name in form.fields:
        encoded = _encode(form[name].value())
        if encoded is not None:
            data[form.add_prefix(name)] = encoded
    return data


def _formset_fields(formset) -> dict:
    data = {}
    management = formset.management_form
    for name in management.fields:
        data[management.add_prefix(name)] = _encode(management[name].value())
    # Extra (blank) forms are left out, so the total is the saved rows only.
    data[management.add_prefix("TOTAL_FORMS")] = str(len(formset.initial_forms))
    for form in formset.initial_forms:
        data.update(_form_fields(form))
        # Nested inlines (django-nested-admin) hang each row's own formsets on its form.
        for nested in getattr(form, "nested_formsets", ()):
            data.update(_formset_fields(nested))
    return data


def admin_form_data(response, **changes) -> dict:
    """The change form's current values (main form and every inline), with ``changes`` applied."""
    context = response.context
    data = _form_fields(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        data.update(_formset_fields(inline.formset))
    data.update(changes)
    return data


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def post_change(client, obj, **changes):
    """Post ``obj``'s change form with ``changes``, expecting it back with errors."""
    response = client.post(change_url(obj), admin_form_data(client.get(change_url(obj)), **changes))
    assert response.status_code == 200, "the form should be shown again with errors"
    return response


def field_errors(response):
    return response.context["adminform"].form.errors
