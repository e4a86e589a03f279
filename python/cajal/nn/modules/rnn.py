"""Recurrent layers and cells (torch.nn.RNN, LSTM, GRU, RNNCell, LSTMCell,
GRUCell) with torch's parameter names, shapes, gate order and initialisation.
Each forward is one engine call that runs every layer and direction."""

import warnings
from ctypes import byref, c_void_p

from ..._ffi import check, lib, reserve
from ..._tensor import Tensor, _wrap
from .. import _layer_build, _layer_specs
from ..utils.rnn import PackedSequence, _int64_tensor
from .module import Module
from ..._constants import RECURRENT_KIND_BY_NAME

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _run(mode, input, batch_sizes, hx, cx, weights, has_bias, num_layers, bidirectional, dropout, training,  # noqa: A002
         batch_first, has_projection=False):
    """The engine's recurrent layer: (output, h_n, c_n or None)."""
    from ... import _handles

    weights, handles = _handles(weights)
    output, hidden, cell = c_void_p(), c_void_p(), c_void_p()
    check(lib.cajal_nn_rnn_v2(RECURRENT_KIND_BY_NAME[mode], input, batch_sizes, hx, cx, handles, len(weights),
                              1 if has_bias else 0, 1 if has_projection else 0, num_layers, 1 if bidirectional else 0,
                              float(dropout), 1 if training else 0, 1 if batch_first else 0, byref(output), byref(hidden),
                              byref(cell)))
    return _wrap(output.value), _wrap(hidden.value), _wrap(cell.value) if cell.value else None


class RNNBase(Module):
    """The multi-layer recurrent layers. Parameters per layer k and direction:
    weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} (suffix _reverse
    for the backward direction), all ~ U(-1/√hidden, 1/√hidden) as in torch."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                             "being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                          f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          stacklevel=2)
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if not isinstance(proj_size, int) or isinstance(proj_size, bool) or proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        gate_size = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        # Every layer is made in Python: refuse a count that cannot fit before the first.
        reserve(num_layers * directions * (gate_size * (abs(input_size) + hidden_size * (directions + 1) + 2) * 4 + 4096),
                "rnn")
        self._flat_weights_names, self._groups = [], []
        state_size = proj_size or hidden_size
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else state_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                tensors = _layer_specs.recurrent(_GATES[mode], layer_input, hidden_size, bias, state_size)
                _layer_build.register(self, tensors, dtype, suffix, skip_absent=True)  # torch: no bias names
                self._groups.append((tensors, suffix))
                self._flat_weights_names += [t.name + suffix for t in tensors if t.present]
        self.reset_parameters()

    def reset_parameters(self):
        for tensors, suffix in self._groups:
            _layer_build.initialize(self, tensors, suffix)

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        per = (4 if self.bias else 2) + (1 if self.proj_size else 0)
        flat = self._flat_weights
        return [flat[i:i + per] for i in range(0, len(flat), per)]

    def flatten_parameters(self):
        """A no-op, as on torch's CPU: the weights are always used in place."""

    def _forward(self, input, hx, cx):  # noqa: A002
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices, unsorted_indices = input
            # States follow the packed (sorted) batch order inside, the caller's order outside.
            if sorted_indices is not None:
                hx = None if hx is None else hx.index_select(1, sorted_indices)
                cx = None if cx is None else cx.index_select(1, sorted_indices)
            output, h_n, c_n = _run(self.mode, data, _int64_tensor(batch_sizes, "batch_sizes"), hx, cx,
                                    self._flat_weights, self.bias, self.num_layers, self.bidirectional, self.dropout,
                                    self.training, False, self.proj_size > 0)
            if unsorted_indices is not None:
                h_n = h_n.index_select(1, unsorted_indices)
                c_n = None if c_n is None else c_n.index_select(1, unsorted_indices)
            return PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices), h_n, c_n
        if not isinstance(input, Tensor):
            raise TypeError(f"{type(self).__name__}: input must be a Tensor or a PackedSequence, got {type(input).__name__}")
        return _run(self.mode, input, None, hx, cx, self._flat_weights, self.bias, self.num_layers, self.bidirectional,
                    self.dropout, self.training, self.batch_first, self.proj_size > 0)

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.mode == "RNN_RELU":
            text += ", nonlinearity='relu'"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text


class RNN(RNNBase):
    """h_t = tanh(x_t W_ihᵀ + b_ih + h_(t-1) W_hhᵀ + b_hh), or relu; returns (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, device=device, dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        output, h_n, _ = self._forward(input, hx, None)
        return output, h_n


class LSTM(RNNBase):
    """Gates (input, forget, cell, output) in torch's order; returns (output, (h_n, c_n))."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device=device, dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise RuntimeError("LSTM: hx must be a tuple (h_0, c_0)")
        h0, c0 = (None, None) if hx is None else hx
        output, h_n, c_n = self._forward(input, h0, c0)
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Gates (reset, update, new) in torch's order; returns (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        output, h_n, _ = self._forward(input, hx, None)
        return output, h_n


class RNNCellBase(Module):
    """One step of a recurrent layer: weight_ih, weight_hh, bias_ih, bias_hh."""

    def __init__(self, mode, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__()
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        self.mode, self.input_size, self.hidden_size, self.bias = mode, input_size, hidden_size, bias
        # A cell has no projection: not even an empty weight_hr, as torch's.
        self._tensors = [t for t in _layer_specs.recurrent(_GATES[mode], input_size, hidden_size, bias, hidden_size)
                         if t.name != "weight_hr"]
        _layer_build.register(self, self._tensors, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        _layer_build.initialize(self, self._tensors)

    def _step(self, input, hx, cx):  # noqa: A002
        """One time step as a one-step layer: input (B, I) or unbatched (I)."""
        if not isinstance(input, Tensor) or input.dim() not in (1, 2):
            dims = input.dim() if isinstance(input, Tensor) else type(input).__name__
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got {dims}D input instead")
        weights = [self.weight_ih, self.weight_hh] + ([self.bias_ih, self.bias_hh] if self.bias else [])
        state = [None if s is None else s.unsqueeze(0) for s in (hx, cx)]
        for s, name in zip((hx, cx), ("hx", "cx")):
            if s is not None and s.dim() != input.dim():
                raise RuntimeError(f"{type(self).__name__}: Expected {name} to be {input.dim()}D, got {s.dim()}D "
                                   f"of size {tuple(s.shape)} instead")
        _, h_n, c_n = _run(self.mode, input.unsqueeze(0), None, state[0], state[1], weights, self.bias, 1, False, 0.0,
                           False, False)
        return h_n.squeeze(0), None if c_n is None else c_n.squeeze(0)

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.mode == "RNN_RELU":
            text += ", nonlinearity=relu"
        return text


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, bias,
                         device=device, dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        return self._step(input, hx, None)[0]


class LSTMCell(RNNCellBase):
    """Returns (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, bias, device=device, dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        h0, c0 = (None, None) if hx is None else hx
        return self._step(input, h0, c0)


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, bias, device=device, dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        return self._step(input, hx, None)[0]
