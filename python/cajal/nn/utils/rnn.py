"""torch.nn.utils.rnn: padded and packed batches of sequences of different lengths."""

from collections import namedtuple
from ctypes import byref, c_void_p

from ..._ffi import check, lib
from ..._tensor import Tensor, _wrap


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """The rows of every time step stacked step by step, longest sequences first;
    batch_sizes (int64) counts the sequences still running at each step."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = sorted_indices.argsort()
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    @property
    def is_cuda(self):
        return False

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def float(self):
        from ... import float32

        return self.to(float32)

    def double(self):
        from ... import float64

        return self.to(float64)


def _int64_tensor(values, name):
    from ... import int64, tensor

    if isinstance(values, Tensor):
        if values.dtype != int64:
            values = values.to(int64)
        return values.reshape(-1)
    try:
        return tensor([int(v) for v in values], dtype=int64)
    except TypeError:
        raise TypeError(f"{name} must be a 1-D tensor or a list of ints, got {type(values).__name__}") from None


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):  # noqa: A002
    """Packs a padded batch (T, B, *) (or (B, T, *) with batch_first) whose
    sequence b has lengths[b] steps. With enforce_sorted=False the batch need
    not be sorted by decreasing length."""
    data, sizes, sorted_indices, unsorted_indices = c_void_p(), c_void_p(), c_void_p(), c_void_p()
    check(lib.cajal_nn_pack_padded_sequence(input, _int64_tensor(lengths, "lengths"), 1 if batch_first else 0,
                                            1 if enforce_sorted else 0, byref(data), byref(sizes), byref(sorted_indices),
                                            byref(unsorted_indices)))
    return PackedSequence(_wrap(data.value), _wrap(sizes.value),
                          _wrap(sorted_indices.value) if sorted_indices.value else None,
                          _wrap(unsorted_indices.value) if unsorted_indices.value else None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The padded batch in the original order and the lengths (int64), as torch."""
    padded, lengths = c_void_p(), c_void_p()
    check(lib.cajal_nn_pad_packed_sequence(sequence.data, _int64_tensor(sequence.batch_sizes, "batch_sizes"),
                                           sequence.sorted_indices, 1 if batch_first else 0, float(padding_value),
                                           -1 if total_length is None else int(total_length), byref(padded),
                                           byref(lengths)))
    return _wrap(padded.value), _wrap(lengths.value)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stacks sequences (L_i, *) into (max L, B, *), or (B, max L, *) with batch_first."""
    from ... import _handles

    if padding_side != "right":
        raise NotImplementedError(f"pad_sequence: padding_side={padding_side!r} is not supported by cajal; use 'right'")
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    sequences, handles = _handles(sequences)
    out = c_void_p()
    check(lib.cajal_nn_pad_sequence(handles, len(sequences), 1 if batch_first else 0, float(padding_value), byref(out)))
    return _wrap(out.value)


def pack_sequence(sequences, enforce_sorted=True):
    """Packs a list of sequences (L_i, *) of different lengths."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences a padded batch holds."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[b, :int(n)] for b, n in enumerate(_int64_tensor(lengths, "lengths").tolist())]


def unpack_sequence(packed_sequences):
    """The list of sequences a PackedSequence holds."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
