from django.urls import path

from books import views

app_name = "books"

urlpatterns = [
    path("strategies/<slug:slug>/book.pdf", views.page_book, name="page-book"),
    path("maps/<slug:slug>/book.pdf", views.map_book, name="map-book"),
    path("maps/<slug:slug>/book/retry/", views.retry_map_book, name="map-book-retry"),
]
