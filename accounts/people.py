"""How people are named on the site, in revisions, reviews and notices."""


def person_name(user, fallback: str) -> str:
    """How a person is shown: their full name, else their username, else the stored name."""
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()
