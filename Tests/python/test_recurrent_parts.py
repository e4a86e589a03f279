"""The fused recurrent layers split the batch into slices that walk the time
steps on separate cores. Here they are checked against torch's documented
equations written with plain tensor ops (and autograd through those ops), for
batches that make one, two and more slices, packed sequences of uneven
lengths, and one or two threads."""

import pytest

import cajal
import cajal.nn as nn
from cajal.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

MODES = {"LSTM": nn.LSTM, "GRU": nn.GRU, "RNN": nn.RNN}


def reference_layer(mode, x, lengths, w_ih, w_hh, b_ih, b_hh):
    """One layer by the equations in torch.nn.LSTM / GRU / RNN's docs; x is
    (T, B, I); steps past a sequence's length leave its state alone."""
    steps, batch = x.shape[0], x.shape[1]
    hidden = w_hh.shape[1]
    h = cajal.zeros(batch, hidden, dtype=x.dtype)
    c = cajal.zeros(batch, hidden, dtype=x.dtype)
    alive = cajal.tensor([[1.0 if t < n else 0.0 for n in lengths] for t in range(steps)], dtype=x.dtype)
    outputs = []
    for t in range(steps):
        gi = x[t] @ w_ih.t() + b_ih
        gh = h @ w_hh.t() + b_hh
        if mode == "LSTM":
            i, f, g, o = (gi + gh).chunk(4, dim=1)
            c_new = i.sigmoid() * g.tanh() + f.sigmoid() * c
            h_new = o.sigmoid() * c_new.tanh()
        elif mode == "GRU":
            ir, iz, inn = gi.chunk(3, dim=1)
            hr, hz, hn = gh.chunk(3, dim=1)
            r, z = (ir + hr).sigmoid(), (iz + hz).sigmoid()
            n = (inn + r * hn).tanh()
            h_new, c_new = (1 - z) * n + z * h, c
        else:
            h_new, c_new = (gi + gh).tanh(), c
        keep = alive[t].unsqueeze(1)
        h = keep * h_new + (1 - keep) * h
        c = keep * c_new + (1 - keep) * c
        outputs.append(keep * h_new)
    return cajal.stack(outputs), h, c


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("batch", [1, 3, 40])
@pytest.mark.parametrize("threads", [1, 2])
def test_layer_matches_the_equations_for_any_batch_split(mode, batch, threads):
    cajal.manual_seed(batch)
    steps, size, hidden = 6, 5, 64  # hidden 64: a batch of 40 runs as 3 slices of an LSTM
    layer = MODES[mode](size, hidden).double()
    lengths = [steps - (b * 5) % steps for b in range(batch)]
    x = cajal.randn(steps, batch, size, dtype=cajal.float64)
    weights = [layer.weight_ih_l0, layer.weight_hh_l0, layer.bias_ih_l0, layer.bias_hh_l0]
    probe = cajal.randn(steps, batch, hidden, dtype=cajal.float64)
    probe_h = cajal.randn(batch, hidden, dtype=cajal.float64)

    previous = cajal.get_num_threads()
    cajal.set_num_threads(threads)
    try:
        x_fused = x.clone().requires_grad_(True)
        packed = pack_padded_sequence(x_fused, lengths, enforce_sorted=False)
        out, state = layer(packed)
        out, _ = pad_packed_sequence(out, total_length=steps)
        h_n = state[0] if mode == "LSTM" else state
        ((out * probe).sum() + (h_n[0] * probe_h).sum()).backward()
    finally:
        cajal.set_num_threads(previous)
    fused_grads = [x_fused.grad] + [w.grad.clone() for w in weights]
    layer.zero_grad()

    x_ref = x.clone().requires_grad_(True)
    ref_out, ref_h, _ = reference_layer(mode, x_ref, lengths, *weights)
    ((ref_out * probe).sum() + (ref_h * probe_h).sum()).backward()
    ref_grads = [x_ref.grad] + [w.grad for w in weights]

    assert cajal.allclose(out, ref_out, rtol=1e-10, atol=1e-12)
    assert cajal.allclose(h_n[0], ref_h, rtol=1e-10, atol=1e-12)
    for got, want in zip(fused_grads, ref_grads):
        assert cajal.allclose(got, want, rtol=1e-9, atol=1e-11)


def test_float32_slices_agree_with_one_slice():
    """A batch split across cores gives what the same sequences give one by one."""
    cajal.manual_seed(1)
    lstm = nn.LSTM(8, 64, num_layers=2, batch_first=True)
    x = cajal.randn(40, 12, 8)
    together, (h, c) = lstm(x)
    for b in (0, 17, 39):
        alone, (h1, c1) = lstm(x[b:b + 1])
        assert cajal.allclose(together[b], alone[0], atol=1e-6)
        assert cajal.allclose(c[:, b], c1[:, 0], atol=1e-6)
