"""funding, break-even, kelly, stops, the revenue and the DeFi calculators: worked examples.

Each expected value is computed by hand in its comment (or is the core's documented worked
example, cited).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from astratrade_shell.cli import cli


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def ok_json(*args: str) -> dict[str, object]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


def test_funding_payment_sign_convention() -> None:
    # a long pays a positive rate: 2 * 100 * 0.0001 = 0.02; a short receives it
    assert ok_json("funding", "--quantity", "2", "--mark", "100", "--rate", "0.0001") == {
        "payment": "0.0200"}
    assert ok_json("funding", "--quantity", "-0.5", "--mark", "64000", "--rate", "0.01%") == {
        "payment": "-3.20000"}  # -0.5 * 64000 * 0.0001
    # a negative rate: shorts pay longs
    assert ok_json("funding", "--quantity", "-1", "--mark", "100",
                   "--rate", "-0.0003")["payment"] == "0.0300"


def test_break_even_long_and_short() -> None:
    # long 2 @ 100, fee 5 bps each way: entry fee 0.1; (200 + 0.1) / (2 - 2 * 0.0005)
    # = 200.1 / 1.999 = 100.10005002.. -> up (the price must at least reach it)
    assert ok_json("break-even", "--quantity", "2", "--entry", "100", "--fee-rate",
                   "0.0005") == {"break_even_price": "100.10005003", "entry_fee": "0.1000"}
    # short 1 @ 64000, fee 0.05 %: entry fee 32; funding paid 12.5; net realized -44.5;
    # (-64000 + 44.5) / (-1 - 0.0005) = 63923.5382308.. -> down for a short
    assert ok_json("break-even", "--quantity", "-1", "--entry", "64000", "--fee-rate", "0.05%",
                   "--funding", "12.5")["break_even_price"] == "63923.53823088"
    # without fees or funding the break-even is the entry itself
    assert ok_json("break-even", "--quantity", "3", "--entry", "250")["break_even_price"] == \
        "250"


def test_break_even_needs_a_position() -> None:
    result = run("break-even", "--quantity", "0", "--entry", "100")
    assert result.exit_code == 2
    assert "--quantity: a flat position has no break-even price" in result.stderr


def test_kelly_fraction_examples() -> None:
    # (0.55 - 0.45 / 2) * 0.5 = 0.1625 (the core's doctest)
    assert ok_json("kelly", "--win-rate", "0.55", "--payoff-ratio", "2", "--multiplier",
                   "0.5") == {"fraction": "0.1625"}
    # 60 %, even payoff: 0.6 - 0.4 = 0.2; a negative edge gives 0
    assert ok_json("kelly", "--win-rate", "60%", "--payoff-ratio", "1")["fraction"] == "0.20"
    assert ok_json("kelly", "--win-rate", "0.3", "--payoff-ratio", "1")["fraction"] == "0"
    # 0.5 - 0.5 / 3 = 0.3333.. -> down at 6 places (stake less)
    assert ok_json("kelly", "--win-rate", "0.5", "--payoff-ratio", "3")["fraction"] == \
        "0.333333"


def test_stop_levels_on_a_tick_and_exact() -> None:
    # the core's doctests: 20 % of the margin at 10x is a 2 % move: 67000 * 0.98 = 65660;
    # take = 67000 + 2 * 1340 = 69680
    assert ok_json("stops", "--side", "long", "--entry", "67000", "--risk", "0.2",
                   "--reward-ratio", "2", "--leverage", "10", "--tick-size", "0.1") == {
        "stop_loss": "65660.0", "take_profit": "69680.0", "risk_per_unit": "1340.0",
        "reward_per_unit": "2680.0"}
    # short: 1999.99 * 1.015 = 2029.98985 -> down to 2029.95; risk 29.96;
    # take = 1999.99 - 1.5 * 29.96 = 1955.05
    assert ok_json("stops", "--side", "short", "--entry", "1999.99", "--risk", "1.5%",
                   "--reward-ratio", "1.5", "--tick-size", "0.05") == {
        "stop_loss": "2029.95", "take_profit": "1955.05", "risk_per_unit": "29.96",
        "reward_per_unit": "44.94"}
    # no tick: exact; 1.5 % / 3 = 0.5 %: 1999.99 * 1.005 = 2009.98995; risk 9.99995;
    # take = 1999.99 - 1.5 * 9.99995 = 1984.990075 (within 8 places: shown as they are)
    assert ok_json("stops", "--side", "short", "--entry", "1999.99", "--risk", "0.015",
                   "--reward-ratio", "1.5", "--leverage", "3") == {
        "stop_loss": "2009.98995", "take_profit": "1984.990075", "risk_per_unit": "9.99995",
        "reward_per_unit": "14.999925"}


def test_trading_fee_tiers_and_rebates() -> None:
    # tier 0 taker 20 bps: 12345.67 * 0.002 = 24.69134 -> up to 24.70 (the core's doctest)
    assert ok_json("trading-fee", "--notional", "12345.67") == {
        "tier_min_volume": "0", "rate_bps": "20.000", "fee": "24.70"}
    # top tier maker rebate 1 bp: 50000 * -0.0001 = -5.00
    assert ok_json("trading-fee", "--notional", "50000", "--volume", "150000000",
                   "--liquidity", "maker") == {
        "tier_min_volume": "100000000", "rate_bps": "-1.0000", "fee": "-5.00"}
    # exactly at a tier's floor the tier applies: 100,000 -> 16 bps taker; 1000 * 0.0016
    assert ok_json("trading-fee", "--notional", "1000", "--volume", "100000")["fee"] == "1.60"
    # in the user's favour the fee rounds down: 12345.67 * 0.002 = 24.69134 -> 24.69
    assert ok_json("trading-fee", "--notional", "12345.67", "--favour",
                   "user")["fee"] == "24.69"


def test_trading_fee_with_a_schedule_file(tmp_path: Path) -> None:
    schedule = tmp_path / "fees.csv"
    schedule.write_text("min_volume,maker_bps,taker_bps\n0,2,5\n1000000,0,4\n")
    # 20000 * 0.0004 = 8.00 at the second tier
    assert ok_json("trading-fee", "--notional", "20000", "--volume", "2000000",
                   "--schedule", str(schedule))["fee"] == "8.00"
    schedule.write_text("min_volume,maker_bps,taker_bps\n0,10,20\n100,12,9\n")
    refused = run("trading-fee", "--notional", "1", "--schedule", str(schedule))
    assert refused.exit_code == 2
    assert "a higher volume tier must not cost more" in refused.stderr


def test_processing_fee_and_gross_for_net() -> None:
    # 100.00 at 2.9 % + 0.30 = 3.20 (the core's doctest); net 96.80
    assert ok_json("processing-fee", "--amount", "100.00") == {
        "gross": "100.00", "fee": "3.20", "net": "96.80"}
    # to keep 100.00: (100 + 0.30) / 0.971 = 103.295.. -> 103.30, whose fee is 3.30 (3.2957
    # rounded up) and leaves exactly 100.00
    assert ok_json("processing-fee", "--for-net", "100.00") == {
        "gross": "103.30", "fee": "3.30", "net": "100.00"}
    # the user's favour: 10.01 * 0.029 + 0.30 = 0.59029 -> down to 0.59
    assert ok_json("processing-fee", "--amount", "10.01", "--favour", "user")["fee"] == "0.59"
    both = run("processing-fee", "--amount", "1", "--for-net", "1")
    assert both.exit_code == 2
    assert "--amount: give --amount" in both.stderr


def test_year_fractions_under_each_convention() -> None:
    # ACT/ACT ISDA, Dec 1 2023 -> Mar 1 2024: 31/365 + 60/366 = 5541/22265 (core doctest)
    assert ok_json("year-fraction", "--start", "2023-12-01", "--end", "2024-03-01",
                   "--day-count", "act/act isda") == {
        "days": 91, "fraction": "5541/22265", "year_fraction": "0.248865933079",
        "day_count": "ACT/ACT ISDA"}
    # 30/360, Jan 31 -> Mar 31: D1 31 -> 30, D2 31 -> 30: 60 days = 1/6
    assert ok_json("year-fraction", "--start", "2026-01-31", "--end", "2026-03-31",
                   "--day-count", "30/360")["fraction"] == "1/6"
    # ACT/365F: Jan 1 -> Mar 15 2026 is 73 days = 1/5 exactly; reversed, negative
    assert ok_json("year-fraction", "--start", "2026-03-15", "--end", "2026-01-01")[
        "fraction"] == "-1/5"
    # 30E/360 Feb 28 -> Mar 31: D2 31 -> 30: 32 days (core doctest)
    assert ok_json("year-fraction", "--start", "2026-02-28", "--end", "2026-03-31",
                   "--day-count", "THIRTY_E_360")["days"] == 32
    # ISDA's 2008 examples: Feb 28 2007 -> Aug 31 2007 is 180 days under 30/360 US; Aug 31
    # 2011 -> Feb 29 2012 is 179 under 30E/360 ISDA when Feb 29 is the termination date
    assert ok_json("year-fraction", "--start", "2007-02-28", "--end", "2007-08-31",
                   "--day-count", "30/360 US")["days"] == 180
    assert ok_json("year-fraction", "--start", "2011-08-31", "--end", "2012-02-29",
                   "--day-count", "30E/360 ISDA", "--termination", "2012-02-29")["days"] == 179
    assert ok_json("year-fraction", "--start", "2011-08-31", "--end", "2012-02-29",
                   "--day-count", "30E/360 ISDA")["days"] == 180
    # ACT/ACT ICMA, QuantLib's long first coupon: Aug 15 2002 -> Jul 15 2003 with the
    # regular period Jan 15 -> Jul 15 2003: 153/184 of a notional half-year + 1/2 = 337/368
    assert ok_json("year-fraction", "--start", "2002-08-15", "--end", "2003-07-15",
                   "--day-count", "act/act icma", "--period-start", "2003-01-15",
                   "--period-end", "2003-07-15", "--frequency", "2") == {
        "days": 334, "fraction": "337/368", "year_fraction": "0.915760869565",
        "day_count": "ACT/ACT ICMA"}
    stray = run("year-fraction", "--start", "2026-01-01", "--end", "2026-02-01",
                "--frequency", "2")
    assert stray.exit_code == 2
    assert "--frequency: only ACT/ACT ICMA takes a coupon schedule" in stray.stderr
    unknown = run("year-fraction", "--start", "2026-01-01", "--end", "2026-02-01",
                  "--day-count", "actual/whatever")
    assert unknown.exit_code == 2
    assert "--day-count: 'actual/whatever' is not one of" in unknown.stderr


def test_prorated_change_and_cancellation_refund() -> None:
    # Jan 1 monthly period ends Feb 1 (31 days); a change on Jan 16 leaves 16/31:
    # (19.95 - 9.95) * 16/31 = 5.1612.. -> up: 5.17 (the core's doctest)
    assert ok_json("prorate", "--price", "9.95", "--new-price", "19.95", "--start",
                   "2026-01-01", "--on", "2026-01-16") == {
        "period_end": "2026-02-01", "unused_share": "16/31", "net": "5.17", "refund": None}
    # a downgrade is a credit, rounded toward zero: (9.95 - 39.95) * 20/30 = -20.00 (30/360)
    assert ok_json("prorate", "--price", "39.95", "--new-price", "9.95", "--start",
                   "2026-04-01", "--on", "2026-04-11", "--day-count", "30/360")["net"] == \
        "-20.00"
    # immediate cancellation of a yearly plan on Jul 2: 199.50 * 183/365 = 100.0232.. -> down
    assert ok_json("prorate", "--price", "199.50", "--cycle", "yearly", "--start",
                   "2026-01-01", "--on", "2026-07-02")["refund"] == "100.02"
    # switching to yearly restarts the period: 199.50 - 19.95 * 16/31 = 189.203.. -> 189.21
    assert ok_json("prorate", "--price", "19.95", "--new-price", "199.50", "--new-cycle",
                   "yearly", "--start", "2026-01-01", "--on", "2026-01-16")["net"] == "189.21"
    # a date past the period is a rule's refusal (the period must be renewed first): exit 1
    outside = run("prorate", "--price", "9.95", "--start", "2026-01-01", "--on", "2026-02-01")
    assert outside.exit_code == 1
    assert "date outside the current period" in outside.stderr


def test_nft_sale_settlement() -> None:
    # 1000 at 2.5 % + 5 % royalty + 5 fixed: 25 + 50 + 5 + 920 = 1000 (the core's doctest)
    assert ok_json("nft-sale", "--price", "1000", "--platform-fee-bps", "250",
                   "--royalty-bps", "500", "--fixed-fee", "5") == {
        "platform_fee": "25.00", "creator_royalty": "50.00", "fixed_fee": "5.00",
        "seller_proceeds": "920.00"}
    # 999 cents: platform ceil(24.975) = 25, royalty floor(49.95) = 49, seller 925
    assert ok_json("nft-sale", "--price", "9.99", "--platform-fee-bps", "2.5%",
                   "--royalty-bps", "5%")["seller_proceeds"] == "9.25"
    fraction = run("nft-sale", "--price", "9.999", "--platform-fee-bps", "0", "--royalty-bps",
                   "0")
    assert fraction.exit_code == 2
    assert "whole number of minor units" in fraction.stderr


def test_apy_and_apr_conversions() -> None:
    # 1.01**12 - 1 = 0.126825030131.. -> 10 places (the core's doctest)
    assert ok_json("apy", "--apr", "0.12", "--periods", "12", "--places", "10") == {
        "apy": "0.1268250301"}
    assert ok_json("apr", "--apy", "0.1268250301", "--periods", "12", "--places", "6") == {
        "apr": "0.120000"}
    # once a year APY = APR
    assert ok_json("apy", "--apr", "5%", "--periods", "1", "--places", "4")["apy"] == "0.0500"
    # continuously (Hull, Options, Futures and Other Derivatives, 4.2): 10 % continuous is
    # e^0.1 - 1 = 10.517091807..% effective; back, ln(1.1051709181) = 0.1000000000..
    assert ok_json("apy", "--apr", "10%", "--periods", "continuous", "--places", "10") == {
        "apy": "0.1051709181"}
    assert ok_json("apr", "--apy", "0.1051709181", "--periods", "CONTINUOUS", "--places",
                   "8") == {"apr": "0.10000000"}
    # compounding more often approaches the continuous answer from below
    daily = ok_json("apy", "--apr", "10%", "--periods", "365", "--places", "10")["apy"]
    assert isinstance(daily, str) and daily < "0.1051709181"
    bad = run("apy", "--apr", "0.1", "--periods", "weekly")
    assert bad.exit_code == 2
    assert "--periods: expected an integer" in bad.stderr


def test_an_apy_beyond_the_documented_bound_is_bad_input_not_an_internal_error() -> None:
    # (1 + 1000/365)**365 is about 10**209: refused before the power is computed (exit 2)
    huge = run("apy", "--apr", "1000", "--periods", "365")
    assert huge.exit_code == 2, huge.output
    assert "defi.rate_range" in huge.stderr


def test_lending_rates_below_at_and_above_the_kink() -> None:
    # U = 80 / 100 = 0.8, at the kink: borrow 4 %; supply 4 % * 0.8 * 0.9 = 2.88 %
    assert ok_json("lending-rate", "--debt", "80", "--available", "20", "--slope1", "0.04",
                   "--slope2", "0.75", "--optimal", "0.8", "--reserve-factor", "1000") == {
        "utilization": "0.8", "borrow_rate": "0.04", "supply_rate": "0.0288"}
    # U = 0.9: 0.04 + 0.75 * 0.1 / 0.2 = 0.415; supply 0.415 * 0.9 = 0.3735
    assert ok_json("lending-rate", "--utilization", "90%", "--slope1", "4%", "--slope2", "75%",
                   "--optimal", "80%") == {
        "utilization": "0.9", "borrow_rate": "0.415", "supply_rate": "0.3735"}
    # no debt: no utilization, the base rate only
    assert ok_json("lending-rate", "--debt", "0", "--available", "5", "--base-rate", "0.01",
                   "--slope1", "0.04", "--slope2", "0.75", "--optimal", "0.8")[
        "borrow_rate"] == "0.01"


def test_interest_linear_and_compound() -> None:
    # linear: 1,000,000 * (1 + 0.1) = 1,100,000 (the core's doctest, 6 decimals)
    assert ok_json("interest", "--principal", "1000000", "--rate", "0.1", "--days", "365",
                   "--decimals", "6", "--compounding", "linear") == {
        "balance": "1100000", "interest": "100000", "growth_factor": "1.1"}
    # Aave v3's three terms, by hand in integers (ray R = 10**27, year Y = 31,536,000 s):
    # p2 = (R/10)^2 / R // Y^2 = 10055109076, p3 = p2 * (R/10) / R // Y = 31 (floored, as
    # on-chain), factor = R + R/10 + Y(Y-1) p2 / 2 + Y(Y-1)(Y-2) p3 / 6
    # = 1.105162042821782412575504 R: below e^0.1 = 1.10517.. as the approximation must be
    compound = ok_json("interest", "--principal", "1000000", "--rate", "0.1", "--days", "365",
                       "--decimals", "6")
    assert compound == {"balance": "1105162.042822", "interest": "105162.042822",
                        "growth_factor": "1.105162042821782412575504"}
    neither = run("interest", "--principal", "1", "--rate", "0.1")
    assert neither.exit_code == 2
    assert "--seconds: give --seconds or --days" in neither.stderr


@pytest.mark.parametrize("command", ["funding", "kelly", "stops", "nft-sale", "apy"])
def test_help_shows_units_and_examples(command: str) -> None:
    page = " ".join(run(command, "--help").stdout.split())
    assert "Examples: astratrade " + command in page
    assert "Outputs (display precision; --exact for the exact values)" in page
