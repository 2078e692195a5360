from django.shortcuts import render


def forbidden(request, message: str):
    """The refusal page of the review features, saying why."""
    return render(request, "reviews/forbidden.html", {"message": message}, status=403)
