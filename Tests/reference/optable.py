"""The ops the reference fixtures exercise, written once against a torch-like
module. generate.py runs them with real torch to make the fixtures;
Tests/python/test_reference.py runs the very same lambdas with cajal.
(The Swift tests hold the same table in ReferenceTests.swift.) The
elementwise unary ops declared with unary() in api/ come from the generated
declared_ops.py; round is one too, though its Python binding is hand-written.
"""

from declared_ops import BINARY
from declared_ops import UNARY as DECLARED_UNARY

UNARY = [*DECLARED_UNARY, "round"]


def decode_index(spec, tensors):
    """A JSON index expression as the Python index it stands for."""
    items = []
    for item in spec:
        kind = item[0]
        if kind == "int":
            items.append(item[1])
        elif kind == "slice":
            items.append(slice(item[1], item[2], item[3]))
        elif kind == "none":
            items.append(None)
        elif kind == "ellipsis":
            items.append(Ellipsis)
        elif kind == "list":
            items.append(item[1])
        elif kind == "tensor":
            items.append(tensors[item[1]])
    return tuple(items)


def norm_order(ord):
    """A JSON ord: null, a number, "inf"/"-inf", or "fro"/"nuc"."""
    return float(ord) if ord in ("inf", "-inf") else ord


def make_ops(lib):
    dtypes = {"float32": lib.float32, "float64": lib.float64, "int64": lib.int64, "bool": lib.bool}

    def scalar_of(attrs):
        return {"float": float, "int": int, "bool": bool}[attrs["scalar_type"]](attrs["scalar"])

    def with_scalar(fn):
        def run(x, attrs):
            s = scalar_of(attrs)
            return fn(s, x) if attrs.get("reverse") else fn(x, s)
        return run

    def reduce(name):
        def run(x, attrs):
            if attrs.get("dim") is None:
                return getattr(x, name)()
            return getattr(x, name)(dim=attrs["dim"], keepdim=attrs["keepdim"])
        return run

    def arange(attrs):
        extra = {"dtype": dtypes[attrs["dtype"]]} if attrs.get("dtype") else {}
        return lib.arange(attrs["start"], attrs["end"], attrs["step"], **extra)

    return {
        "add": lambda a, b, attrs: a + b,
        "sub": lambda a, b, attrs: a - b,
        "mul": lambda a, b, attrs: a * b,
        "div": lambda a, b, attrs: a / b,
        "pow": lambda a, b, attrs: a ** b,
        "add_scalar": with_scalar(lambda a, b: a + b),
        "sub_scalar": with_scalar(lambda a, b: a - b),
        "mul_scalar": with_scalar(lambda a, b: a * b),
        "div_scalar": with_scalar(lambda a, b: a / b),
        "pow_scalar": with_scalar(lambda a, b: a ** b),
        "eq": lambda a, b, attrs: a == b,
        "ne": lambda a, b, attrs: a != b,
        "lt": lambda a, b, attrs: a < b,
        "le": lambda a, b, attrs: a <= b,
        "gt": lambda a, b, attrs: a > b,
        "ge": lambda a, b, attrs: a >= b,
        "lt_scalar": with_scalar(lambda a, b: a < b),
        "eq_scalar": with_scalar(lambda a, b: a == b),
        "where": lambda c, a, b, attrs: lib.where(c, a, b),
        **{name: (lambda name: lambda x, attrs: getattr(x, name)())(name) for name in UNARY},
        **{name: (lambda name: lambda a, b, attrs: getattr(a, name)(b))(name) for name in BINARY},
        "div_rounding": lambda a, b, attrs: a.div(b, rounding_mode=attrs["mode"]),
        "floordiv": lambda a, b, attrs: a // b,
        "mod": lambda a, b, attrs: a % b,
        "clamp_scalar": lambda x, attrs: x.clamp(attrs.get("min"), attrs.get("max")),
        "clamp_tensor": lambda x, low, high, attrs: x.clamp(low, high),
        "clamp_min_tensor": lambda x, low, attrs: x.clamp(min=low),
        "slice": lambda x, attrs: x[tuple([slice(None)] * attrs["dim"] + [slice(attrs.get("start"), attrs.get("end"), attrs.get("step", 1))])],
        "select": lambda x, attrs: x.select(attrs["dim"], attrs["index"]),
        "narrow": lambda x, attrs: x.narrow(attrs["dim"], attrs["start"], attrs["length"]),
        "diagonal": lambda x, attrs: x.diagonal(attrs["offset"], attrs["dim1"], attrs["dim2"]),
        "unbind": lambda x, attrs: x.unbind(attrs["dim"]),
        "split": lambda x, attrs: x.split(attrs["size"], attrs["dim"]),
        "chunk": lambda x, attrs: x.chunk(attrs["chunks"], attrs["dim"]),
        "cat": lambda *args: lib.cat(list(args[:-1]), args[-1]["dim"]),
        "stack": lambda *args: lib.stack(list(args[:-1]), args[-1]["dim"]),
        "flip": lambda x, attrs: x.flip(attrs["dims"]),
        "roll": lambda x, attrs: x.roll(attrs["shifts"], attrs.get("dims")),
        "movedim": lambda x, attrs: x.movedim(attrs["source"], attrs["destination"]),
        "flatten": lambda x, attrs: x.flatten(attrs["start"], attrs["end"]),
        "unflatten": lambda x, attrs: x.unflatten(attrs["dim"], attrs["sizes"]),
        "repeat": lambda x, attrs: x.repeat(*attrs["repeats"]),
        "tril": lambda x, attrs: x.tril(attrs["k"]),
        "triu": lambda x, attrs: x.triu(attrs["k"]),
        "diag": lambda x, attrs: x.diag(attrs["k"]),
        "getitem": lambda x, *rest: x[decode_index(rest[-1]["index"], rest[:-1])],
        "setitem": lambda x, value, *rest: _setitem(x, value, rest[:-1], rest[-1]["index"]),
        "index_select": lambda x, index, attrs: x.index_select(attrs["dim"], index),
        "gather": lambda x, index, attrs: x.gather(attrs["dim"], index),
        "scatter": lambda x, index, src, attrs: x.scatter(attrs["dim"], index, src),
        "scatter_value": lambda x, index, attrs: x.scatter(attrs["dim"], index, attrs["value"]),
        "scatter_add": lambda x, index, src, attrs: x.scatter_add(attrs["dim"], index, src),
        "scatter_reduce": lambda x, index, src, attrs: x.scatter_reduce(attrs["dim"], index, src, attrs["reduce"],
                                                                        include_self=attrs["include_self"]),
        "index_add": lambda x, index, src, attrs: x.index_add(attrs["dim"], index, src, alpha=attrs["alpha"]),
        # In place on a clone: the gradient reaches x through the copy.
        "scatter_add_": lambda x, index, src, attrs: x.clone().scatter_add_(attrs["dim"], index, src),
        "scatter_reduce_": lambda x, index, src, attrs: x.clone().scatter_reduce_(attrs["dim"], index, src, attrs["reduce"],
                                                                                 include_self=attrs["include_self"]),
        "index_add_": lambda x, index, src, attrs: x.clone().index_add_(attrs["dim"], index, src, alpha=attrs["alpha"]),
        "add_alpha": lambda a, b, attrs: a.add(b, alpha=attrs["alpha"]),
        "sub_alpha": lambda a, b, attrs: a.sub(b, alpha=attrs["alpha"]),
        "add_alpha_": lambda a, b, attrs: a.clone().add_(b, alpha=attrs["alpha"]),
        "sub_alpha_": lambda a, b, attrs: a.clone().sub_(b, alpha=attrs["alpha"]),
        "round_decimals": lambda x, attrs: x.round(decimals=attrs["decimals"]),
        "masked_fill": lambda x, mask, attrs: x.masked_fill(mask, attrs["value"]),
        "masked_fill_tensor": lambda x, mask, value, attrs: x.masked_fill(mask, value),
        "masked_select": lambda x, mask, attrs: x.masked_select(mask),
        "nonzero": lambda x, attrs: x.nonzero(),
        "one_hot": lambda x, attrs: lib.nn.functional.one_hot(x, attrs["num_classes"]),
        "prod": lambda x, attrs: x.prod() if attrs.get("dim") is None else x.prod(attrs["dim"], keepdim=attrs["keepdim"]),
        "max_all": lambda x, attrs: x.max(),
        "min_all": lambda x, attrs: x.min(),
        "max_dim": lambda x, attrs: tuple(x.max(attrs["dim"], keepdim=attrs["keepdim"])),
        "min_dim": lambda x, attrs: tuple(x.min(attrs["dim"], keepdim=attrs["keepdim"])),
        "argmax": lambda x, attrs: x.argmax(attrs.get("dim"), keepdim=attrs.get("keepdim", False)),
        "argmin": lambda x, attrs: x.argmin(attrs.get("dim"), keepdim=attrs.get("keepdim", False)),
        "amax": lambda x, attrs: x.amax(attrs["dim"], keepdim=attrs["keepdim"]),
        "amin": lambda x, attrs: x.amin(attrs["dim"], keepdim=attrs["keepdim"]),
        "all": lambda x, attrs: x.all() if attrs.get("dim") is None else x.all(attrs["dim"], keepdim=attrs["keepdim"]),
        "any": lambda x, attrs: x.any() if attrs.get("dim") is None else x.any(attrs["dim"], keepdim=attrs["keepdim"]),
        "var": lambda x, attrs: x.var(attrs.get("dim"), correction=attrs["correction"], keepdim=attrs["keepdim"]),
        "std": lambda x, attrs: x.std(attrs.get("dim"), correction=attrs["correction"], keepdim=attrs["keepdim"]),
        "norm": lambda x, attrs: x.norm(float(attrs["p"]), attrs.get("dim"), keepdim=attrs["keepdim"]),
        "logsumexp": lambda x, attrs: x.logsumexp(attrs["dim"], keepdim=attrs["keepdim"]),
        "cumsum": lambda x, attrs: x.cumsum(attrs["dim"]),
        "cumprod": lambda x, attrs: x.cumprod(attrs["dim"]),
        "sort": lambda x, attrs: tuple(x.sort(dim=attrs["dim"], descending=attrs["descending"], stable=True)),
        "argsort": lambda x, attrs: x.argsort(dim=attrs["dim"], descending=attrs["descending"], stable=True),
        "topk": lambda x, attrs: tuple(x.topk(attrs["k"], attrs["dim"], largest=attrs["largest"])),
        "program": lambda *args: PROGRAMS[args[-1]["name"]](lib, *args[:-1]),
        "grad_program": lambda *args: GRAD_PROGRAMS[args[-1]["name"]](lib, *args[:-1]),
        "isclose": lambda a, b, attrs: a.isclose(b, rtol=attrs["rtol"], atol=attrs["atol"], equal_nan=attrs["equal_nan"]),
        "matmul": lambda a, b, attrs: a @ b,
        "mm": lambda a, b, attrs: a.mm(b),
        "bmm": lambda a, b, attrs: lib.bmm(a, b),
        "mv": lambda a, b, attrs: a.mv(b),
        "dot": lambda a, b, attrs: lib.dot(a, b),
        "outer": lambda a, b, attrs: a.outer(b),
        "einsum": lambda *args: lib.einsum(args[-1]["equation"], *args[:-1]),
        "inv": lambda x, attrs: lib.linalg.inv(x),
        "det": lambda x, attrs: lib.linalg.det(x),
        "solve": lambda a, b, attrs: lib.linalg.solve(a, b),
        "linalg_norm": lambda x, attrs: lib.linalg.norm(x, norm_order(attrs["ord"]), attrs["dim"], attrs["keepdim"]),
        "vector_norm": lambda x, attrs: lib.linalg.vector_norm(x, norm_order(attrs["ord"]), attrs["dim"], attrs["keepdim"]),
        "matrix_norm": lambda x, attrs: lib.linalg.matrix_norm(x, norm_order(attrs["ord"]), keepdim=attrs["keepdim"]),
        "sum": reduce("sum"),
        "mean": reduce("mean"),
        "reshape": lambda x, attrs: x.reshape(attrs["shape"]),
        "view": lambda x, attrs: x.view(attrs["shape"]),
        "transpose": lambda x, attrs: x.transpose(attrs["dim0"], attrs["dim1"]),
        "t": lambda x, attrs: x.t(),
        "permute": lambda x, attrs: x.permute(attrs["dims"]),
        "expand": lambda x, attrs: x.expand(attrs["shape"]),
        "squeeze": lambda x, attrs: x.squeeze() if attrs.get("dim") is None else x.squeeze(attrs["dim"]),
        "unsqueeze": lambda x, attrs: x.unsqueeze(attrs["dim"]),
        "contiguous": lambda x, attrs: x.contiguous(),
        "clone": lambda x, attrs: x.clone(),
        "to": lambda x, attrs: x.to(dtypes[attrs["dtype"]]),
        "zeros": lambda attrs: lib.zeros(attrs["shape"], dtype=dtypes[attrs["dtype"]]),
        "ones": lambda attrs: lib.ones(attrs["shape"], dtype=dtypes[attrs["dtype"]]),
        "full": lambda attrs: lib.full(attrs["shape"], scalar_of(attrs), dtype=dtypes[attrs["dtype"]]),
        "arange": arange,
        "eye": lambda attrs: lib.eye(attrs["n"], *([attrs["m"]] if "m" in attrs else []), dtype=dtypes[attrs["dtype"]]),
        "linspace": lambda attrs: lib.linspace(attrs["start"], attrs["end"], attrs["steps"], dtype=dtypes[attrs["dtype"]]),
        "random_sequence": lambda attrs: random_sequence(lib, attrs),
        # nn.functional: optional tensors follow the required ones, flagged in attrs.
        "conv2d": lambda *a: lib.nn.functional.conv2d(a[0], a[1], a[2] if a[-1]["bias"] else None, a[-1]["stride"],
                                                      a[-1]["padding"], a[-1]["dilation"], a[-1]["groups"]),
        "conv1d": lambda *a: lib.nn.functional.conv1d(a[0], a[1], a[2] if a[-1]["bias"] else None, a[-1]["stride"],
                                                      a[-1]["padding"], a[-1]["dilation"], a[-1]["groups"]),
        "conv_transpose2d": lambda *a: lib.nn.functional.conv_transpose2d(
            a[0], a[1], a[2] if a[-1]["bias"] else None, a[-1]["stride"], a[-1]["padding"], a[-1]["output_padding"],
            a[-1]["groups"], a[-1]["dilation"]),
        "conv3d": lambda *a: lib.nn.functional.conv3d(a[0], a[1], a[2] if a[-1]["bias"] else None, a[-1]["stride"],
                                                      a[-1]["padding"], a[-1]["dilation"], a[-1]["groups"]),
        "conv_transpose1d": lambda *a: lib.nn.functional.conv_transpose1d(
            a[0], a[1], a[2] if a[-1]["bias"] else None, a[-1]["stride"], a[-1]["padding"], a[-1]["output_padding"],
            a[-1]["groups"], a[-1]["dilation"]),
        "conv_transpose3d": lambda *a: lib.nn.functional.conv_transpose3d(
            a[0], a[1], a[2] if a[-1]["bias"] else None, a[-1]["stride"], a[-1]["padding"], a[-1]["output_padding"],
            a[-1]["groups"], a[-1]["dilation"]),
        "max_pool3d": lambda x, attrs: tuple(lib.nn.functional.max_pool3d(
            x, attrs["kernel_size"], attrs["stride"], attrs["padding"], attrs["dilation"], attrs["ceil_mode"], True)),
        "avg_pool3d": lambda x, attrs: lib.nn.functional.avg_pool3d(
            x, attrs["kernel_size"], attrs["stride"], attrs["padding"], attrs["ceil_mode"], attrs["count_include_pad"],
            attrs["divisor_override"]),
        "adaptive_avg_pool3d": lambda x, attrs: lib.nn.functional.adaptive_avg_pool3d(x, attrs["output_size"]),
        "adaptive_max_pool1d": lambda x, attrs: tuple(lib.nn.functional.adaptive_max_pool1d(x, attrs["output_size"], True)),
        "adaptive_max_pool3d": lambda x, attrs: tuple(lib.nn.functional.adaptive_max_pool3d(x, attrs["output_size"], True)),
        # The running statistics (fresh, made inside) are outputs too: what the call left in them.
        "instance_norm_running": lambda *a: _instance_norm_running(lib, *a),
        "max_pool2d": lambda x, attrs: tuple(lib.nn.functional.max_pool2d(
            x, attrs["kernel_size"], attrs["stride"], attrs["padding"], attrs["dilation"], attrs["ceil_mode"], True)),
        "max_pool1d": lambda x, attrs: tuple(lib.nn.functional.max_pool1d(
            x, attrs["kernel_size"], attrs["stride"], attrs["padding"], attrs["dilation"], attrs["ceil_mode"], True)),
        "avg_pool2d": lambda x, attrs: lib.nn.functional.avg_pool2d(
            x, attrs["kernel_size"], attrs["stride"], attrs["padding"], attrs["ceil_mode"], attrs["count_include_pad"],
            attrs["divisor_override"]),
        "avg_pool1d": lambda x, attrs: lib.nn.functional.avg_pool1d(
            x, attrs["kernel_size"], attrs["stride"], attrs["padding"], attrs["ceil_mode"], attrs["count_include_pad"]),
        "linear": lambda *a: lib.nn.functional.linear(a[0], a[1], a[2] if a[-1]["bias"] else None),
        "softmax": lambda x, attrs: lib.nn.functional.softmax(x, attrs["dim"]),
        "log_softmax": lambda x, attrs: lib.nn.functional.log_softmax(x, attrs["dim"]),
        "leaky_relu": lambda x, attrs: lib.nn.functional.leaky_relu(x, attrs["negative_slope"]),
        "elu": lambda x, attrs: lib.nn.functional.elu(x, attrs["alpha"]),
        "gelu": lambda x, attrs: lib.nn.functional.gelu(x, approximate=attrs["approximate"]),
        "silu": lambda x, attrs: lib.nn.functional.silu(x),
        "softplus": lambda x, attrs: lib.nn.functional.softplus(x, attrs["beta"], attrs["threshold"]),
        "hardtanh": lambda x, attrs: lib.nn.functional.hardtanh(x, attrs["min"], attrs["max"]),
        "mse_loss": lambda a, b, attrs: lib.nn.functional.mse_loss(a, b, reduction=attrs["reduction"]),
        "l1_loss": lambda a, b, attrs: lib.nn.functional.l1_loss(a, b, reduction=attrs["reduction"]),
        "binary_cross_entropy": lambda *a: lib.nn.functional.binary_cross_entropy(
            a[0], a[1], a[2] if a[-1]["weight"] else None, reduction=a[-1]["reduction"]),
        "binary_cross_entropy_with_logits": lambda *a: lib.nn.functional.binary_cross_entropy_with_logits(
            a[0], a[1], a[2] if a[-1]["weight"] else None, reduction=a[-1]["reduction"],
            pos_weight=a[2 + a[-1]["weight"]] if a[-1]["pos_weight"] else None),
        "nll_loss": lambda *a: lib.nn.functional.nll_loss(a[0], a[1], a[2] if a[-1]["weight"] else None,
                                                          ignore_index=a[-1]["ignore_index"], reduction=a[-1]["reduction"]),
        "selu": lambda x, attrs: lib.nn.functional.selu(x),
        "celu": lambda x, attrs: lib.nn.functional.celu(x, attrs["alpha"]),
        "mish": lambda x, attrs: lib.nn.functional.mish(x),
        "softsign": lambda x, attrs: lib.nn.functional.softsign(x),
        "hardsigmoid": lambda x, attrs: lib.nn.functional.hardsigmoid(x),
        "hardswish": lambda x, attrs: lib.nn.functional.hardswish(x),
        "logsigmoid": lambda x, attrs: lib.nn.functional.logsigmoid(x),
        "threshold": lambda x, attrs: lib.nn.functional.threshold(x, attrs["threshold"], attrs["value"]),
        "prelu": lambda x, w, attrs: lib.nn.functional.prelu(x, w),
        "layer_norm": lambda *a: lib.nn.functional.layer_norm(
            a[0], a[-1]["shape"], a[1] if a[-1]["affine"] else None, a[2] if a[-1]["affine"] else None, a[-1]["eps"]),
        "group_norm": lambda *a: lib.nn.functional.group_norm(
            a[0], a[-1]["groups"], a[1] if a[-1]["affine"] else None, a[2] if a[-1]["affine"] else None, a[-1]["eps"]),
        "instance_norm": lambda *a: lib.nn.functional.instance_norm(
            a[0], weight=a[1] if a[-1]["affine"] else None, bias=a[2] if a[-1]["affine"] else None, eps=a[-1]["eps"]),
        # Running statistics are fresh zeros/ones made inside, so the case is repeatable.
        "batch_norm": lambda *a: lib.nn.functional.batch_norm(
            a[0], lib.zeros(a[0].shape[1]) if a[-1]["running"] else None, lib.ones(a[0].shape[1]) if a[-1]["running"] else None,
            a[1], a[2], a[-1]["training"], a[-1]["momentum"], a[-1]["eps"]),
        "embedding": lambda w, i, attrs: lib.nn.functional.embedding(i, w, padding_idx=attrs["padding_idx"]),
        "smooth_l1_loss": lambda a, b, attrs: lib.nn.functional.smooth_l1_loss(a, b, reduction=attrs["reduction"],
                                                                              beta=attrs["beta"]),
        "huber_loss": lambda a, b, attrs: lib.nn.functional.huber_loss(a, b, reduction=attrs["reduction"], delta=attrs["delta"]),
        "kl_div": lambda a, b, attrs: lib.nn.functional.kl_div(a, b, reduction=attrs["reduction"],
                                                              log_target=attrs["log_target"]),
        "gaussian_nll_loss": lambda a, b, v, attrs: lib.nn.functional.gaussian_nll_loss(
            a, b, v, full=attrs["full"], eps=attrs["eps"], reduction=attrs["reduction"]),
        "poisson_nll_loss": lambda a, b, attrs: lib.nn.functional.poisson_nll_loss(
            a, b, log_input=attrs["log_input"], full=attrs["full"], reduction=attrs["reduction"]),
        "cosine_embedding_loss": lambda a, b, y, attrs: lib.nn.functional.cosine_embedding_loss(
            a, b, y, margin=attrs["margin"], reduction=attrs["reduction"]),
        "margin_ranking_loss": lambda a, b, y, attrs: lib.nn.functional.margin_ranking_loss(
            a, b, y, margin=attrs["margin"], reduction=attrs["reduction"]),
        "triplet_margin_loss": lambda a, p, n, attrs: lib.nn.functional.triplet_margin_loss(
            a, p, n, margin=attrs["margin"], p=attrs["p"], swap=attrs["swap"], reduction=attrs["reduction"]),
        "pad": lambda x, attrs: lib.nn.functional.pad(x, attrs["pad"], value=attrs["value"]),
        "pad_mode": lambda x, attrs: lib.nn.functional.pad(x, attrs["pad"], mode=attrs["mode"]),
        "pixel_shuffle": lambda x, attrs: lib.nn.functional.pixel_shuffle(x, attrs["factor"]),
        "interpolate": lambda x, attrs: lib.nn.functional.interpolate(
            x, size=attrs["size"], scale_factor=attrs["scale_factor"], mode=attrs["mode"], align_corners=attrs["align_corners"]),
        "adaptive_avg_pool2d": lambda x, attrs: lib.nn.functional.adaptive_avg_pool2d(x, attrs["output_size"]),
        "adaptive_avg_pool1d": lambda x, attrs: lib.nn.functional.adaptive_avg_pool1d(x, attrs["output_size"]),
        "adaptive_max_pool2d": lambda x, attrs: tuple(lib.nn.functional.adaptive_max_pool2d(x, attrs["output_size"], True)),
        "recurrent": lambda *args: _recurrent(lib, *args),
        "recurrent_cell": lambda *args: _recurrent_cell(lib, *args),
        "scaled_dot_product_attention": lambda *args: lib.nn.functional.scaled_dot_product_attention(
            *args[:3], attn_mask=args[3] if len(args) == 5 else None, is_causal=args[-1]["is_causal"],
            scale=args[-1]["scale"]),
        "multihead_attention": lambda *args: _multihead_attention(lib, *args),
        "transformer_encoder_layer": lambda *args: _transformer_layer(lib, "encoder", *args),
        "transformer_decoder_layer": lambda *args: _transformer_layer(lib, "decoder", *args),
        "affine_grid": lambda t, attrs: lib.nn.functional.affine_grid(t, attrs["size"], align_corners=attrs["align_corners"]),
        "grid_sample": lambda x, g, attrs: lib.nn.functional.grid_sample(
            x, g, mode=attrs["mode"], padding_mode=attrs["padding_mode"], align_corners=attrs["align_corners"]),
        "cross_entropy": lambda *a: lib.nn.functional.cross_entropy(
            a[0], a[1], a[2] if a[-1]["weight"] else None, ignore_index=a[-1]["ignore_index"],
            reduction=a[-1]["reduction"], label_smoothing=a[-1]["label_smoothing"]),
        # The rest of everyday torch.nn (issue 20).
        "unfold": lambda x, attrs: lib.nn.functional.unfold(x, attrs["kernel_size"], attrs["dilation"], attrs["padding"],
                                                            attrs["stride"]),
        "fold": lambda x, attrs: lib.nn.functional.fold(x, attrs["output_size"], attrs["kernel_size"], attrs["dilation"],
                                                        attrs["padding"], attrs["stride"]),
        "pixel_unshuffle": lambda x, attrs: lib.nn.functional.pixel_unshuffle(x, attrs["factor"]),
        "channel_shuffle": lambda x, attrs: lib.nn.functional.channel_shuffle(x, attrs["groups"]),
        "max_unpool": lambda x, attrs: _max_unpool(lib, x, attrs),
        "normalize": lambda x, attrs: lib.nn.functional.normalize(x, attrs["p"], attrs["dim"]),
        "cosine_similarity": lambda a, b, attrs: lib.nn.functional.cosine_similarity(a, b, attrs["dim"]),
        "pairwise_distance": lambda a, b, attrs: lib.nn.functional.pairwise_distance(a, b, attrs["p"],
                                                                                    keepdim=attrs["keepdim"]),
        "pdist": lambda x, attrs: lib.nn.functional.pdist(x, attrs["p"]),
        "glu": lambda x, attrs: lib.nn.functional.glu(x, attrs["dim"]),
        "hardshrink": lambda x, attrs: lib.nn.functional.hardshrink(x, attrs["lambd"]),
        "softshrink": lambda x, attrs: lib.nn.functional.softshrink(x, attrs["lambd"]),
        "tanhshrink": lambda x, attrs: lib.nn.functional.tanhshrink(x),
        "rrelu_eval": lambda x, attrs: lib.nn.functional.rrelu(x, attrs["lower"], attrs["upper"]),
        "rms_norm": lambda *a: lib.nn.functional.rms_norm(a[0], a[-1]["shape"], a[1] if len(a) == 3 else None,
                                                          a[-1]["eps"]),
        "local_response_norm": lambda x, attrs: lib.nn.functional.local_response_norm(x, attrs["size"], attrs["alpha"],
                                                                                      attrs["beta"], attrs["k"]),
        "lp_pool": lambda x, attrs: getattr(lib.nn.functional, f"lp_pool{attrs['dims']}d")(
            x, attrs["norm_type"], attrs["kernel_size"], attrs["stride"], attrs["ceil_mode"]),
        "soft_margin_loss": lambda a, y, attrs: lib.nn.functional.soft_margin_loss(a, y, reduction=attrs["reduction"]),
        "multilabel_soft_margin_loss": lambda *a: lib.nn.functional.multilabel_soft_margin_loss(
            a[0], a[1], a[2] if len(a) == 4 else None, reduction=a[-1]["reduction"]),
        "hinge_embedding_loss": lambda a, y, attrs: lib.nn.functional.hinge_embedding_loss(
            a, y, margin=attrs["margin"], reduction=attrs["reduction"]),
        "multi_margin_loss": lambda *a: lib.nn.functional.multi_margin_loss(
            a[0], a[1], p=a[-1]["p"], margin=a[-1]["margin"], weight=a[2] if len(a) == 4 else None,
            reduction=a[-1]["reduction"]),
        "multilabel_margin_loss": lambda a, y, attrs: lib.nn.functional.multilabel_margin_loss(
            a, y, reduction=attrs["reduction"]),
        "triplet_margin_with_distance_loss": lambda a, p, n, attrs: lib.nn.functional.triplet_margin_with_distance_loss(
            a, p, n, distance_function=(lambda x, y: 1.0 - lib.nn.functional.cosine_similarity(x, y))
            if attrs["cosine"] else None, margin=attrs["margin"], swap=attrs["swap"], reduction=attrs["reduction"]),
        "embedding_bag": lambda *a: lib.nn.functional.embedding_bag(
            a[1], a[0], a[2] if a[1].dim() == 1 else None, mode=a[-1]["mode"], padding_idx=a[-1]["padding_idx"],
            include_last_offset=a[-1]["include_last_offset"], per_sample_weights=a[3] if a[-1]["weighted"] else None),
        "ctc_loss": lambda x, targets, attrs: lib.nn.functional.ctc_loss(
            x.log_softmax(2 if x.dim() == 3 else 1) if attrs["logits"] else x, targets, attrs["input_lengths"],
            attrs["target_lengths"], blank=attrs["blank"], reduction=attrs["reduction"],
            zero_infinity=attrs["zero_infinity"]),
    }


