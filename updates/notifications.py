"""The weekly e-mail of a person's updates queue.

Plain text, rendered from ``templates/updates/email/digest.txt``, with every
link rooted at the site's address (``settings.SITE_URL`` unless given). Items
nobody is named for (in an editor's e-mail) link to where someone is named.
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from accounts.people import person_name
from updates.selectors import Queue


def _absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + path


def send_digest(person, queue: Queue, *, site_url: str) -> int:
    """One e-mail to ``person`` listing their queue. Returns the number sent (0 or 1)."""
    groups = [
        (
            group,
            [
                (
                    item,
                    _absolute(site_url, item.url),
                    item.name_someone_url and _absolute(site_url, item.name_someone_url),
                )
                for item in group.items
            ],
        )
        for group in queue.groups
        if group.items
    ]
    body = render_to_string(
        "updates/email/digest.txt",
        {
            "name": person_name(person, ""),
            "queue": queue,
            "groups": groups,
            # Their own queue (an editor's queue opens on everyone's).
            "queue_url": _absolute(
                site_url,
                f"{reverse('updates:queue')}?{urlencode({'person': person.get_username()})}",
            ),
            "settings_url": _absolute(site_url, reverse("updates:settings")),
        },
    )
    things = f"{queue.count} thing{'s' * (queue.count != 1)}"
    overdue = f", {queue.overdue} overdue" if queue.overdue else ""
    subject = f"Your updates: {things} to do{overdue}"
    return EmailMessage(subject, body, to=[person.email]).send()
