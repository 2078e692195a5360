"""No admin for API tokens: REST framework's lists every key in clear.

Each person creates, replaces and revokes their own token on their account
page (``api/tokens.py``); a deactivated account's token no longer works.
"""

from django.contrib import admin
from rest_framework.authtoken.models import TokenProxy

admin.site.unregister(TokenProxy)