def _instance_norm_running(lib, x, *rest):
    attrs = rest[-1]
    channels = x.shape[1]
    mean = lib.arange(channels, dtype=x.dtype) * 0.1
    var = lib.arange(channels, dtype=x.dtype) * 0.2 + 0.5
    weight, bias = (rest[0], rest[1]) if attrs["affine"] else (None, None)
    out = lib.nn.functional.instance_norm(x, mean, var, weight, bias, attrs["use_input_stats"], attrs["momentum"],
                                          attrs["eps"])
    return out, mean, var


def _max_unpool(lib, x, attrs):
    """max_pool with indices, then max_unpool back to the pooled input's size (or output_size)."""
    dims = attrs["dims"]
    pooled, indices = getattr(lib.nn.functional, f"max_pool{dims}d")(x, attrs["kernel_size"], attrs["stride"],
                                                                     return_indices=True)
    return getattr(lib.nn.functional, f"max_unpool{dims}d")(pooled, indices, attrs["kernel_size"], attrs["stride"],
                                                            output_size=attrs["output_size"])


def _setitem(x, value, tensors, spec):
    """x.clone()[index] = value, returning the result (forward only: x needs no grad)."""
    out = x.clone()
    out[decode_index(spec, tensors)] = value
    return out


def _program_add_into_nonleaf(lib, x, w):
    y = x * 2
    y.add_(w)
    return y * 3


