"""The chat trainer's benchmark reads its configurations or stops with one line."""

import pytest

from benchmarks.chat_training_speed import main, parse_config


def test_a_configuration_is_read_with_float32_unless_it_names_a_precision():
    assert parse_config("384,128,0.004,tensorflow") == (384, 128, 0.004, "tensorflow", "float32")
    assert parse_config("256, 64, 2e-3, jax, mixed_bfloat16") == (256, 64, 0.002, "jax", "mixed_bfloat16")


@pytest.mark.parametrize("configs, message", [
    ("384,abc", "is not units,batch size,learning rate,backend"),
    ("384,64,0.004,torch", "the backend is one of tensorflow, jax"),
    ("384,64,0.004,jax,bf16", "the precision one of float32, mixed_bfloat16, auto"),
    ("384,x,0.004,jax", "units and batch size are whole numbers"),
    ("384,64,0.004,jax;384,64", "'384,64' is not"),  # checked before any configuration trains
])
def test_a_malformed_configuration_is_one_line_before_anything_trains(configs, message):
    with pytest.raises(SystemExit, match=message):
        main(["--configs", configs])
