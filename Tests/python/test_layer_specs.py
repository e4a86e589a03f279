"""The layers built from api/layers.py (nn/_layer_specs.py) against torch's own:
the same constructor call under manual_seed(0) gives the same state_dict (names
in order, shapes, dtypes and values), the same names registered empty, and the
same submodules in order (fixtures/python/layers.json). The Swift modules read
the same specification; Tests/CajalTests/LayerSpecTests.swift checks them
against the same fixture."""

import json
import os

import pytest

import cajal
from cajal import nn
from reference import FIXTURES, assert_matches

with open(os.path.join(FIXTURES, "python", "layers.json")) as f:
    LAYERS = json.load(f)["layers"]


@pytest.mark.parametrize("case", LAYERS, ids=[case["call"] for case in LAYERS])
def test_layer_is_built_as_torch_builds_it(case):
    cajal.manual_seed(0)
    module = eval(case["call"], {"nn": nn})  # noqa: S307 - the fixture's own constant table
    state = module.state_dict()
    assert list(state) == case["order"]
    for name, spec in case["state_dict"].items():
        # kaiming_uniform_ and xavier_uniform_ compute their bounds as torch does: equal up to float32 rounding.
        assert_matches(state[name], spec, f"{case['call']} {name}", case_atol=1e-7)
    assert [n for n, p in module._parameters.items() if p is None] == case["empty_parameters"]
    assert [n for n, b in module._buffers.items() if b is None] == case["empty_buffers"]
    assert [n for n, _ in module.named_children()] == case["children"]


def test_every_declared_layer_has_a_torch_case():
    import inspect

    from cajal.nn import _layer_specs
    declared = {name for name, value in vars(_layer_specs).items()
                if inspect.isfunction(value) and value.__module__ == _layer_specs.__name__}
    declared |= set(_layer_specs.CHILDREN)
    covered = {"linear": "Linear(", "conv": "Conv2d(", "conv_transpose": "ConvTranspose2d(", "batch_norm": "BatchNorm",
               "layer_norm": "LayerNorm(", "rms_norm": "RMSNorm(", "channel_norm": "GroupNorm(", "embedding": "Embedding(",
               "recurrent": "LSTM(", "multihead_attention": "MultiheadAttention(",
               "transformer_encoder_layer": "TransformerEncoderLayer(", "transformer_decoder_layer": "TransformerDecoderLayer("}
    assert declared == set(covered), "a new layer in api/layers.py needs a case in Tests/reference/generate.py"
    calls = " ".join(case["call"] for case in LAYERS)
    for layer, call in covered.items():
        assert call in calls, f"{layer}: no {call} case in layers.json"