def _program_mul_into_clone(lib, x, w):
    y = x.clone()
    y.mul_(w)
    y.sub_(1.5)
    return y


def _program_setitem_rows(lib, x, w):
    y = x.clone()
    y[1] = w * 2
    y[:, 0] = 0.5
    return y


def _program_setitem_mask(lib, x, w):
    y = x * w
    y[y > 0] = 0
    return y


def _program_index_put(lib, x, w):
    y = lib.zeros(4, 3)
    y[[0, 2]] = x[:2] * w
    return y


def _program_view_inplace(lib, x, w):
    y = x.clone()
    row = y[1]
    row.mul_(w)
    return y.exp()


def _program_older_view(lib, x, w):
    y = x.clone()
    first = y[0]
    column = y[:, 1]
    column.mul_(w[0])
    return first * 3


def _program_fill_view(lib, x, w):
    y = x * w
    y[0].fill_(1.0)
    return y


def _program_copy_slice(lib, x, w):
    y = lib.zeros(3, 3)
    y[1:].copy_(w.expand(2, 3))
    return y * x


def _program_clamp_and_mask(lib, x, w):
    y = x * w
    y.clamp_(-0.5, 0.5)
    y.masked_fill_(y < -0.4, 2.0)
    return y


def _program_chain(lib, x, w):
    y = x.clone()
    y += w
    y *= 2
    y[0] -= 1
    y /= w.abs() + 1
    return y


