"""The briefing books' addresses: a strategy page's PDF, and a map's, built in the background."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from accounts.rules import may_read_drafts
from books import services
from books.models import BriefingBook, book_filename
from strategy.models import Strategy, StrategyMap

# How often the waiting page asks again, in seconds.
REFRESH_SECONDS = 5


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # A staff member's book shows drafts: no shared cache may keep any book.
    patch_cache_control(response, private=True)
    return response


@require_safe
def page_book(request, slug):
    strategy = Strategy.objects.find_visible(slug, request.user)
    if strategy is None:
        raise Http404
    pdf = services.page_book(strategy=strategy, user=request.user)
    return pdf_response(
        pdf, filename=book_filename(strategy.slug, staff=may_read_drafts(request.user))
    )


@require_safe
def map_book(request, slug):
    strategy_map = get_object_or_404(StrategyMap, slug=slug)
    book = services.map_book(strategy_map=strategy_map, user=request.user)
    if book is not None and book.is_ready:
        return pdf_response(bytes(book.pdf), filename=book.filename)
    context = {"map": strategy_map, "book": book, "refresh_seconds": REFRESH_SECONDS}
    if book is not None and book.has_failed:
        response = render(request, "books/failed.html", context, status=503)
    else:
        response = render(request, "books/waiting.html", context, status=202)
    patch_cache_control(response, no_store=True)
    return response


@require_POST
def retry_map_book(request, slug):
    """Ask again for a map's book whose build failed; back to the book, which waits or shows it."""
    strategy_map = get_object_or_404(StrategyMap, slug=slug)
    edition = services.edition_for(request.user)
    book = (
        BriefingBook.objects.for_target(
            kind=BriefingBook.Kind.MAP, target=strategy_map, audience=edition.audience
        )
        .filter(content_version=edition.version, made_for=edition.day)
        .first()
    )
    if book is not None:
        services.retry_map_book(book=book)
    return redirect("books:map-book", strategy_map.slug)
