"""Recurrent layers, packed sequences and attention: behaviour, state_dict layout
and bad inputs. (Numbers against torch live in the sequence fixtures.)"""

import copy
import math
import pickle

import pytest

import cajal
import cajal.nn as nn
import cajal.nn.functional as F
from cajal.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence, pack_sequence, unpack_sequence


def test_lstm_parameter_names_and_shapes_match_torch():
    lstm = nn.LSTM(10, 20, num_layers=2, bidirectional=True)
    shapes = {k: tuple(v.shape) for k, v in lstm.state_dict().items()}
    assert list(shapes)[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert shapes["weight_ih_l0"] == (80, 10) and shapes["weight_hh_l0"] == (80, 20)
    assert shapes["weight_ih_l1_reverse"] == (80, 40)
    assert len(shapes) == 16
    gru = nn.GRU(3, 4, bias=False)
    assert {k: tuple(v.shape) for k, v in gru.state_dict().items()} == {"weight_ih_l0": (12, 3), "weight_hh_l0": (12, 4)}
    bound = 1 / math.sqrt(20)
    assert all(p.abs().max().item() <= bound for p in lstm.parameters())


def test_output_shapes_batch_first_and_unbatched():
    lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True, bidirectional=True)
    out, (h, c) = lstm(cajal.randn(4, 7, 3))
    assert out.shape == (4, 7, 10) and h.shape == (4, 4, 5) and c.shape == (4, 4, 5)
    out, (h, c) = lstm(cajal.randn(7, 3))  # unbatched
    assert out.shape == (7, 10) and h.shape == (4, 5)
    gru = nn.GRU(3, 5)
    out, h = gru(cajal.randn(6, 2, 3), cajal.zeros(1, 2, 5))
    assert out.shape == (6, 2, 5) and h.shape == (1, 2, 5)
    # h_n of a one-directional layer is its last output.
    assert cajal.allclose(out[-1], h[0])


def test_packed_h_n_is_taken_at_each_true_end():
    cajal.manual_seed(0)
    gru = nn.GRU(2, 3, batch_first=True)
    x = cajal.randn(3, 5, 2)
    lengths = [2, 5, 3]
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, h = gru(packed)
    padded, got_lengths = pad_packed_sequence(out, batch_first=True)
    assert got_lengths.tolist() == lengths
    for b, n in enumerate(lengths):
        alone, h_alone = gru(x[b:b + 1, :n])
        assert cajal.allclose(padded[b, :n], alone[0], atol=1e-6)
        assert cajal.allclose(h[0, b], h_alone[0, 0], atol=1e-6)
        assert (padded[b, n:] == 0).all().item()


def test_pack_utilities_round_trip():
    seqs = [cajal.tensor([1.0, 2.0, 3.0]), cajal.tensor([4.0]), cajal.tensor([5.0, 6.0])]
    padded = pad_sequence(seqs, batch_first=True, padding_value=-1)
    assert padded.tolist() == [[1, 2, 3], [4, -1, -1], [5, 6, -1]]
    packed = pack_sequence(seqs, enforce_sorted=False)
    assert packed.data.tolist() == [1, 5, 4, 2, 6, 3] and packed.batch_sizes.tolist() == [3, 2, 1]
    assert [s.tolist() for s in unpack_sequence(packed)] == [s.tolist() for s in seqs]
    out, lengths = pad_packed_sequence(packed, total_length=5)
    assert out.shape == (5, 3) and lengths.tolist() == [3, 1, 2]


def test_cells():
    cell = nn.LSTMCell(4, 6)
    h, c = cell(cajal.randn(2, 4))
    assert h.shape == (2, 6) and c.shape == (2, 6)
    h2, c2 = cell(cajal.randn(2, 4), (h, c))
    assert h2.shape == (2, 6)
    assert nn.GRUCell(4, 6)(cajal.randn(4)).shape == (6,)
    assert nn.RNNCell(4, 6, nonlinearity="relu")(cajal.randn(3, 4)).min().item() >= 0


def test_dropout_between_layers_only_in_training():
    cajal.manual_seed(0)
    lstm = nn.LSTM(4, 8, num_layers=2, dropout=0.5)
    x = cajal.randn(5, 2, 4)
    lstm.eval()
    a, _ = lstm(x)
    b, _ = lstm(x)
    assert cajal.equal(a, b)
    lstm.train()
    c, _ = lstm(x)
    assert not cajal.allclose(a, c)


def test_gradients_reach_every_parameter():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    x = cajal.randn(5, 2, 3, requires_grad=True)
    out, (h, c) = lstm(x)
    (out.sum() + h.sum() + c.sum()).backward()
    assert x.grad.shape == x.shape
    assert all(p.grad is not None and p.grad.abs().sum().item() > 0 for p in lstm.parameters())


