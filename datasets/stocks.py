"""Daily stock prices (Open, High, Low, Close, Volume): Yahoo Finance, a CSV file, or offline series.

- `download(ticker, start, end)`: yfinance, cached on disk per ticker and date
  range. yfinance returns an empty frame (it does not raise) when it is offline,
  rate-limited or given an unknown ticker: the likely cause is named, and with
  no network and no cache the offline prices are used instead, with a notice.
- `offline_prices(ticker)`: series shipped with installed packages, no network
  needed: GOOG, daily 2004-08-19..2013-03-01 (`backtesting.test.GOOG`);
  EURUSD, hourly 2017-04-19..2018-02-07 (`backtesting.test.EURUSD`) made daily,
  with each day's realised variance from its hourly returns; SP500 and NASDAQ,
  the S&P 500 and NASDAQ Composite indices, daily 1999-01-04..2018-12-31
  (`arch.data.sp500`, `arch.data.nasdaq`).
- `read_csv(path)`: a user's file with a date column and OHLCV columns, checked
  line by line; rows with missing values are dropped and counted.

Each returns `Prices`: a frame indexed by date with float columns `COLUMNS`
(and, for intraday bars, `realized_variance`: the sum of each day's squared
intraday log returns).
"""

import dataclasses
import logging
import socket
import sys
import warnings
from datetime import date
from pathlib import Path

import pandas as pd

from datasets import storage
from datasets.storage import atomic_path

COLUMNS = ["Open", "High", "Low", "Close", "Volume"]
YAHOO_HOST = "query2.finance.yahoo.com"
EURUSD_SOURCE = "backtesting.test.EURUSD (hourly EUR/USD 2017-04-19..2018-02-07 shipped with backtesting, made daily)"
OFFLINE_SOURCE = (
    "backtesting.test.GOOG (daily GOOG prices 2004-08-19..2013-03-01 shipped with the backtesting package)"
)


class StockDataError(ValueError):
    """Prices that cannot be had or used; the message is one line for the user."""


@dataclasses.dataclass
class Prices:
    frame: pd.DataFrame  # indexed by date, columns COLUMNS, oldest first
    ticker: str  # symbol, or the CSV file's name
    source: str  # where the prices come from, in words
    realized_variance: pd.Series | None = None  # per day, from intraday returns, where the bars are intraday


def cache_dir():
    """Where downloads are cached: `$KERAS_HOME/datasets/stocks` (default `~/.keras`)."""
    return storage.cache_dir("stocks")


def notice(message):
    print(f"notice: {message}", file=sys.stderr)


INDEX_SOURCES = {  # offline daily index levels shipped with `arch`: ticker -> (module, description)
    "SP500": ("sp500", "arch.data.sp500 (daily S&P 500 index 1999-01-04..2018-12-31 shipped with the arch package)"),
    "NASDAQ": ("nasdaq", "arch.data.nasdaq (daily NASDAQ Composite 1999-01-04..2018-12-31 shipped with the arch "
                         "package)"),
}
OFFLINE_TICKERS = ("GOOG", "EURUSD", *INDEX_SOURCES)


def load(ticker="GOOG", start=None, end=None, csv=None, offline=False):
    """The prices asked for: `csv` if given, else an offline series if `offline`, else a download."""
    if csv:
        return read_csv(csv)
    if offline:
        return offline_prices(ticker)
    return download(ticker, start, end)


def offline_prices(ticker="GOOG"):
    """A series shipped with `backtesting` (GOOG daily, EURUSD hourly bars made daily) or `arch` (SP500, NASDAQ)."""
    if ticker not in OFFLINE_TICKERS:
        raise StockDataError(f"offline, the series are {', '.join(OFFLINE_TICKERS)}, not {ticker!r}")
    if ticker in INDEX_SOURCES:
        return index_prices(ticker)
    from backtesting.test import EURUSD, GOOG

    if ticker == "EURUSD":
        frame, realized = _daily_from_intraday(EURUSD[COLUMNS].astype(float))
        return Prices(frame, "EURUSD", EURUSD_SOURCE, realized)
    notice(f"offline: using {OFFLINE_SOURCE}")
    frame = GOOG[COLUMNS].astype(float)
    frame.index = pd.DatetimeIndex(frame.index, name="Date")
    return Prices(frame, "GOOG", OFFLINE_SOURCE)


