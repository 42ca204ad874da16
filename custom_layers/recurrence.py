"""The recurrent loop of `ExplicitLSTM`, run a chunk of time steps at a time.

Per chunk of `chunk_size` steps the loop makes one input product `W x + b`
for all of the chunk's steps, then runs `lstm_step` on each of them, written
out (unrolled) in the loop body. Compared with one loop iteration per step
(what `keras.layers.LSTM` does on the CPU) this removes the per-step input
product, most of the loop's own bookkeeping and, under XLA, the cost of
slicing a wide projected sequence inside the loop. The results are the same:
masked steps carry the state over and repeat the previous output (or zeros
with `zero_output_for_mask`), exactly as Keras' `backend.rnn` does.
"""

from keras import backend as keras_backend
from keras import ops
from keras.src import backend

from custom_layers.lstm_step import LSTMStep

# Steps unrolled per loop iteration, per backend, measured with
# benchmarks/lstm_speed.py on a 2-core CPU: 8 pays on TensorFlow's graph
# loop; under XLA (JAX) longer chunks made training slower, so 1.
CHUNK_SIZES = {"tensorflow": 8}


def run_chunked(cell, sequences, initial_state, mask=None, go_backwards=False, unroll=False,
                zero_output_for_mask=False, return_sequences=False, training=False, chunk_size=None,
                output_of=None):
    """Runs `cell` over `sequences` `(batch, time, features)`.

    `output_of(step_result)` picks each step's output from its `LSTMStep`
    (default: h_t); `trace_gates` records every gate through it.

    Returns `(last_output, outputs, [h, c])` like Keras' `backend.rnn`:
    `outputs` is `(batch, time, units)` when `return_sequences`, else
    `(batch, 1, units)`; in processing order (reversed with `go_backwards`).
    """
    time_steps = sequences.shape[1]
    if chunk_size is None:
        chunk_size = CHUNK_SIZES.get(keras_backend.backend(), 1)
    if go_backwards:
        sequences = ops.flip(sequences, axis=1)
        mask = None if mask is None else ops.flip(mask, axis=1)
    if mask is not None:
        mask = ops.cast(mask, "bool")
    if time_steps is None:
        chunk_size = 1  # unknown length: one step per iteration
    elif unroll or time_steps <= chunk_size:
        chunk_size = time_steps  # a single chunk: no loop at all
    output_of = output_of or _hidden_state
    states = list(initial_state)
    if mask is not None and not zero_output_for_mask:
        states.append(_first_previous_output(states, output_of, unroll))
    # Whole chunks run in a loop; the remaining steps run unrolled after it.
    looped = None if time_steps is None else time_steps - time_steps % chunk_size  # None: every step
    if looped is not None and looped <= chunk_size:
        looped = 0  # at most one chunk and the rest: no loop at all
    pieces = []
    if looped != 0:
        outputs, states = _loop_over_chunks(cell, sequences[:, :looped], None if mask is None else mask[:, :looped],
                                            states, chunk_size, return_sequences, zero_output_for_mask, training,
                                            output_of)
        pieces.append(outputs)
    if looped is not None and looped < time_steps:
        outputs, states = _run_chunk(cell, sequences[:, looped:], None if mask is None else mask[:, looped:],
                                     states, zero_output_for_mask, training, output_of)
        pieces.append(outputs)
    last_output = pieces[-1][:, -1]
    if return_sequences:
        outputs = pieces[0] if len(pieces) == 1 else ops.concatenate(pieces, axis=1)
    else:
        outputs = ops.expand_dims(last_output, 1)
    return last_output, outputs, states[:2]


def _hidden_state(step_result):
    return step_result.hidden_state


def _first_previous_output(states, output_of, unroll):
    # What a masked first step outputs: zeros in Keras' TensorFlow loop and in
    # unrolled loops, h_0 in its JAX scan. Follow keras.layers.LSTM on each backend.
    h_0, c_0 = states
    zeros = ops.zeros_like(h_0)
    first = output_of(LSTMStep(zeros, zeros, zeros, zeros, c_0, h_0))
    return ops.zeros_like(first) if unroll or keras_backend.backend() == "tensorflow" else first


def _loop_over_chunks(cell, sequences, mask, states, chunk_size, return_sequences, zero_output_for_mask, training,
                      output_of):
    """Loops `_run_chunk` over `(batch, chunks * chunk_size, ...)` inputs."""
    batch = ops.shape(sequences)[0]
    features = sequences.shape[-1]
    if mask is not None:
        # The mask rides along as one more input channel: a single tensor
        # keeps Keras' loop happy when the length is only known at run time.
        sequences = ops.concatenate([sequences, ops.cast(mask, sequences.dtype)[..., None]], axis=-1)
    chunks = ops.reshape(sequences, (batch, -1, chunk_size, sequences.shape[-1]))  # (batch, chunks, steps, channels)

    def chunk_step(chunk, chunk_states):
        chunk_mask = None
        if mask is not None:
            chunk, chunk_mask = chunk[..., :features], ops.cast(chunk[..., features], "bool")
        return _run_chunk(cell, chunk, chunk_mask, list(chunk_states), zero_output_for_mask, training, output_of)

    _, outputs, states = backend.rnn(chunk_step, chunks, states, return_all_outputs=return_sequences)
    if return_sequences:
        outputs = ops.reshape(outputs, (batch, -1, outputs.shape[-1]))  # (batch, time, units)
    else:
        outputs = outputs[:, -1]  # (batch, chunk_size, units): the last chunk
    return outputs, list(states)


def _run_chunk(cell, chunk, chunk_mask, states, zero_output_for_mask, training, output_of):
    """Runs the steps of one chunk `(batch, steps, features)`, unrolled."""
    x_projections = ops.unstack(cell.project_inputs(chunk, training), axis=1)  # each (batch, 4 * units)
    step_masks = [None] * len(x_projections) if chunk_mask is None else ops.unstack(chunk_mask, axis=1)
    outputs = []
    for x_projection, step_mask in zip(x_projections, step_masks):
        result = cell.step(x_projection, states[:2], training)
        output, new_states = output_of(result), [result.hidden_state, result.cell_state]
        if step_mask is not None:
            keep = ops.expand_dims(step_mask, -1)  # (batch, 1): False carries the state over
            previous = ops.zeros_like(output) if zero_output_for_mask else states[2]
            output = ops.where(keep, output, previous)
            new_states = [ops.where(keep, new, old) for new, old in zip(new_states, states[:2])]
            if not zero_output_for_mask:
                new_states.append(output)
        states = new_states
        outputs.append(output)
    return ops.stack(outputs, axis=1), states
