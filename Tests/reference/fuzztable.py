"""Random op calls, valid and invalid, for the fuzz fixture.

generate.py draws the calls with `draw_call(rng)` and records what real torch
does with each (the result, or the exception class); Tests/python/test_fuzz.py
replays every call with cajal in one process and holds it to the same outcome.
`run(lib, call, tensors)` is the one place a call becomes an op on a torch-like
module, so both sides execute exactly the same code.
"""

from optable import decode_index

DTYPES = ["float32", "float32", "float32", "float64", "int64", "bool"]
UNARY = ["neg", "abs", "sign", "exp", "expm1", "log", "log1p", "log2", "sqrt", "rsqrt", "sin", "cos", "tanh",
         "sigmoid", "relu", "erf", "floor", "ceil", "round", "trunc", "reciprocal", "isnan", "isinf", "isfinite",
         "logical_not", "square", "float", "double", "long", "bool", "clone", "contiguous", "t", "nonzero", "flatten"]
BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "fmod", "remainder", "eq", "ne", "lt", "le", "gt",
          "ge", "logical_and", "logical_or", "logical_xor", "floor_divide", "matmul", "where"]
REDUCE = ["sum", "mean", "prod", "amax", "amin", "all", "any", "var", "std", "logsumexp", "norm", "argmax", "argmin",
          "max", "min", "cumsum", "cumprod", "softmax_like_sort"]
SHAPE = ["view", "reshape", "transpose", "permute", "squeeze", "unsqueeze", "expand", "flip", "roll", "narrow",
         "select", "split", "chunk", "unbind", "repeat", "tril", "triu", "movedim", "diagonal", "diag", "unflatten"]
INDEXING = ["getitem", "setitem", "index_select", "gather", "scatter", "scatter_add", "masked_fill", "masked_select",
            "topk", "sort", "one_hot", "cat", "stack", "clamp", "einsum", "outer", "dot"]


def _shape(rng, max_rank=3, max_size=4):
    rank = int(rng.integers(0, max_rank + 1))
    return [int(rng.integers(0, max_size + 1)) if rng.random() < 0.08 else int(rng.integers(1, max_size + 1))
            for _ in range(rank)]


def _tensor(rng, shape=None, dtype=None):
    dtype = dtype or str(rng.choice(DTYPES))
    shape = _shape(rng) if shape is None else shape
    n = 1
    for s in shape:
        n *= s
    if dtype in ("float32", "float64"):
        values = rng.uniform(-3.0, 3.0, size=n)
        # Specials now and then: the edges are where kernels differ.
        for i in range(n):
            if rng.random() < 0.03:
                values[i] = float(rng.choice([0.0, -0.0, float("inf"), float("-inf"), float("nan")]))
        values = [float(v) for v in values.astype("float32")]
    elif dtype == "int64":
        values = [int(v) for v in rng.integers(-5, 6, size=n)]
    else:
        values = [bool(v) for v in rng.random(size=n) < 0.5]
    return {"dtype": dtype, "shape": shape, "data": values}


def _dim(rng, rank):
    """Mostly a valid dim (negative too), sometimes out of range."""
    if rng.random() < 0.15:
        return int(rng.choice([rank, -rank - 1, rank + 2]))
    if rank == 0:
        return int(rng.choice([0, -1]))
    return int(rng.integers(-rank, rank))


def _related_shape(rng, shape):
    """A shape that broadcasts with `shape` most of the time."""
    r = rng.random()
    if r < 0.35:
        return list(shape)
    if r < 0.7:
        return [1 if rng.random() < 0.4 else s for s in shape][int(rng.integers(0, len(shape) + 1)):]
    if r < 0.85:
        return _shape(rng)
    return [1] + list(shape)


