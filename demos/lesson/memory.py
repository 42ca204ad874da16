"""Section 1, why gates: a plain RNN against the LSTM on "recall the symbol seen k steps ago".

For each lag k both are trained on fresh sequences and tested on another
draw; the LSTM is tested again with its forget gate held at 0. At one lag,
the gradient of the loss with respect to each earlier input shows what each
model can still learn from that far back.
"""

import keras
import numpy as np
from matplotlib.figure import Figure

from custom_layers import ChronoInitializer, ExplicitLSTM, intervene
from datasets.long_lag import recall_task
from demos import runs, startup
from demos.callbacks import StopAtAccuracy
from demos.recall import fit_recall, recall_model

SYMBOLS = 8  # symbols of the recall task: guessing scores 1/8
PATIENCE = 10  # epochs without a better validation loss before a model gives up (long lags start slowly)
MODELS = {"rnn": "plain RNN (keras.layers.SimpleRNN)", "lstm": "LSTM (ExplicitLSTM, chrono-initialised)"}


def build(kind, units, lag, symbols=SYMBOLS):
    """One recurrent layer of `units` reading one-hot symbols, then a softmax over the symbols.

    The LSTM's forget-gate biases start as `ChronoInitializer(lag + 1)` sets
    them, near 1 for memories of up to the lag, so that it can learn the task
    within a lesson's few epochs (with Keras' default start, b_f = 1, it needs
    far more at lags of 100 and beyond: see the long-lag table of the top README).
    """
    if kind == "rnn":
        return recall_model(keras.layers.SimpleRNN(units), symbols)
    return recall_model(ExplicitLSTM(units, bias_initializer=ChronoInitializer(lag + 1), unit_forget_bias=False),
                        symbols)


def train(kind, lag, settings):
    """A model of `kind` trained at `lag`; stops once solved on validation or when it stops improving."""
    startup.set_seed(settings.seed)
    x, y = recall_task(lag, settings.train_count, SYMBOLS, seed=settings.seed)
    model = build(kind, settings.memory_units, lag)
    stops = [StopAtAccuracy(0.99), keras.callbacks.EarlyStopping(patience=PATIENCE, restore_best_weights=True)]
    return model, fit_recall(model, x, y, settings.memory_epochs, stops)


def accuracy(model, x, y):
    return float((model.predict(x, batch_size=256, verbose=0).argmax(axis=-1) == y).mean())


def input_gradients(model, x, y):
    """Mean norm over the batch of d loss / d x_t, for each step t: `(time,)`."""
    x = keras.ops.convert_to_tensor(x)

    def loss(inputs):
        return keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, model(inputs)))

    if keras.backend.backend() == "jax":
        import jax

        gradient = jax.grad(loss)(x)
    else:
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(x)
            value = loss(x)
        gradient = tape.gradient(value, x)
    return np.linalg.norm(keras.ops.convert_to_numpy(gradient), axis=-1).mean(axis=0)


def measure(settings, lags):
    """Test accuracies per lag (RNN, LSTM, LSTM with f_t = 0) and, at one lag, the input gradients of
    the untrained models (what the first steps of training can learn from each input)."""
    gradient_lag = min(lags, key=lambda lag: abs(lag - settings.gradient_lag))
    rows, gradients = [], {}
    for lag in lags:
        x_test, y_test = recall_task(lag, settings.test_count, SYMBOLS, seed=settings.seed + 10_000)
        row = {"lag": lag}
        for kind in MODELS:
            if lag == gradient_lag:  # what reaches each input at the start of training
                startup.set_seed(settings.seed)
                fresh = build(kind, settings.memory_units, lag)
                gradients[kind] = input_gradients(fresh, x_test[:256], y_test[:256]).tolist()
            with runs.Stopwatch() as watch:
                model, epochs = train(kind, lag, settings)
            row[kind] = accuracy(model, x_test, y_test)
            row[f"{kind}_epochs"] = epochs
            if kind == "lstm":
                with intervene(model, forget_gate=0.0):
                    row["lstm_forget_gate_0"] = accuracy(model, x_test, y_test)
            print(f"lesson: recall k={lag}: {kind} test accuracy {row[kind]:.3f} ({epochs} epochs, "
                  f"{watch.seconds:.0f} s)", flush=True)
        rows.append(row)
    return {"chance": 1 / SYMBOLS, "accuracy": rows, "gradient_lag": gradient_lag, "input_gradients": gradients}


def plot_accuracy(results):
    figure = Figure(figsize=(6.4, 3.8), layout="constrained")
    axis = figure.subplots()
    lags = [row["lag"] for row in results["accuracy"]]
    for key, label in [("rnn", MODELS["rnn"]), ("lstm", MODELS["lstm"]),
                       ("lstm_forget_gate_0", "the same LSTM, forget gate held at 0")]:
        axis.plot(lags, [row[key] for row in results["accuracy"]], marker="o", label=label,
                  linestyle="--" if key == "lstm_forget_gate_0" else "-")
    axis.axhline(results["chance"], color="black", linestyle=":", linewidth=1, label="chance (1/8)")
    axis.set(xscale="log", xlabel="lag k (steps between the symbol and the question)", ylabel="test accuracy",
             ylim=(0, 1.03), title="recall the symbol seen k steps ago")
    axis.set_xticks(lags, [str(lag) for lag in lags])
    axis.minorticks_off()
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3)
    return figure


def plot_gradients(results):
    figure = Figure(figsize=(6.4, 3.6), layout="constrained")
    axis = figure.subplots()
    for kind, norms in results["input_gradients"].items():
        steps_back = np.arange(len(norms))[::-1]  # the answer comes after the last step
        axis.plot(steps_back, norms, label=MODELS[kind])
    axis.set(yscale="log", xlabel="steps before the answer", ylabel="|d loss / d x_t| (mean over sequences)",
             title=f"what reaches each input at the start of training, k = {results['gradient_lag']}")
    axis.invert_xaxis()
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3)
    return figure