PROGRAMS = {name[len("_program_"):]: f for name, f in list(globals().items()) if name.startswith("_program_")}


# autograd.grad programs: each returns the gradients it asks for, as a tuple.
def _grad_two_inputs(lib, a, b):
    return lib.autograd.grad((a * a * b).sum() + a.exp().sum(), [a, b])


def _grad_nonleaf(lib, a, b):
    h = a * 3
    return lib.autograd.grad((h.sin() * b).sum(), [h, a])


def _grad_weighted_outputs(lib, a, b):
    return lib.autograd.grad(a.tanh() * b, [a], grad_outputs=b * 2)


def _grad_several_outputs(lib, a, b):
    return lib.autograd.grad([a.sum(), (a * b).sum(), (b * b).mean()], [b, a], grad_outputs=[None, None, None])


def _grad_unused_materialized(lib, a, b):
    return lib.autograd.grad((a * 2).sum(), [a, b], allow_unused=True, materialize_grads=True)


def _grad_broadcast_leaf(lib, a, b):
    return lib.autograd.grad((a + b[0]).pow(2).sum(), [b])


def _grad_of_input_itself(lib, a, b):
    return lib.autograd.grad(a, [a], grad_outputs=(b * 2).detach())


GRAD_PROGRAMS = {name[len("_grad_"):]: f for name, f in list(globals().items()) if name.startswith("_grad_")}


