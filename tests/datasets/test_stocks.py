"""datasets.stocks: CSV checks, yfinance failures and the offline fallback, the download cache."""

import logging

import numpy as np
import pandas as pd
import pytest
import yfinance

from datasets import stocks

GOOD_CSV = """date,open,HIGH,Low,Close,Adj Close,Volume
2020-01-02,10,11,9,10.5,10.4,1000
2020-01-03,10.5,11.5,10,11,10.9,1200
2020-01-06,11,12,10.5,11.5,11.4,900
"""


def write(tmp_path, text):
    path = tmp_path / "prices.csv"
    path.write_text(text)
    return path


def test_read_csv_matches_columns_ignoring_case_and_keeps_only_ohlcv(tmp_path):
    prices = stocks.read_csv(write(tmp_path, GOOD_CSV))
    assert list(prices.frame.columns) == stocks.COLUMNS
    assert prices.frame.index[0] == pd.Timestamp("2020-01-02")
    np.testing.assert_allclose(prices.frame["Close"], [10.5, 11, 11.5])
    assert prices.ticker == "prices"


@pytest.mark.parametrize(
    "text, message",
    [
        ("Date,Open,High,Low,Close\n2020-01-02,1,1,1,1\n", "missing column(s) Volume"),
        (
            "Date,Open,High,Low,Close,Volume\n2020-01-02,1,1,1,1,10\n2020-01-03,1,abc,1,1,10\n",
            "line 3: non-numeric value 'abc' in column High",
        ),
        (
            "Date,Open,High,Low,Close,Volume\n2020-01-02,1,1,1,1,10\nnot a day,1,1,1,1,10\n",
            "line 3: unparseable date 'not a day'",
        ),
        (
            "Date,Open,High,Low,Close,Volume\n2020-01-03,1,1,1,1,10\n2020-01-02,1,1,1,1,10\n",
            "line 3: dates are not sorted",
        ),
        (
            "Date,Open,High,Low,Close,Volume\n2020-01-02,1,1,1,1,10\n2020-01-02,1,1,1,1,10\n",
            "line 3: duplicate date 2020-01-02",
        ),
        ("Date,Open,High,Low,Close,Volume\n2020-01-02,1,1,1,0,10\n", "line 2: prices must be positive"),
        ("", "cannot read"),
    ],
)
def test_read_csv_rejects_bad_files_with_one_line(tmp_path, text, message):
    with pytest.raises(stocks.StockDataError) as error:
        stocks.read_csv(write(tmp_path, text))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_read_csv_drops_and_counts_rows_with_missing_values(tmp_path, capsys):
    text = GOOD_CSV + "2020-01-07,11,12,,11,11,800\n,1,1,1,1,1,1\n2020-01-08,12,13,11,12.5,12.4,700\n"
    prices = stocks.read_csv(write(tmp_path, text))
    assert len(prices.frame) == 4
    assert "dropped 2 row(s) with missing values" in capsys.readouterr().err


def test_read_csv_names_a_missing_file(tmp_path):
    with pytest.raises(stocks.StockDataError, match="no CSV file"):
        stocks.read_csv(tmp_path / "absent.csv")


def test_offline_prices_are_the_backtesting_goog_series():
    prices = stocks.offline_prices()
    assert prices.frame.shape == (2148, 5)
    assert prices.frame.index[0] == pd.Timestamp("2004-08-19")
    assert prices.frame.index.is_monotonic_increasing


@pytest.mark.parametrize("ticker", ["SP500", "NASDAQ"])
def test_offline_indices_are_twenty_years_of_daily_ohlcv(ticker):
    prices = stocks.offline_prices(ticker)
    frame = prices.frame
    assert prices.ticker == ticker and "arch.data" in prices.source
    assert list(frame.columns) == stocks.COLUMNS and len(frame) == 5031
    assert str(frame.index[0].date()) == "1999-01-04" and str(frame.index[-1].date()) == "2018-12-31"
    assert frame.index.is_monotonic_increasing and (frame["High"] >= frame["Low"]).all()


def test_empty_download_without_network_falls_back_to_offline_goog(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(yfinance, "download", lambda *args, **kwargs: pd.DataFrame())
    monkeypatch.setattr(stocks, "network_available", lambda: False)
    prices = stocks.download("MSFT", "2020-01-01", "2020-02-01", cache=tmp_path)
    assert prices.source == stocks.OFFLINE_SOURCE
    assert len(prices.frame) == 2148
    assert "no network and no cached MSFT prices" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # nothing cached


def test_empty_download_with_network_blames_the_ticker(tmp_path, monkeypatch):
    monkeypatch.setattr(yfinance, "download", lambda *args, **kwargs: pd.DataFrame())
    monkeypatch.setattr(stocks, "network_available", lambda: True)
    with pytest.raises(stocks.StockDataError, match="unknown or delisted"):
        stocks.download("NOSUCH", "2020-01-01", "2020-02-01", cache=tmp_path)


def test_empty_download_after_rate_limit_says_so(tmp_path, monkeypatch):
    def rate_limited(*args, **kwargs):
        logging.getLogger("yfinance").error(
            "YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')"
        )
        return pd.DataFrame()

    monkeypatch.setattr(yfinance, "download", rate_limited)
    with pytest.raises(stocks.StockDataError, match="rate-limiting"):
        stocks.download("GOOG", "2020-01-01", "2020-02-01", cache=tmp_path)


def test_download_flattens_ticker_columns_and_caches(tmp_path, monkeypatch):
    dates = pd.DatetimeIndex(["2020-01-02", "2020-01-03"], name="Date")
    columns = pd.MultiIndex.from_product(
        [["Close", "High", "Low", "Open", "Volume"], ["GOOG"]], names=["Price", "Ticker"]
    )
    frame = pd.DataFrame(np.arange(10.0).reshape(2, 5) + 1, index=dates, columns=columns)
    calls = []

    def fake_download(ticker, **kwargs):
        calls.append((ticker, kwargs))
        return frame

    monkeypatch.setattr(yfinance, "download", fake_download)
    first = stocks.download("GOOG", "2020-01-01", "2020-01-04", cache=tmp_path)
    assert list(first.frame.columns) == stocks.COLUMNS
    assert first.frame["Close"].tolist() == [1.0, 6.0]
    assert calls[0][1]["auto_adjust"] is True
    second = stocks.download("GOOG", "2020-01-01", "2020-01-04", cache=tmp_path)
    assert len(calls) == 1  # read from the cache
    assert "cached" in second.source
    pd.testing.assert_frame_equal(second.frame, first.frame, check_freq=False)


@pytest.mark.parametrize(
    "start, end, message",
    [("2020-02-01", "2020-01-01", "must come before"), ("2020-13-01", None, "YYYY-MM-DD")],
)
def test_download_checks_the_dates_before_asking(tmp_path, monkeypatch, start, end, message):
    monkeypatch.setattr(yfinance, "download", lambda *args, **kwargs: pytest.fail("no download expected"))
    with pytest.raises(stocks.StockDataError, match=message):
        stocks.download("GOOG", start, end, cache=tmp_path)
