"""Django's SQLite backend, reading a stored number it cannot convert as NaN.

SQLite keeps whatever a row was given: a number of more digits than its column
declares, or text, written around the site's checks. Django's converter raises
on such a value, and every page that reads the row fails. Read as NaN instead,
the value is one that can't be judged, as PostgreSQL gives NaN from a numeric
column, and the pages say "Cannot judge".
"""

import decimal

from django.db.backends.sqlite3 import base, operations

UNREADABLE = decimal.Decimal("NaN")


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression):
        convert = super().get_decimalfield_converter(expression)

        def converter(value, expression, connection):
            try:
                return convert(value, expression, connection)
            except (decimal.InvalidOperation, TypeError, ValueError):
                return UNREADABLE

        return converter


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