def fn_is_integer(fn):
    return fn in ("randint", "randperm")


def random_sequence(lib, attrs):
    """Seeds a generator (or the default one), then draws in order; returns every draw."""
    dtypes = {"float32": lib.float32, "float64": lib.float64, "int64": lib.int64}
    if attrs.get("generator"):
        g = lib.Generator().manual_seed(attrs["seed"])
        extra = {"generator": g}
    else:
        lib.manual_seed(attrs["seed"])
        extra = {}
    outs = []
    for d in attrs["draws"]:
        default = "int64" if fn_is_integer(d["fn"]) else "float32"
        fn, shape, dtype = d["fn"], d.get("shape"), dtypes[d.get("dtype", default)]
        if fn in ("rand", "randn"):
            outs.append(getattr(lib, fn)(shape, dtype=dtype, **extra))
        elif fn == "randint":
            outs.append(lib.randint(d["low"], d["high"], shape, dtype=dtype, **extra))
        elif fn == "randperm":
            outs.append(lib.randperm(d["n"], **extra))
        elif fn == "normal_":
            outs.append(lib.empty(shape, dtype=dtype).normal_(d["mean"], d["std"], **extra))
        elif fn == "uniform_":
            outs.append(lib.empty(shape, dtype=dtype).uniform_(d["low"], d["high"], **extra))
    return outs


