"""Section 4, gates under intervention: what holding one gate costs each trained demo model.

Each model is scored on its held-out data as trained, then with one gate held
at a constant in every ExplicitLSTM of the model (`custom_layers.intervene`).
"""

from custom_layers import intervene

# name shown, `intervene` arguments, what it means
INTERVENTIONS = [
    ("none", {}, "the model as trained"),
    ("forget gate = 0", {"forget_gate": 0.0}, "C_t = i_t C~_t: nothing is kept from the step before"),
    ("forget gate = 1", {"forget_gate": 1.0}, "nothing is ever erased: C_t only adds up"),
    ("input gate = 0", {"input_gate": 0.0}, "nothing new is written: C_t stays at its start, 0"),
    ("output gate = 1", {"output_gate": 1.0}, "h_t = tanh(C_t): the whole memory is shown"),
]


def measure(demos):
    """`{app: {"metric", "higher_is_better", "scores": {intervention: score}}}`."""
    results = {}
    for app, demo in demos.items():
        scores = {}
        for name, arguments, _ in INTERVENTIONS:
            with intervene(demo.model, **arguments):
                scores[name] = demo.score(demo.model)
            print(f"lesson: {app}, {name}: {demo.metric} {scores[name]:.4g}", flush=True)
        results[app] = {"metric": demo.metric, "higher_is_better": demo.higher_is_better, "scores": scores}
    return results
