"""Run in a fresh process by test_distribution.py: `python distributed_checks.py OUT_DIR DATA_DIR`.

The CPU is split into 2 virtual devices before the backend starts; then the
same trainings run on one device and data-parallel on two, and the results
are written to OUT_DIR/results.json for the test to compare.
"""

import sys
from pathlib import Path

from demos.distribution import data_parallel, split_cpu
from demos.runs import write_json

split_cpu(2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

from custom_layers import ExplicitLSTM  # noqa: E402
from demos.speech.settings import Settings as SpeechSettings  # noqa: E402
from demos.speech.training import train as train_speech  # noqa: E402
from demos.stocks.settings import Settings as StockSettings  # noqa: E402
from demos.stocks.training import train as train_stocks  # noqa: E402


def layer_checks(out):
    """Both layers, masked, trained two steps on one device and on two: the weights they end with."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 9, 3)).astype("float32")
    x[2, 5:] = x[5, 3:] = 0.0  # padding, masked
    y = rng.normal(size=(8, 1)).astype("float32")
    weights, results = None, {}
    for layer_class in (keras.layers.LSTM, ExplicitLSTM):
        for distributed in (False, True):
            with data_parallel(distributed):
                model = keras.Sequential([keras.Input((None, 3)), keras.layers.Masking(), layer_class(4),
                                          keras.layers.Dense(1)])
                model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
                weights = weights or model.get_weights()
                model.set_weights(weights)
                model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
            name = f"{layer_class.__name__}-{'two' if distributed else 'one'}"
            results[name] = [w.tolist() for w in model.get_weights()]
            if distributed and layer_class is ExplicitLSTM:
                model.save(out / "distributed.keras")
                results["saved_predictions"] = model.predict(x, verbose=0).tolist()
    try:
        with data_parallel(True):
            keras.Sequential([keras.Input((9, 3), batch_size=8), ExplicitLSTM(4, stateful=True)])
        results["stateful"] = "built"
    except ValueError as error:
        results["stateful"] = str(error)
    return results


def demo_checks(out, data_dir):
    """Stocks and speech, one device then two: their per-epoch losses and final metrics."""
    results = {}
    for distributed in (False, True):
        name = "two" if distributed else "one"
        stocks = train_stocks(StockSettings(csv=str(data_dir / "prices.csv"), window=5, units=4, epochs=2,
                                            batch_size=32, distribute=distributed, out=str(out / f"stocks-{name}")))
        speech = train_speech(SpeechSettings(data_dir=str(data_dir / "fsdd"), cache_dir=str(out / "cache"), units=8,
                                             epochs=2, batch_size=12, dropout=0.0, validation_fraction=0.2,
                                             distribute=distributed, ensemble=1,
                                             augment_copies=0, no_digit_share=0.0, synth_takes=0, near_miss_share=0.0,
                                             # the tone recordings alone: every batch splits evenly, none left out
                                             out=str(out / f"speech-{name}")))
        results[name] = {"stocks": stocks.metrics, "speech": speech.metrics}
    return results


if __name__ == "__main__":
    out, data = Path(sys.argv[1]), Path(sys.argv[2])
    report = {"backend": keras.backend.backend(), "devices": len(keras.distribution.list_devices("cpu")),
              "layers": layer_checks(out), "demos": demo_checks(out, data)}
    write_json(out / "results.json", report)