def apply_view(t, steps):
    """Sees a base tensor through views, so that ops get non-contiguous inputs."""
    for step in steps:
        kind = step["kind"]
        if kind == "transpose":
            t = t.transpose(step["dim0"], step["dim1"])
        elif kind == "expand":
            t = t.expand(*step["shape"])
        elif kind == "permute":
            t = t.permute(*step["dims"])
        else:
            raise ValueError(f"unknown view step {kind}")
    return t


# ----------------------------------------------------------------- layers
# The layer fixtures run a module whose parameters are the case's input
# tensors (attrs["names"], in order), so gradients land on the inputs.

def _with_parameters(module, names, tensors):
    for name, tensor in zip(names, tensors):
        owner = module
        *path, leaf = name.split(".")
        for part in path:
            owner = getattr(owner, part)
        owner._parameters[leaf] = tensor
    if hasattr(module, "_init_flat_weights"):  # torch caches the RNN weight list
        module._init_flat_weights()
    return module


def _take(args, flags, attrs):
    """Splits optional leading inputs (present when attrs[flag]) from the parameters."""
    taken = []
    args = list(args)
    for flag in flags:
        taken.append(args.pop(0) if attrs[flag] else None)
    return taken, args


def _recurrent(lib, *args):
    attrs = args[-1]
    x, rest = args[0], args[1:-1]
    lstm = attrs["mode"] == "LSTM"
    (h0, c0), weights = _take(rest, ["has_hx", "has_cx"], attrs)
    options = dict(num_layers=attrs["num_layers"], bias=attrs["bias"], batch_first=attrs["batch_first"],
                   bidirectional=attrs["bidirectional"])
    if attrs["mode"] == "LSTM":
        module = lib.nn.LSTM(attrs["input_size"], attrs["hidden_size"], proj_size=attrs.get("proj_size", 0), **options)
    elif attrs["mode"] == "GRU":
        module = lib.nn.GRU(attrs["input_size"], attrs["hidden_size"], **options)
    else:
        module = lib.nn.RNN(attrs["input_size"], attrs["hidden_size"], nonlinearity=attrs["mode"][4:].lower(), **options)
    _with_parameters(module, attrs["names"], weights)
    hx = (h0, c0) if lstm and h0 is not None else h0
    if attrs.get("lengths") is not None:
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, attrs["lengths"], batch_first=attrs["batch_first"],
                                                       enforce_sorted=attrs["enforce_sorted"])
        out, state = module(packed, hx)
        out, _ = lib.nn.utils.rnn.pad_packed_sequence(out, batch_first=attrs["batch_first"])
    else:
        out, state = module(x, hx)
    return (out, *state) if lstm else (out, state)


