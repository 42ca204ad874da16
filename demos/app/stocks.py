"""The stocks tab: a run's forecast beside its baselines, its gates around a date, a quick model on demand."""

import dataclasses
import tempfile
import time
from pathlib import Path

from demos.app.holds import AS_TRAINED, HeldModel, explicit, read_hold
from demos.app.widgets import answered, hold_fields
from demos.cli import MODEL_FILE, CLIError

OFFLINE_TICKERS = ("GOOG", "SP500", "NASDAQ", "EURUSD")
PRICE_DAYS = 10  # trading days a price forecast covers
HISTORY_DAYS = 90  # days of history drawn before it


@dataclasses.dataclass
class Loaded:
    run: object  # runs.Run, its LSTMs written out
    held: HeldModel


class StocksTab:
    """The stock runs under `root` (and `--stocks-model`), loaded when first asked for."""

    def __init__(self, root, workdir, chosen=None):
        self.root = Path(root)
        self.workdir = Path(workdir)
        self.chosen = Path(chosen) if chosen else None
        self.loaded = {}

    def runs(self):
        """The run folders that hold a model, `--stocks-model`'s first, then the newest first."""
        found = sorted(self.root.glob(f"*/{MODEL_FILE}"), key=lambda path: -path.stat().st_mtime)
        folders = [path.parent for path in found]
        if self.chosen is not None:
            chosen = self.chosen if self.chosen.is_dir() else self.chosen.parent
            folders = [chosen, *[folder for folder in folders if folder.resolve() != chosen.resolve()]]
        return [str(folder) for folder in folders]

    def describe(self, folder):
        settings = self.load(folder).run.settings
        return f"{settings.ticker}, {settings.target}, {settings.horizon} day(s) ahead, {settings.layer} LSTM"

    def load(self, folder):
        """The run in `folder` (loaded once)."""
        from demos.runs import load_run
        from demos.stocks.settings import APP, Settings

        if not folder:
            raise CLIError("no stock run: train a quick model below, or run `python -m demos.stocks train --offline`")
        if folder not in self.loaded:
            run = load_run(APP, Settings, folder)
            run.settings = run.settings.resolved()
            run.model = explicit(run.model)
            self.loaded[folder] = Loaded(run, HeldModel(run.model))
        return self.loaded[folder]

    def on(self, folder, ticker, offline):
        """The run in `folder` with its data source replaced by `ticker` (empty: the ticker it was trained on)."""
        loaded = self.load(folder)
        settings = loaded.run.settings
        ticker = (ticker or "").strip().upper() or settings.ticker
        if offline and ticker not in OFFLINE_TICKERS:
            raise CLIError(f"offline tickers are {', '.join(OFFLINE_TICKERS)}; got {ticker!r} (untick offline to "
                           "download it)")
        settings = dataclasses.replace(settings, ticker=ticker, offline=bool(offline), csv=None, tickers=None)
        return dataclasses.replace(loaded.run, settings=settings), loaded.held

    def forecast(self, folder, ticker, offline, hold=AS_TRAINED):
        """`(text, png)`: the forecast of the days after the last one, beside persistence."""
        from demos.stocks.plots import plot_next_days
        from demos.stocks.prediction import forecast, volatility_forecast

        run, held = self.on(folder, ticker, offline)
        path = self.new_file("forecast.png")
        with held.answering(hold):
            if run.settings.target == "volatility":
                result = volatility_forecast(run, HISTORY_DAYS, path)
                return (f"{result['ticker']}: volatility over the {run.settings.horizon} trading days after "
                        f"{result['last_date']}, a year: LSTM {result['model']:.1f}%, persistence "
                        f"{result['persistence']:.1f}% ({result['source']})"), str(path)
            result = forecast(run, PRICE_DAYS, HISTORY_DAYS)
        plot_next_days(result.history_dates, result.history_close, result.dates, result.closes, path,
                       f"{result.ticker}: the next {PRICE_DAYS} trading days")
        return (f"{result.ticker}: last close {result.last_close:.2f} on {result.last_date}; LSTM "
                f"{result.closes[0]:.2f} the next day, {result.closes[-1]:.2f} after {PRICE_DAYS} days; "
                f"persistence {result.last_close:.2f} ({result.source})"), str(path)

    def gates(self, folder, ticker, offline, day):
        """`(text, png)`: the gates over the window ending on `day` (YYYY-MM-DD; empty: as `explain` chooses)."""
        import pandas as pd

        from demos.stocks.explain import explain_run

        try:
            day = pd.Timestamp(day) if (day or "").strip() else None
        except ValueError:
            raise CLIError(f"{day!r} is not a date (YYYY-MM-DD)") from None
        run, held = self.on(folder, ticker, offline)
        path = self.new_file("gates.png")
        with held.answering():
            task, end, _, at_spike = explain_run(run, day, path)
        where = " (the window around the largest daily variance)" if at_spike else ""
        return f"Gates over the {run.settings.window} days up to {task.prices.frame.index[end].date()}{where}", str(path)

    def train_quick(self, ticker, offline, target, horizon, seed, progress=None):
        """Trains a quick model (the app's `QUICK_SETTINGS`) under the runs folder; returns its folder."""
        from demos.stocks.settings import QUICK_SETTINGS, Settings
        from demos.stocks.training import check_settings, train

        settings = Settings(ticker=(ticker or "GOOG").strip().upper(), offline=bool(offline), target=target,
                            horizon=int(horizon), seed=int(seed), **QUICK_SETTINGS,
                            out=str(self.root / f"{time.strftime('%Y%m%d-%H%M%S')}-quick"))
        if settings.offline and settings.ticker not in OFFLINE_TICKERS:
            raise CLIError(f"offline tickers are {', '.join(OFFLINE_TICKERS)}; got {settings.ticker!r}")
        check_settings(settings)
        if progress is not None:
            progress(0.1, desc=f"training a quick {target} model on {settings.ticker} ({settings.epochs} epochs)")
        result = train(settings)
        return str(result.run_dir), result.metrics

    def new_file(self, name):
        return Path(tempfile.mkdtemp(dir=self.workdir)) / name


