"""How long a memory each LSTM layer learns: recall the symbol seen k steps ago.

For each layer and each lag k (in increasing order), a one-layer model is
trained on sequences of k + 1 random symbols to name the first one, and
tested on fresh sequences. A lag counts as solved when the test accuracy
reaches --solved; a layer stops at the first lag it does not solve. Writes
`long_lag.json` and `long_lag.png` (accuracy against k, one line per layer).

    python -m demos.compare.long_lag --layers custom,chrono,slstm --lags 5,20,50,100,200,500
"""

import argparse

from demos import cli, plots, runs, startup
from demos.cli import LAYER_NAMES


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m demos.compare.long_lag", description=__doc__,
                                     formatter_class=cli.HelpFormatter)
    parser.add_argument("--layers", default="custom,peephole,coupled,layernorm,slstm,chrono", help=f"layers to test, comma-separated, among {', '.join(LAYER_NAMES)}")
    parser.add_argument("--lags", default="5,20,50,100,200", help="lags k to try, comma-separated, in increasing order")
    parser.add_argument("--units", type=int, default=32, help="units of the recurrent layer")
    parser.add_argument("--train-count", type=int, default=4096, help="training sequences per lag")
    parser.add_argument("--test-count", type=int, default=512, help="test sequences per lag (a separate draw)")
    parser.add_argument("--epochs", type=int, default=60, help="most epochs per lag (stops once solved on validation)")
    parser.add_argument("--solved", type=float, default=0.9, help="test accuracy that counts as solving a lag")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the weights")
    parser.add_argument("--out", default=None, help="folder for long_lag.json and long_lag.png; if not given: "
                        "runs/long_lag/<time>")
    parser.add_argument("--verbose", action="store_true", help="also show the framework's start-up logs")
    parser.set_defaults(run=run)
    return parser


def parse_lags(text):
    try:
        lags = [int(item) for item in text.split(",") if item.strip()]
    except ValueError:
        lags = []
    if not lags or min(lags) < 1 or lags != sorted(lags):
        raise cli.CLIError(f"--lags takes increasing positive integers, e.g. 5,20,50, got {text!r}")
    return lags


def train_on_lag(layer, lag, args):
    """Test accuracy of `layer` on the recall task at `lag`, and the epochs it trained."""
    from datasets.long_lag import recall_task
    from demos.callbacks import StopAtAccuracy
    from demos.layers import lstm_class
    from demos.recall import fit_recall, recall_model

    startup.set_seed(args.seed)
    x, y = recall_task(lag, args.train_count, seed=args.seed)
    x_test, y_test = recall_task(lag, args.test_count, seed=args.seed + 10_000)
    model = recall_model(lstm_class(layer, max_timescale=lag + 1)(args.units), x.shape[-1])
    # Training stops once the validation accuracy clears the bar with a margin, so that the test accuracy
    # (a separate draw) does not hover at the bar.
    epochs = fit_recall(model, x, y, args.epochs, [StopAtAccuracy(min(0.99, args.solved + 0.05))])
    return float(model.evaluate(x_test, y_test, verbose=0)[1]), epochs


def run(args):
    from demos.cli import parse_layers

    layers, lags = parse_layers(args.layers), parse_lags(args.lags)
    out_dir = runs.new_run_dir("long_lag", "recall", args.out)
    results = {layer: {} for layer in layers}
    for layer in layers:
        for lag in lags:
            with runs.Stopwatch() as watch:
                accuracy, epochs = train_on_lag(layer, lag, args)
            results[layer][lag] = {"accuracy": accuracy, "epochs": epochs, "seconds": watch.seconds}
            print(f"{layer:10s} k={lag:4d}: test accuracy {accuracy:.3f} after {epochs} epochs ({watch.seconds:.0f} s)",
                  flush=True)
            if accuracy < args.solved:
                break
    largest = {layer: max([lag for lag, r in by_lag.items() if r["accuracy"] >= args.solved], default=0)
               for layer, by_lag in results.items()}
    settings = {key: value for key, value in vars(args).items() if key not in ("run", "verbose")}
    runs.write_json(out_dir / "long_lag.json", {"settings": settings, "results": results,
                                                  "largest_solved_lag": largest, "chance": 1 / 8})
    plot(results, args.solved, out_dir / "long_lag.png")
    print(plots.format_table([[layer, lag] for layer, lag in largest.items()], ["layer", "largest k solved"]))
    print(f"results in {out_dir}")


def plot(results, solved, path):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.5, 4), layout="constrained")
    axis = figure.subplots()
    for layer, by_lag in results.items():
        axis.plot(list(by_lag), [r["accuracy"] for r in by_lag.values()], marker="o", label=layer)
    axis.axhline(solved, color="grey", linestyle="--", linewidth=1, label=f"solved ({solved:.0%})")
    axis.axhline(1 / 8, color="black", linestyle=":", linewidth=1, label="chance (1/8)")
    axis.set(xscale="log", xlabel="lag k (steps between the symbol and the question)", ylabel="test accuracy",
             title="recall the symbol seen k steps ago", ylim=(0, 1.02))
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3)
    figure.savefig(path, dpi=110)


def main(argv=None):
    return cli.run_cli(build_parser(), argv, prepare=startup.prepare_devices)


if __name__ == "__main__":
    main()
