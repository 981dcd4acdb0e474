"""Reading option and cell text: laws of the strict number reader and of error labels."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, parse_decimal
from astratrade_core.testing import decimals
from astratrade_shell.cli.values import (
    BPS,
    DECIMAL,
    DECIMAL_LIST,
    FRACTION,
    INTEGER,
    POSITIVE,
    describe,
    quote,
)


@given(decimals(Decimal(-1000), Decimal(1000), 6))
def test_a_percentage_is_its_fraction_exactly(value: Decimal) -> None:
    text = format(value, "f")
    assert FRACTION.read(f"{text}%", "--rate").unwrap() == CONTEXT.divide(value, Decimal(100))
    assert FRACTION.read(text, "--rate").unwrap() == value


@given(decimals(Decimal(-10**6), Decimal(10**6), 8))
def test_plain_numbers_read_as_the_core_parses_them(value: Decimal) -> None:
    text = format(value, "f")
    assert DECIMAL.read(text, "--x").unwrap() == parse_decimal(text).unwrap()


@given(st.text(min_size=1, max_size=40))
def test_any_text_reads_or_fails_with_a_labelled_short_message(text: str) -> None:
    result = DECIMAL.read(text, "--quantity")
    if isinstance(result.value_or(None), Decimal):
        assert text.strip().isascii()
        return
    message = result.failure().message
    assert message.startswith("--quantity: ")
    assert len(message) < 150  # the label, the reason and at most 75 quoted characters


def test_non_ascii_digits_and_huge_exponents_are_refused() -> None:
    for text in ("\U0001d7d9\U0001d7da", "\u0661\u0660\u0660", "\uff11"):
        assert DECIMAL.read(text, "--q").failure().code == "numeric.syntax"
    assert DECIMAL.read("1e1234567", "--q").failure().message == \
        "--q: magnitude must be below 1e24"
    assert DECIMAL.read("0e-99999999999", "--q").failure().message == \
        "--q: more than 28 fractional digits"
    # a six-digit exponent reaches the core, which applies its bounds
    assert DECIMAL.read("1e-999999", "--q").failure().code == "numeric.out_of_bounds"
    assert POSITIVE.read("-0", "--entry").failure().message == \
        "--entry: must be greater than zero"


def test_integers_basis_points_and_lists() -> None:
    assert INTEGER.read(" -42 ", "--n").unwrap() == -42
    assert INTEGER.read("1" * 26, "--n").failure().code == "cli.integer"
    assert BPS.read("0.01%", "--fee").unwrap() == 1
    assert BPS.read("100%", "--fee").unwrap() == 10_000
    assert BPS.read("0.005%", "--fee").failure().code == "cli.bps"  # half a basis point
    assert BPS.read("10001", "--fee").failure().code == "cli.bps"
    assert DECIMAL_LIST.read("1, 2.5 ,3", "--w").unwrap() == (Decimal(1), Decimal("2.5"),
                                                              Decimal(3))
    assert DECIMAL_LIST.read("1,,x", "--w").failure().message == \
        "--w item 2: empty value; --w item 3: not a decimal number ('x')"


def test_labels_replace_core_names_only_at_the_start_of_a_problem() -> None:
    error = DomainError.invalid("position.invalid", "entry_price: must be greater than zero")
    assert describe(error, {"entry_price": "--entry"}) == \
        "position.invalid: --entry: must be greater than zero"
    prose = DomainError.rejected("x", "the entry_price moved")
    assert describe(prose, {"entry_price": "--entry"}) == "x: the entry_price moved"
    # the longest name wins: risk_fraction is not relabelled as "risk"
    both = DomainError.invalid("y", "risk_fraction: must be in (0, 1]")
    assert describe(both, {"risk": "--r", "risk_fraction": "--risk"}) == \
        "y: --risk: must be in (0, 1]"
    assert quote("a" * 30) == "'" + "a" * 24 + "'..."