def draw_call(rng):
    """One random call: {"op", "inputs": [tensor specs], "args": {...}}."""
    family = rng.choice(["unary", "binary", "binary", "reduce", "shape", "shape", "indexing", "indexing"])
    x = _tensor(rng)
    rank = len(x["shape"])
    if family == "unary":
        return {"op": str(rng.choice(UNARY)), "inputs": [x], "args": {}}
    if family == "binary":
        op = str(rng.choice(BINARY))
        if op == "matmul":
            k = int(rng.integers(1, 4))
            a = _tensor(rng, shape=_shape(rng, 3)[:int(rng.integers(0, 3))] + [int(rng.integers(1, 4)), k])
            b_shape = [k, int(rng.integers(1, 4))] if rng.random() < 0.8 else _shape(rng)
            b = _tensor(rng, shape=b_shape, dtype=a["dtype"] if rng.random() < 0.9 else None)
            return {"op": op, "inputs": [a, b], "args": {}}
        y = _tensor(rng, shape=_related_shape(rng, x["shape"]))
        inputs = [x, y]
        if op == "where":
            inputs = [_tensor(rng, shape=_related_shape(rng, x["shape"]), dtype="bool"), x, y]
        scalar = None
        if op != "where" and rng.random() < 0.25:
            scalar = float(rng.choice([2.0, -1.5, 0.0, 3.0])) if rng.random() < 0.5 else int(rng.choice([2, -1, 0, 3]))
            inputs = [x]
        return {"op": op, "inputs": inputs, "args": {"scalar": scalar}}
    if family == "reduce":
        op = str(rng.choice(REDUCE))
        args = {"keepdim": bool(rng.random() < 0.3)}
        r = rng.random()
        if r < 0.3:
            args["dim"] = None
        elif r < 0.8:
            args["dim"] = _dim(rng, rank)
        else:
            args["dim"] = [_dim(rng, rank) for _ in range(int(rng.integers(1, 3)))]
        return {"op": op, "inputs": [x], "args": args}
    if family == "shape":
        op = str(rng.choice(SHAPE))
        n = 1
        for s in x["shape"]:
            n *= s
        args = {"dim": _dim(rng, rank), "dim2": _dim(rng, rank)}
        if op in ("view", "reshape"):
            candidates = [[n], [-1], [1, n], [n, 1], [-1, 1], [2, -1], [3, -1], [-1, -1], [n + 1], [0, -1]]
            args["shape"] = candidates[int(rng.integers(0, len(candidates)))]
            if rng.random() < 0.3:
                x = {**x, "view": "transpose"}
        elif op == "permute":
            perm = [int(v) for v in rng.permutation(rank)]
            if rng.random() < 0.2 and perm:
                perm[0] = perm[-1]
            args["dims"] = perm
        elif op == "expand":
            args["shape"] = [int(rng.choice([s, -1, 3, 2])) if s == 1 else int(rng.choice([s, s, -1, s + 1])) for s in x["shape"]]
            if rng.random() < 0.3:
                args["shape"] = [2] + args["shape"]
        elif op in ("narrow",):
            args["start"] = int(rng.integers(-3, 4))
            args["length"] = int(rng.integers(-1, 4))
        elif op == "select":
            args["index"] = int(rng.integers(-4, 5))
        elif op in ("split", "chunk"):
            args["size"] = int(rng.integers(0, 4))
        elif op == "repeat":
            args["repeats"] = [int(rng.integers(0, 3)) for _ in range(int(rng.integers(max(rank - 1, 0), rank + 2)))]
        elif op in ("tril", "triu", "diag", "diagonal"):
            args["k"] = int(rng.integers(-3, 4))
        elif op == "roll":
            args["shift"] = int(rng.integers(-5, 6))
        elif op == "unflatten":
            size = x["shape"][args["dim"]] if -rank <= args["dim"] < rank else 4
            options = [[size], [1, size], [-1, 1], [2, -1], [size, 2], [-1, -1]]
            args["sizes"] = options[int(rng.integers(0, len(options)))]
        return {"op": op, "inputs": [x], "args": args}

    op = str(rng.choice(INDEXING))
    args = {"dim": _dim(rng, rank)}
    inputs = [x]
    if op in ("getitem", "setitem"):
        items = []
        for _ in range(int(rng.integers(1, rank + 2))):
            r = rng.random()
            if r < 0.35:
                items.append(["int", int(rng.integers(-5, 5))])
            elif r < 0.65:
                items.append(["slice", *[None if rng.random() < 0.4 else int(rng.integers(-4, 5)) for _ in range(2)],
                              int(rng.choice([1, 1, 2, 3, 0, -1]))])
            elif r < 0.72:
                items.append(["none"])
            elif r < 0.78:
                items.append(["ellipsis"])
            elif r < 0.9:
                items.append(["list", [int(v) for v in rng.integers(-4, 4, size=int(rng.integers(0, 4)))]])
            else:
                items.append(["mask"])
                inputs.append(_tensor(rng, shape=x["shape"][:1] if rank else [], dtype="bool"))
        args["index"] = items
        if op == "setitem":
            args["value"] = float(rng.choice([0.5, -2.0, 7.0]))
    elif op in ("index_select", "gather", "scatter", "scatter_add"):
        n = int(rng.integers(0, 4))
        if op == "index_select":
            inputs.append(_tensor(rng, shape=[n], dtype="int64"))
        else:
            index_shape = [max(s - int(rng.integers(0, 2)), 0) for s in x["shape"]] if rng.random() < 0.8 else _shape(rng)
            index = _tensor(rng, shape=index_shape, dtype="int64")
            index["data"] = [int(v) for v in rng.integers(-1, 4, size=len(index["data"]))]
            inputs.append(index)
            if op != "gather":
                inputs.append(_tensor(rng, shape=list(index_shape), dtype=x["dtype"] if rng.random() < 0.9 else None))
    elif op == "masked_fill":
        inputs.append(_tensor(rng, shape=_related_shape(rng, x["shape"]), dtype="bool"))
        args["value"] = float(rng.choice([0.0, -1.0, 2.5]))
    elif op == "masked_select":
        inputs.append(_tensor(rng, shape=_related_shape(rng, x["shape"]), dtype="bool"))
    elif op in ("topk",):
        args["k"] = int(rng.integers(-1, 5))
        args["largest"] = bool(rng.random() < 0.5)
    elif op == "sort":
        args["descending"] = bool(rng.random() < 0.5)
    elif op == "one_hot":
        inputs = [_tensor(rng, shape=x["shape"], dtype="int64" if rng.random() < 0.85 else None)]
        inputs[0]["data"] = [abs(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in inputs[0]["data"]]
        args["num_classes"] = int(rng.choice([-1, 3, 6, 0]))
    elif op in ("cat", "stack"):
        inputs.append(_tensor(rng, shape=_related_shape(rng, x["shape"]), dtype=x["dtype"] if rng.random() < 0.8 else None))
    elif op == "clamp":
        args["min"] = None if rng.random() < 0.3 else float(rng.uniform(-2, 1))
        args["max"] = None if rng.random() < 0.3 else float(rng.uniform(-1, 2))
    elif op == "einsum":
        options = ["ij,jk->ik", "ii->i", "ij->ji", "i,i->", "...i->...", "bij,bjk->bik", "ij", "i,j->ij", "ij,ij->i"]
        args["equation"] = options[int(rng.integers(0, len(options)))]
        if "," in args["equation"]:
            inputs.append(_tensor(rng, shape=_related_shape(rng, x["shape"]), dtype=x["dtype"]))
    elif op in ("outer", "dot"):
        inputs.append(_tensor(rng, shape=_related_shape(rng, x["shape"]), dtype=x["dtype"]))
    return {"op": op, "inputs": inputs, "args": args}


def _index(lib, spec, masks):
    """The Python index of a drawn spec: its ["mask"] items stand for the
    call's mask tensors in order, as optable's ["tensor", k] items do."""
    masks_seen = iter(range(len(spec)))
    numbered = [["tensor", next(masks_seen)] if item[0] == "mask" else item for item in spec]
    return decode_index(numbered, list(masks))


def run(lib, call, tensors):
    """Executes one call on `lib` (torch or cajal); tensors are its inputs."""
    op, args = call["op"], call["args"]
    x = tensors[0]
    if call["inputs"][0].get("view") == "transpose" and x.dim() >= 2:
        x = x.transpose(0, 1)
    if op in UNARY:
        return getattr(x, op)()
    if op in BINARY:
        scalar = args.get("scalar")
        if op == "where":
            return lib.where(*tensors)
        other = scalar if scalar is not None and len(tensors) == 1 else tensors[1]
        return getattr(x, op)(other)
    if op in REDUCE:
        dim, keepdim = args["dim"], args["keepdim"]
        if op == "softmax_like_sort":
            return x.sort(dim=dim if isinstance(dim, int) else -1)[0]
        if op in ("cumsum", "cumprod"):
            return getattr(x, op)(dim if isinstance(dim, int) else 0)
        if op in ("argmax", "argmin", "max", "min", "logsumexp") and isinstance(dim, list):
            dim = dim[0]
        if op == "logsumexp" and dim is None:
            dim = 0
        if dim is None:
            return getattr(x, op)()
        result = getattr(x, op)(dim, keepdim=keepdim)
        return tuple(result) if op in ("max", "min") else result
    d, d2 = args.get("dim"), args.get("dim2")
    if op == "view":
        return x.view(args["shape"])
    if op == "reshape":
        return x.reshape(args["shape"])
    if op == "transpose":
        return x.transpose(d, d2)
    if op == "permute":
        return x.permute(args["dims"])
    if op == "squeeze":
        return x.squeeze(d)
    if op == "unsqueeze":
        return x.unsqueeze(d)
    if op == "expand":
        return x.expand(args["shape"])
    if op == "flip":
        return x.flip([d])
    if op == "roll":
        return x.roll(args["shift"], d)
    if op == "narrow":
        return x.narrow(d, args["start"], args["length"])
    if op == "select":
        return x.select(d, args["index"])
    if op == "split":
        return tuple(x.split(args["size"], d))
    if op == "chunk":
        return tuple(x.chunk(args["size"], d))
    if op == "unbind":
        return tuple(x.unbind(d))
    if op == "repeat":
        return x.repeat(*args["repeats"])
    if op in ("tril", "triu", "diag"):
        return getattr(x, op)(args["k"])
    if op == "diagonal":
        return x.diagonal(args["k"], d, d2)
    if op == "movedim":
        return x.movedim(d, d2)
    if op == "unflatten":
        return x.unflatten(d, args["sizes"])
    if op == "getitem":
        return x[_index(lib, args["index"], tensors[1:])]
    if op == "setitem":
        y = x.clone()
        y[_index(lib, args["index"], tensors[1:])] = args["value"]
        return y
    if op == "index_select":
        return x.index_select(d, tensors[1])
    if op == "gather":
        return x.gather(d, tensors[1])
    if op in ("scatter", "scatter_add"):
        return getattr(x, op)(d, tensors[1], tensors[2])
    if op == "masked_fill":
        return x.masked_fill(tensors[1], args["value"])
    if op == "masked_select":
        return x.masked_select(tensors[1])
    if op == "topk":
        return tuple(x.topk(args["k"], d, largest=args["largest"]))
    if op == "sort":
        return tuple(x.sort(dim=d, descending=args["descending"], stable=True))
    if op == "one_hot":
        return lib.nn.functional.one_hot(x, args["num_classes"])
    if op in ("cat", "stack"):
        return getattr(lib, op)([x, tensors[1]], d)
    if op == "clamp":
        return x.clamp(args["min"], args["max"])
    if op == "einsum":
        return lib.einsum(args["equation"], *tensors)
    if op in ("outer", "dot"):
        return getattr(lib, op)(x, tensors[1])
    raise KeyError(op)
