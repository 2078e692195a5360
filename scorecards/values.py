"""The range of a measure's values (data points, baselines, targets).

What the database column holds — ``VALUE_MAX_DIGITS`` digits, ``VALUE_DECIMAL_PLACES`` of them
after the point — is also what the status arithmetic is sure to survive.
"""

from decimal import Decimal, InvalidOperation

VALUE_MAX_DIGITS = 14
VALUE_DECIMAL_PLACES = 2
VALUE_PLACES = Decimal(1).scaleb(-VALUE_DECIMAL_PLACES)
# Every value is smaller than this in size.
VALUE_LIMIT = Decimal(10) ** (VALUE_MAX_DIGITS - VALUE_DECIMAL_PLACES)


def in_range(value: Decimal | int | None) -> bool:
    """Whether a stored value (or its absence) can be judged: a finite number under the limit."""
    try:
        return -VALUE_LIMIT < value < VALUE_LIMIT
    except InvalidOperation:  # NaN
        return False
    except TypeError:
        return value is None


def decimal_places(value: Decimal) -> int:
    """The decimal places ``value`` (a value in range) needs: 0 for 48.00, 1 for 12.50."""
    return min(max(-Decimal(value).normalize().as_tuple().exponent, 0), VALUE_DECIMAL_PLACES)