def index_prices(ticker):
    """The daily OHLCV of an index shipped with `arch` (`INDEX_SOURCES`)."""
    import importlib

    module, source = INDEX_SOURCES[ticker]
    frame = importlib.import_module(f"arch.data.{module}").load()[COLUMNS].astype(float)
    frame.index = pd.DatetimeIndex(frame.index, name="Date")
    notice(f"offline: using {source}")
    return Prices(frame.sort_index(), ticker, source)


def _daily_from_intraday(bars):
    """Daily OHLCV of intraday bars, and each day's realised variance (sum of squared log returns)."""
    import numpy as np

    days = bars.index.normalize()
    grouped = bars.groupby(days)
    frame = pd.DataFrame({"Open": grouped["Open"].first(), "High": grouped["High"].max(),
                          "Low": grouped["Low"].min(), "Close": grouped["Close"].last(),
                          "Volume": grouped["Volume"].sum()})
    frame.index = pd.DatetimeIndex(frame.index, name="Date")
    day_values = days.to_numpy()
    first_bar = np.r_[True, day_values[1:] != day_values[:-1]]
    # Within a day, close to close; a day's first bar, open to close (the overnight gap is not counted).
    returns = np.where(first_bar, np.log(bars["Close"] / bars["Open"]), np.log(bars["Close"]).diff())
    realized = pd.Series(returns**2, index=bars.index).groupby(days).sum()
    realized.index = frame.index
    return frame, realized


