app_name = "reviews"

# The review features' pages are composed with the strategy page they sit on
# (public/urls.py, ``review_urlpatterns``), which shows a rejected form again.
urlpatterns: list = []
