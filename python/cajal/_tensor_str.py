"""Formats tensors the way torch prints them (precision 4, line width 80,
summarised beyond 1000 elements)."""

import math

PRECISION = 4
LINE_WIDTH = 80
THRESHOLD = 1000
EDGE_ITEMS = 3


class _Formatter:
    """Chooses one width and style for every element, as torch's _Formatter
    does: the width comes from the nonzero finite values of a float tensor."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not floating:
            self.width = max((len(str(v)) for v in values), default=1)
            return
        nonzero = [v for v in values if math.isfinite(v) and v != 0]
        if not nonzero:
            return
        magnitudes = [abs(v) for v in nonzero]
        lo, hi = min(magnitudes), max(magnitudes)
        self.int_mode = all(v == math.ceil(v) for v in nonzero)
        if self.int_mode:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8
        else:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        if self.sci_mode:
            self.width = max(len(f"{v:.{PRECISION}e}") for v in nonzero)
        elif self.int_mode:
            self.width = max(len(f"{v:.0f}") + 1 for v in nonzero)
        else:
            self.width = max(len(f"{v:.{PRECISION}f}") for v in nonzero)

    def format(self, v, pad=True):
        if not self.floating:
            text = str(v)
        elif self.sci_mode:
            text = f"{v:.{PRECISION}e}"
        elif self.int_mode:
            text = f"{v:.0f}"
            if math.isfinite(v):
                text += "."
        else:
            text = f"{v:.{PRECISION}f}"
        return text.rjust(self.width) if pad else text


class _ComplexFormatter:
    """torch's complex layout: the real parts and the imaginary parts each get
    a formatter of their own, printed as re+imj."""

    def __init__(self, values):
        self.real = _Formatter([v.real for v in values], True)
        self.imag = _Formatter([v.imag for v in values], True)
        self.width = self.real.width + self.imag.width + 1  # the imaginary part's width holds its sign

    def format(self, v, pad=True):
        real = self.real.format(v.real, pad)
        imag = (self.imag.format(v.imag, pad) + "j").lstrip()
        text = real + (imag if imag[0] in "+-" else "+" + imag)
        return text.rjust(self.width) if pad else text


def _strides(shape):
    strides, running = [], 1
    for size in reversed(shape):
        strides.append(running)
        running *= size
    return list(reversed(strides))


def _shown(size, summarize):
    if summarize and size > 2 * EDGE_ITEMS:
        return list(range(EDGE_ITEMS)) + [None] + list(range(size - EDGE_ITEMS, size))
    return list(range(size))


def _collect(flat, shape, strides, offset, dim, summarize, out):
    """The elements that will be printed, for choosing the format."""
    if dim == len(shape):
        out.append(flat[offset])
        return
    for i in _shown(shape[dim], summarize):
        if i is not None:
            _collect(flat, shape, strides, offset + i * strides[dim], dim + 1, summarize, out)


def _render(flat, shape, strides, offset, dim, indent, fmt, summarize):
    if dim == len(shape) - 1:
        items = [fmt.format(flat[offset + i * strides[dim]]) if i is not None else " ..." for i in _shown(shape[dim], summarize)]
        per_line = max(1, (LINE_WIDTH - indent) // (fmt.width + 2))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    separator = "," + "\n" * (len(shape) - dim - 1) + " " * (indent + 1)
    parts = [
        _render(flat, shape, strides, offset + i * strides[dim], dim + 1, indent + 1, fmt, summarize) if i is not None else "..."
        for i in _shown(shape[dim], summarize)
    ]
    return "[" + separator.join(parts) + "]"


def format_tensor(flat, shape, dtype, suffixes, prefix="tensor("):
    """flat: the elements in row-major order; suffixes: extra 'key=value' parts."""
    numel = 1
    for s in shape:
        numel *= s
    floating = dtype.is_floating_point
    indent = len(prefix)
    suffixes = list(suffixes)
    if numel == 0:
        body = "[]"
        if len(shape) != 1:
            suffixes.insert(0, f"size={tuple(shape)}")
        if dtype.name not in ("float32",):
            suffixes.insert(1 if len(shape) != 1 else 0, f"dtype=cajal.{dtype.name}")
    else:
        summarize = numel > THRESHOLD
        values = []
        if len(shape) == 0:
            values = [flat[0]]
        else:
            _collect(flat, shape, _strides(shape), 0, 0, summarize, values)
        fmt = _ComplexFormatter(values) if dtype.is_complex else _Formatter(values, floating)
        if len(shape) == 0:
            body = fmt.format(flat[0], pad=False)
        else:
            body = _render(flat, list(shape), _strides(shape), 0, 0, indent, fmt, summarize)
        if dtype.name not in ("float32", "int64", "bool", "complex64"):
            suffixes.insert(0, f"dtype=cajal.{dtype.name}")
    if suffixes:
        body += ", " + ", ".join(suffixes)
    return prefix + body + ")"