def download(ticker, start=None, end=None, cache=None):
    """Daily prices of `ticker` from Yahoo Finance (split- and dividend-adjusted), cached on disk.

    Args:
        ticker: A Yahoo Finance symbol, e.g. "GOOG".
        start: First day, "YYYY-MM-DD"; default "2010-01-01".
        end: Day after the last, "YYYY-MM-DD"; default today.
        cache: Cache folder; default `cache_dir()`.
    """
    start, end = start or "2010-01-01", end or date.today().isoformat()
    try:
        in_order = pd.Timestamp(start) < pd.Timestamp(end)
    except ValueError:
        raise StockDataError(
            f"dates must look like YYYY-MM-DD, got start {start!r} and end {end!r}"
        ) from None
    if not in_order:
        raise StockDataError(f"the start {start} must come before the end {end}")
    path = Path(cache or cache_dir()) / f"{ticker.upper()}_{start}_{end}.csv"
    if path.is_file():
        return Prices(
            pd.read_csv(path, index_col="Date", parse_dates=True),
            ticker,
            f"Yahoo Finance {ticker} {start}..{end} (cached {path})",
        )
    frame, log = _yf_download(ticker, start, end)
    if frame.empty:
        cause = _likely_cause(log)
        if cause == "offline":
            notice(f"no network and no cached {ticker} prices: using {OFFLINE_SOURCE}")
            return offline_prices()
        said = f" (yfinance: {' '.join(log[-1].split())})" if log else ""
        raise StockDataError(f"yfinance returned no prices for {ticker!r} {start}..{end}: {cause}{said}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as partial:
        frame.to_csv(partial)
    return Prices(frame, ticker, f"Yahoo Finance {ticker} {start}..{end}")


def _yf_download(ticker, start, end):
    """Calls `yf.download`; returns the flattened frame and yfinance's log lines (kept off the screen)."""
    import yfinance as yf

    log = []
    handler = logging.Handler()
    handler.emit = lambda record: log.append(record.getMessage())
    logger = logging.getLogger("yfinance")
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = yf.download(ticker, start=start, end=end, auto_adjust=True, progress=False)
    except Exception as error:  # yfinance raises some network errors instead of logging them
        log.append(f"{type(error).__name__}: {error}")
        frame = None
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    if frame is None or frame.empty:
        return pd.DataFrame(columns=COLUMNS), log
    if isinstance(frame.columns, pd.MultiIndex):  # (Price, Ticker) columns for one ticker
        frame.columns = frame.columns.get_level_values(0)
    frame = frame[COLUMNS].astype(float).dropna().rename_axis(columns=None)
    frame.index = pd.DatetimeIndex(frame.index, name="Date").tz_localize(None)
    return frame, log


def _likely_cause(log):
    """Why yfinance gave nothing: "offline", rate limiting, or an unknown ticker."""
    text = " ".join(log).lower()
    if "rate limit" in text or "too many requests" in text:
        return "Yahoo is rate-limiting requests (wait a while and retry)"
    if (
        any(word in text for word in ("resolve host", "dnserror", "connection", "timed out"))
        or not network_available()
    ):
        return "offline"
    return "the ticker is likely unknown or delisted, or has no prices in that date range"


def network_available(timeout=3.0):
    """Whether Yahoo Finance's host can be reached."""
    try:
        socket.create_connection((YAHOO_HOST, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def read_csv(path):
    """Reads and checks a price CSV: a date column and Open, High, Low, Close, Volume columns.

    Column names are matched ignoring case and spaces; other columns are
    ignored. Rows with a missing value are dropped and counted in a notice.
    Non-numeric values, unparseable, unsorted or duplicate dates and
    non-positive prices raise `StockDataError` naming the first bad line.
    """
    path = Path(path)
    if not path.is_file():
        raise StockDataError(f"no CSV file at {path}")
    try:
        raw = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise StockDataError(f"cannot read {path} as CSV: {str(error).strip()}") from None
    names = {str(name).strip().lower(): name for name in raw.columns}
    missing = [column for column in ["Date", *COLUMNS] if column.lower() not in names]
    if missing:
        raise StockDataError(
            f"{path}: missing column(s) {', '.join(missing)}; a price CSV needs Date, {', '.join(COLUMNS)}"
        )
    raw = raw[[names[column.lower()] for column in ["Date", *COLUMNS]]].set_axis(["Date", *COLUMNS], axis=1)
    lines = pd.RangeIndex(2, len(raw) + 2)  # line numbers in the file, after the header
    raw.index = lines
    frame = raw[COLUMNS].apply(pd.to_numeric, errors="coerce")
    _fail_on_first(frame.isna() & raw[COLUMNS].notna(), raw, path, "non-numeric value")
    dates = pd.to_datetime(raw["Date"], errors="coerce", format="mixed")
    _fail_on_first((dates.isna() & raw["Date"].notna()).to_frame("Date"), raw, path, "unparseable date")
    frame.index = pd.DatetimeIndex(dates, name="Date")
    complete = frame.notna().all(axis=1).to_numpy() & dates.notna().to_numpy()
    if not complete.all():
        notice(f"{path}: dropped {int((~complete).sum())} row(s) with missing values")
    frame, lines = frame[complete], lines[complete]
    _check_dates(frame.index, lines, path)
    prices = frame[COLUMNS[:4]]
    if (prices <= 0).any().any() or (frame["Volume"] < 0).any():
        line = lines[((prices <= 0).any(axis=1) | (frame["Volume"] < 0)).to_numpy().argmax()]
        raise StockDataError(f"{path}, line {line}: prices must be positive and volume not negative")
    if frame.empty:
        raise StockDataError(f"{path}: no complete rows")
    return Prices(frame, path.stem, f"CSV file {path}")


def _fail_on_first(bad, raw, path, what):
    if bad.any().any():
        line, column = bad.stack().loc[lambda flags: flags].index[0]
        raise StockDataError(f"{path}, line {line}: {what} {raw.at[line, column]!r} in column {column}")


def _check_dates(dates, lines, path):
    steps = dates[1:] - dates[:-1]
    if (steps < pd.Timedelta(0)).any():
        position = int((steps < pd.Timedelta(0)).argmax()) + 1
        raise StockDataError(f"{path}, line {lines[position]}: dates are not sorted (oldest first expected)")
    if (steps == pd.Timedelta(0)).any():
        position = int((steps == pd.Timedelta(0)).argmax()) + 1
        raise StockDataError(f"{path}, line {lines[position]}: duplicate date {dates[position].date()}")