def test_recurrent_bad_inputs():
    lstm = nn.LSTM(10, 20, num_layers=2)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size. Expected 10, got 7"):
        lstm(cajal.randn(5, 3, 7))
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(2, 3, 20\), got \[1, 3, 20\]"):
        lstm(cajal.randn(5, 3, 10), (cajal.zeros(1, 3, 20), cajal.zeros(2, 3, 20)))
    with pytest.raises(RuntimeError, match=r"Expected cell size"):
        lstm(cajal.randn(5, 3, 10), (cajal.zeros(2, 3, 20), cajal.zeros(2, 4, 20)))
    with pytest.raises(RuntimeError, match="hx must be a tuple"):
        lstm(cajal.randn(5, 3, 10), cajal.zeros(2, 3, 20))
    with pytest.raises(RuntimeError, match="3 dimensions"):
        nn.GRU(2, 3)(cajal.randn(2, 3, 4, 2))
    with pytest.raises(RuntimeError, match="dtype"):
        nn.GRU(2, 3)(cajal.randn(4, 1, 2, dtype=cajal.float64))
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        nn.LSTM(3, 0)
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="Expected input to be 1D or 2D"):
        nn.LSTMCell(3, 4)(cajal.randn(2, 2, 3))


def test_packing_bad_inputs():
    x = cajal.randn(4, 2, 3)
    with pytest.raises(RuntimeError, match="longer than the padded input's 4 time steps"):
        pack_padded_sequence(x, [6, 2])
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        pack_padded_sequence(x, [2, 4])
    with pytest.raises(RuntimeError, match="greater than 0"):
        pack_padded_sequence(x, [4, 0])
    with pytest.raises(RuntimeError, match="equal to batch_size"):
        pack_padded_sequence(x, [4, 3, 2])
    packed = pack_padded_sequence(x, [4, 2])
    with pytest.raises(ValueError, match="total_length"):
        pad_packed_sequence(packed, total_length=2)
    with pytest.raises(RuntimeError, match="trailing sizes"):
        pad_sequence([cajal.zeros(2, 3), cajal.zeros(2, 4)])


def test_attention_bad_inputs():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match="greater than 0"):
        nn.MultiheadAttention(0, 2)
    mha = nn.MultiheadAttention(8, 2)
    q = cajal.randn(4, 2, 8)
    with pytest.raises(RuntimeError, match=r"2D attn_mask is \[3, 4\], but should be \(4x4\)"):
        mha(q, q, q, attn_mask=cajal.zeros(3, 4))
    with pytest.raises(RuntimeError, match="key_padding_mask of size"):
        mha(q, q, q, key_padding_mask=cajal.zeros(3, 4, dtype=cajal.bool))
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        mha(q, q, q, is_causal=True)
    with pytest.raises(RuntimeError, match="same last dim"):
        F.scaled_dot_product_attention(cajal.randn(2, 3, 4), cajal.randn(2, 5, 6), cajal.randn(2, 5, 6))
    with pytest.raises(RuntimeError, match="should not be set when is_causal"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=cajal.ones(2, 2, dtype=cajal.bool), is_causal=True)
    with pytest.raises(RuntimeError, match="does not broadcast"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=cajal.ones(3, 3, dtype=cajal.bool))


def test_attention_masks_and_weights():
    cajal.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    x = cajal.randn(2, 5, 8)
    padding = cajal.tensor([[False] * 5, [False] * 3 + [True] * 2])
    out, weights = mha(x, x, x, key_padding_mask=padding)
    assert out.shape == (2, 5, 8) and weights.shape == (2, 5, 5)
    assert weights[1, :, 3:].abs().max().item() == 0
    assert cajal.allclose(weights.sum(-1), cajal.ones(2, 5), atol=1e-6)
    _, per_head = mha(x, x, x, average_attn_weights=False)
    assert per_head.shape == (2, 2, 5, 5)
    assert mha(x, x, x, need_weights=False)[1] is None
    causal = nn.Transformer.generate_square_subsequent_mask(5)
    _, w = mha(x, x, x, attn_mask=causal)
    assert w[0].triu(1).abs().max().item() == 0


def test_transformer_stack_copies_layers_and_trains():
    cajal.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.1, batch_first=True)
    encoder = nn.TransformerEncoder(layer, 2)
    names = [k for k, _ in encoder.named_parameters()]
    assert names[0] == "layers.0.self_attn.in_proj_weight" and "layers.1.norm2.bias" in names
    assert encoder.layers[0].linear1.weight.data_ptr() != encoder.layers[1].linear1.weight.data_ptr()
    x = cajal.randn(3, 6, 16)
    encoder(x).pow(2).mean().backward()
    assert all(p.grad is not None for p in encoder.parameters())
    decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(16, 4, 32, batch_first=True), 1)
    assert decoder(cajal.randn(3, 4, 16), x).shape == (3, 4, 16)


def test_tensor_copy_and_pickle_make_tensors_of_their_own():
    t = cajal.arange(6.0).reshape(2, 3).requires_grad_()
    deep = copy.deepcopy(t)
    assert deep.requires_grad and deep.tolist() == t.tolist() and deep.data_ptr() != t.data_ptr()
    loaded = pickle.loads(pickle.dumps(t.detach()))
    assert loaded.tolist() == t.tolist() and loaded.dtype == t.dtype
    del t, deep, loaded  # freeing each exactly once must not crash
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(cajal.ones(2, requires_grad=True) * 2)
