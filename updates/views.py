from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.people import person_name
from updates import selectors, services
from updates.forms import WeeklyDigestForm
from updates.models import WeeklyDigest

STAFF_ONLY = "The updates queue is for the people who keep the pages: page managers and editors."
EDITORS_ONLY = "Only editors may see the updates of other people."
NO_SUCH_PERSON = "There is no one called “{username}” among the people who keep the pages."


def forbidden(request, message: str):
    return render(request, "updates/forbidden.html", {"message": message}, status=403)


@require_GET
@login_required
def queue(request):
    """What is due: for a page manager, their own; for an editor, everyone's, or one person's.

    ``?person=<username>`` picks a person (an editor's own queue is
    ``?person=<their username>``); editors see everyone's without it, or with
    ``?person=`` (empty). An editor's queue, theirs or chosen, includes the
    items nobody is named for.
    """
    user = request.user
    if not user.has_perm("updates.view_queue"):
        return forbidden(request, STAFF_ONLY)
    requested = request.GET.get("person")
    if not user.has_perm("updates.view_everyones_queue"):
        if requested not in (None, user.get_username()):
            return forbidden(request, EDITORS_ONLY)
        return _render_queue(request, person=user, people=None)
    people = list(selectors.people_with_queues())
    if not requested:
        return _render_queue(request, person=None, people=people)
    if requested == user.get_username():
        return _render_queue(request, person=user, people=people)
    person = next((p for p in people if p.get_username() == requested), None)
    if person is None:
        context = {"error": NO_SUCH_PERSON.format(username=requested), "people": people}
        return render(request, "updates/queue.html", context, status=404)
    return _render_queue(request, person=person, people=people)


def _render_queue(request, *, person, people):
    queue = selectors.update_queue(
        person,
        today=timezone.localdate(),
        with_nobody_named=person is not None and person.has_perm("updates.view_everyones_queue"),
    )
    context = {
        "queue": queue,
        "person": person,
        "own": person is not None and person.pk == request.user.pk,
        "everyone": person is None,
        "person_name": person_name(person, ""),
        # The choice of person, for editors only.
        "people": people,
    }
    return render(request, "updates/queue.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def digest_settings(request):
    """Whether the signed-in person gets the weekly e-mail of their queue."""
    if not request.user.has_perm("updates.view_queue"):
        return forbidden(request, STAFF_ONLY)
    if request.method == "POST":
        form = WeeklyDigestForm(request.POST)
        if form.is_valid():
            wanted = form.cleaned_data["wanted"]
            services.set_weekly_digest(user=request.user, wanted=wanted)
            messages.success(
                request,
                "You will get a weekly e-mail of what is due."
                if wanted
                else "You will get no weekly e-mail of what is due.",
            )
            return redirect("updates:settings")
    else:
        wanted = services.weekly_digest_wanted(request.user)
        form = WeeklyDigestForm(instance=WeeklyDigest(wanted=wanted))
    return render(request, "updates/settings.html", {"form": form})