def _recurrent_cell(lib, *args):
    attrs = args[-1]
    (h0, c0), weights = _take(args[1:-1], ["has_hx", "has_cx"], attrs)
    cls = {"LSTM": lib.nn.LSTMCell, "GRU": lib.nn.GRUCell, "RNN_TANH": lib.nn.RNNCell}[attrs["mode"]]
    module = _with_parameters(cls(attrs["input_size"], attrs["hidden_size"], bias=attrs["bias"]), attrs["names"], weights)
    if attrs["mode"] == "LSTM":
        return tuple(module(args[0], None if h0 is None else (h0, c0)))
    return module(args[0], h0)


def _multihead_attention(lib, *args):
    attrs = args[-1]
    query, key, value = args[:3]
    (padding, mask), weights = _take(args[3:-1], ["has_key_padding_mask", "has_attn_mask"], attrs)
    module = lib.nn.MultiheadAttention(attrs["embed_dim"], attrs["num_heads"], bias=attrs["bias"], kdim=attrs["kdim"],
                                       vdim=attrs["vdim"], batch_first=attrs["batch_first"],
                                       add_bias_kv=attrs.get("add_bias_kv", False),
                                       add_zero_attn=attrs.get("add_zero_attn", False))
    module = _with_parameters(module, attrs["names"], weights).eval()
    out, attention = module(query, key, value, key_padding_mask=padding, attn_mask=mask,
                            need_weights=attrs["need_weights"], average_attn_weights=attrs["average_attn_weights"])
    return (out, attention) if attrs["need_weights"] else out


def _transformer_layer(lib, kind, *args):
    attrs = args[-1]
    inputs = 2 if kind == "decoder" else 1
    (mask, padding), weights = _take(args[inputs:-1], ["has_mask", "has_key_padding_mask"], attrs)
    cls = lib.nn.TransformerDecoderLayer if kind == "decoder" else lib.nn.TransformerEncoderLayer
    module = cls(attrs["d_model"], attrs["nhead"], attrs["dim_feedforward"], dropout=0.0, activation=attrs["activation"],
                 batch_first=attrs["batch_first"], norm_first=attrs["norm_first"])
    module = _with_parameters(module, attrs["names"], weights).eval()
    if kind == "decoder":
        return module(args[0], args[1], tgt_mask=mask, memory_key_padding_mask=padding)
    return module(args[0], src_mask=mask, src_key_padding_mask=padding)