def build(gr, page, tab):
    """The tab's fields and events (`page`: the `gr.Blocks` they are in)."""
    from demos.runs import read_json
    from demos.stocks.evaluation import report

    choices = tab.runs()
    gr.Markdown("A trained stock run forecasts the days after its data ends. Choose a run, or train a quick one.")
    with gr.Row():
        folder = gr.Dropdown(choices, value=choices[0] if choices else None, label="run", elem_id="stocks-run",
                             scale=3)
        ticker = gr.Dropdown(list(OFFLINE_TICKERS), value=None, allow_custom_value=True, elem_id="stocks-ticker",
                             label="ticker (empty: the run's own)")
        offline = gr.Checkbox(True, label="offline (series shipped with installed packages)", elem_id="stocks-offline")
    about = gr.Markdown(elem_id="stocks-about")
    message = gr.Markdown(elem_id="stocks-message")
    go = gr.Button("Forecast", variant="primary", elem_id="stocks-forecast")
    plot = gr.Image(label="forecast", type="filepath", show_label=False, elem_id="stocks-plot")
    with gr.Row():
        day = gr.Textbox(label="gates: last day of the window (YYYY-MM-DD; empty: explain's choice)",
                         elem_id="stocks-date")
        draw = gr.Button("Draw the gates", elem_id="stocks-gates-button")
    gates = gr.Image(label="gates", type="filepath", show_label=False, elem_id="stocks-gates")
    (gate, value, units), button = hold_fields(gr, "stocks")
    held_message = gr.Markdown(elem_id="stocks-held-message")
    held_plot = gr.Image(label="forecast with the gate held", type="filepath", show_label=False,
                         elem_id="stocks-held-plot")
    with gr.Accordion("Train a quick model", open=not choices):
        with gr.Row():
            target = gr.Radio(["price", "volatility"], value="volatility", label="target", elem_id="stocks-target")
            horizon = gr.Number(5, precision=0, minimum=1, label="horizon (trading days)", elem_id="stocks-horizon")
            seed = gr.Number(0, precision=0, label="seed", elem_id="stocks-seed")
        train = gr.Button("Train", elem_id="stocks-train")

    @answered(2)
    def describe(chosen):
        if not chosen:
            return "", ""
        scores = report(read_json(Path(chosen) / "metrics.json"))
        return "", f"**{tab.describe(chosen)}**. Its test RMSE beside the baselines':\n\n```\n{scores}\n```"

    @answered(2)
    def forecast(chosen, name, is_offline):
        return tab.forecast(chosen, name, is_offline)

    @answered(2)
    def trace(chosen, name, is_offline, date):
        return tab.gates(chosen, name, is_offline, date)

    @answered(2)
    def hold_again(chosen, name, is_offline, gate_name, held_value, held_units):
        hold = read_hold(gate_name, held_value, held_units)
        text, png = tab.forecast(chosen, name, is_offline, hold)
        return f"With the {hold.describe()}: {text}", png

    @answered(2)
    def quick(name, is_offline, chosen_target, days, chosen_seed, progress=gr.Progress()):  # noqa: B008 (how Gradio asks for progress)
        run_dir, _ = tab.train_quick(name, is_offline, chosen_target, days, chosen_seed, progress)
        return f"Trained `{run_dir}`.", gr.update(choices=tab.runs(), value=run_dir)

    gr.on([page.load, folder.change], describe, folder, [message, about])
    go.click(forecast, [folder, ticker, offline], [message, plot])
    draw.click(trace, [folder, ticker, offline, day], [message, gates])
    button.click(hold_again, [folder, ticker, offline, gate, value, units], [held_message, held_plot])
    train.click(quick, [ticker, offline, target, horizon, seed], [message, folder])
