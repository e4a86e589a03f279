#!/usr/bin/env python3
"""Generates the C contract's derived files from one declaration per function.

The declarations live in api/NN_<section>.py, in header order: each
`fn(signature, doc)` is one exported C function, its signature in C and its
doc comment; `note(text)` is a comment between functions; `section(name)`
starts a header section. Families declare a function in one line with its
Swift body derived: unary(), binary() (elementwise ops), conv(), max_pool(),
avg_pool() (one per dimensionality) and loss() (tensors, then parameters
under their camelCase labels). From them this writes:

  include/cajal.h                   api/header_start.h, the declarations, api/header_end.h
  Sources/CajalC/Generated/*.swift  the @_cdecl export of every function: its C signature in
                                    Swift types around its `swift=` body (the helpers those
                                    bodies call live in Sources/CajalC/*.swift), preceded by
                                    the recording a captured plan makes of the call
                                    (Sources/CajalC/Plan.swift; fn(..., capture=, lengths=,
                                    capture_check=) where the parameter types do not decide)
  python/cajal/_declarations.py     the ctypes table (restype, argtypes) of every function
  python/cajal/_methods.py          for a declaration with python=[names]: the Tensor method
                                    and torch function under each name, forwarding to it
  Tests/reference/declared_ops.py,  for the ops declared with unary(name, doc, grad=...): the op
  Tests/CajalTests/Generated/       tables of the reference tests (torch's name, the Swift call,
    DeclaredOps.swift               the inputs of its gradient check)
  Sources/<module>/Generated/Constants.swift, python/cajal/_constants.py
                                    each constants() enumeration as a Swift enum and a Python
                                    IntEnum; a C parameter of its type arrives in the Swift
                                    export already converted, or the call fails naming the op
  Sources/CajalNN/Generated/LayerSpecs.swift, python/cajal/nn/_layer_specs.py
                                    from api/layers.py: each layer's parameters and buffers
                                    (names, shapes, initialisation) and submodules, for both fronts

`python3 tools/generate.py` rewrites them; `--check` only reports the files
that differ (the drift test runs it). Standard library only: building cajal
needs no generator, since the outputs are committed.
"""

import argparse
import functools
import glob
import textwrap
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER_WIDTH = 120  # a declaration longer than this wraps, aligned after "("


class Function:
    def __init__(self, signature, doc, section, swift, source, python=None, capture=None, lengths=None,
                 capture_check=None):
        match = re.fullmatch(r"\s*(.+?)\b(cajal_[a-z0-9_]+)\s*\((.*)\)\s*", signature, flags=re.S)
        if not match:
            raise ValueError(f"not a C declaration: {signature!r}")
        self.result = normalize_type(match.group(1))
        self.name = match.group(2)
        self.params = []  # (C type, name)
        for param in match.group(3).split(","):
            param = param.strip()
            if param in ("", "void"):
                continue
            typed = re.fullmatch(r"(.+?)\b([a-z_][a-z0-9_]*)", param)
            if not typed:
                raise ValueError(f"{self.name}: a parameter needs a type and a name: {param!r}")
            self.params.append((normalize_type(typed.group(1)), typed.group(2)))
        self.doc = doc.strip()
        self.section = section
        self.swift = swift.strip("\n")
        self.source = source  # the api file that declares it
        self.python = [python] if isinstance(python, str) else list(python or [])
        self.enums = {}  # parameter name -> Constants, filled in by load_api
        self.reference = None  # unary(): {"name", "method", "grad", "standard_cases"} for the test tables
        self.binary = None  # binary(): {"name", "method", "numbers"}
        self.capture = capture  # how a captured plan treats the call (see capture_kind)
        self.lengths = dict(lengths or {})  # array parameter -> the parameter that gives its length
        self.capture_check = capture_check  # Swift run before recording, which may fail the capture

    @property
    def enum_types(self):
        return {constants.name for constants in self.enums.values()}


class Constants:
    """One enumeration of the C API: an int32_t typedef with #defined codes 0, 1, ..."""

    def __init__(self, name, swift, doc, values, module="CajalCore", prefix=None):
        if not re.fullmatch(r"cajal_[a-z0-9_]+", name):
            raise ValueError(f"not a C type name: {name!r}")
        self.name, self.swift, self.doc, self.module = name, swift, doc.strip(), module
        self.prefix = prefix or "CAJAL_" + name[len("cajal_"):].upper() + "_"
        self.values = []  # (C constant, code, torch's name, doc, Swift case)
        for code, value in enumerate(values):
            suffix, torch_name, text, *case = value
            case = case[0] if case else camel_case(torch_name)
            self.values.append((self.prefix + suffix, code, torch_name, text, case))



def name_table(swift_name):
    """The Python dict from torch's names to a constants type's members:
    CamelCase to SNAKE_CASE, acronyms kept whole (QRMode -> QR_MODE_BY_NAME)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", swift_name).upper() + "_BY_NAME"

def camel_case(name):
    head, *rest = name.lower().split("_")
    return head + "".join(word.capitalize() for word in rest)


def op_name(function):
    """The op a C function's errors name: cajal_nn_mse_loss -> mse_loss, cajal_linalg_norm -> linalg.norm."""
    name = re.sub(r"_v[0-9]+$", "", function.name[len("cajal_"):])
    for prefix, shown in (("nn_", ""), ("tensor_", ""), ("linalg_", "linalg.")):
        if name.startswith(prefix):
            return shown + name[len(prefix):]
    return name


def normalize_type(text):
    """'const int64_t*' -> 'const int64_t *': one spelling per type."""
    text = " ".join(text.replace("*", " * ").split())
    return text.replace("* *", "**").replace("* const", "*const")


def load_api():
    """The items of api/*.py in order: ('section', name), ('note', text), ('fn', Function)."""
    items = []
    current = [None]

    def section(name):
        current[0] = name
        items.append(("section", name))

    def note(text):
        items.append(("note", text.strip()))

    def constants(name, swift, doc, values, module="CajalCore", prefix=None):
        items.append(("constants", Constants(name, swift, doc, values, module, prefix)))

    def unary(name, doc, grad, aliases=(), method=None, standard_cases=False, source=None):
        """An elementwise unary op: Tensor.<method>() in Swift (torch's name in
        camelCase unless given), x.<name>() and torch.<name>(x) in Python.
        grad: the inputs its gradient check draws ("any", "positive",
        "away_from_zero", "unit" for |x| < 1, "above_one" for x > 1), or None;
        its standard fixtures are drawn there too. standard_cases: generate.py draws its
        reference fixtures (declared_unary.json) instead of hand-written cases."""
        if grad not in GRADCHECK_INPUTS:
            raise ValueError(f"unary {name}: grad must be one of {sorted(map(str, GRADCHECK_INPUTS))}")
        method = method or camel_case(name)
        function = Function(f"int cajal_tensor_{name}(cajal_tensor x, cajal_tensor *out)", doc, current[0],
                            f"newTensor(out) {{ try tensorArgument(x).{method}() }}", source, [name, *aliases])
        function.reference = {"name": name, "method": method, "grad": grad, "standard_cases": standard_cases}
        items.append(("fn", function))

    def binary(name, doc, numbers, method=None, source=None):
        """An elementwise binary op: a.<method>(b) in Swift (torch's name in
        camelCase unless given), x.<name>(other) and torch.<name>(input, other)
        in Python. numbers: whether `other` may be a Python number (torch's
        fmod does; its maximum and logical_and take only tensors). Its rows in
        the reference tables come from optable.py's BINARY (declared_ops.BINARY)."""
        method = method or camel_case(name)
        function = Function(f"int cajal_tensor_{name}(cajal_tensor a, cajal_tensor b, cajal_tensor *out)", doc, current[0],
                            f'newTensor(out) {{ try tensorArgument(a, "a").{method}(tensorArgument(b, "b")) }}',
                            source, [name])
        function.binary = {"name": name, "method": method, "numbers": numbers}
        items.append(("fn", function))

    # The spatial families: one declaration per dimensionality, so a 3-d form
    # is one more line. Each calls Tensor.<family><d>d with torch's arguments.
    window_args = ("const int64_t *kernel_size, size_t nkernel, const int64_t *stride, size_t nstride, "
                   "const int64_t *padding, size_t npadding")
    window_swift = ('kernelSize: ints(kernel_size, nkernel, "kernel_size"),\n'
                    '{pad}stride: ints(stride, nstride, "stride"), padding: ints(padding, npadding, "padding")')

    def conv(dims, doc, source=None):
        """cajal_nn_conv<d>d: x (N, C, *spatial) or unbatched, weight (O, C / groups, *kernel)."""
        signature = (f"int cajal_nn_conv{dims}d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride, "
                     "size_t nstride, cajal_conv_padding padding_mode, const int64_t *padding, size_t npadding, "
                     "const int64_t *dilation, size_t ndilation, int64_t groups, cajal_tensor *out)")
        body = f"""newTensor(out) {{
    try Tensor.conv{dims}d(tensorArgument(x, "input"), weight: tensorArgument(weight, "weight"), bias: optionalTensor(bias, "bias"),
                      stride: ints(stride, nstride, "stride"),
                      padding: convolutionPadding(padding_mode, padding, npadding),
                      dilation: ints(dilation, ndilation, "dilation"), groups: Int(groups))
}}"""
        items.append(("fn", Function(signature, doc, current[0], body, source)))

    def max_pool(dims, doc, source=None):
        """cajal_nn_max_pool<d>d: the window maxima and their flat positions in each plane."""
        signature = (f"int cajal_nn_max_pool{dims}d(cajal_tensor x, {window_args}, const int64_t *dilation, "
                     "size_t ndilation, int32_t ceil_mode, cajal_tensor *values, cajal_tensor *indices)")
        pad = " " * 38
        body = f"""status {{
    guard let values, let indices else {{ throw CajalError(.nullArgument, "output pointer is NULL") }}
    let result = try Tensor.maxPool{dims}d(tensorArgument(x, "input"), {window_swift.format(pad=pad)},
{pad}dilation: ints(dilation, ndilation, "dilation"), ceilMode: ceil_mode != 0)
    values.pointee = handle(result.values)
    indices.pointee = handle(result.indices)
}}"""
        items.append(("fn", Function(signature, doc, current[0], body, source)))

    def avg_pool(dims, doc, divisor_override, source=None):
        """cajal_nn_avg_pool<d>d; divisor_override as torch's avg_pool<d>d has it (not in 1-d)."""
        divisor = ", int64_t divisor_override" if divisor_override else ""
        signature = (f"int cajal_nn_avg_pool{dims}d(cajal_tensor x, {window_args}, int32_t ceil_mode, "
                     f"int32_t count_include_pad{divisor}, cajal_tensor *out)")
        pad = " " * 25
        divisor_swift = ", divisorOverride: Int(divisor_override)" if divisor_override else ""
        body = f"""newTensor(out) {{
    try Tensor.avgPool{dims}d(tensorArgument(x, "input"), {window_swift.format(pad=pad)},
{pad}ceilMode: ceil_mode != 0, countIncludePad: count_include_pad != 0{divisor_swift})
}}"""
        items.append(("fn", Function(signature, doc, current[0], body, source)))

    def loss(name, doc, params="cajal_reduction reduction", tensors=("input", "target"), method=None, labels=None,
             source=None):
        """cajal_nn_<name>(<tensors>, <params>, out): Functional.<method>(each tensor, then each param
        under its camelCase label (or labels[param]), in the C order): int32_t flags arrive as Bool,
        cajal_tensor params as optional tensors, the rest as they are."""
        labels = labels or {}
        method = method or camel_case(name)
        arguments = [f'tensorArgument({t}, "{t}")' for t in tensors]
        for param in (p.strip() for p in params.split(",")):
            c_type, param_name = param.rsplit(" ", 1)
            value = {"int32_t": f"{param_name} != 0", "cajal_tensor": f'optionalTensor({param_name}, "{param_name}")',
                     "int64_t": f"Int({param_name})"}.get(c_type, param_name)
            arguments.append(f"{labels.get(param_name, camel_case(param_name))}: {value}")
        signature = (f"int cajal_nn_{name}(" + ", ".join(f"cajal_tensor {t}" for t in tensors) + f", {params}, "
                     "cajal_tensor *out)")
        # One line when it fits, else broken between arguments under the first.
        head = f"    try Functional.{method}("
        lines, line = [], head
        for i, argument in enumerate(arguments):
            piece = argument + (", " if i < len(arguments) - 1 else ")")
            if line != head and len(line + piece.rstrip()) > 120:
                lines.append(line.rstrip())
                line = " " * len(head)
            line += piece
        lines.append(line)
        body = "newTensor(out) {\n" + "\n".join(lines) + "\n}"
        items.append(("fn", Function(signature, doc, current[0], body, source)))

    for path in sorted(glob.glob(os.path.join(ROOT, "api", "[0-9][0-9]_*.py"))):
        source = os.path.splitext(os.path.basename(path))[0]

        def fn(signature, doc, swift, python=None, source=source, capture=None, lengths=None, capture_check=None):
            items.append(("fn", Function(signature, doc, current[0], swift, source, python, capture, lengths,
                                         capture_check)))

        with open(path) as f:
            code = compile(f.read(), path, "exec")
        exec(code, {"section": section, "note": note, "fn": fn, "constants": constants,
                    **{name: functools.partial(template, source=source)
                       for name, template in (("unary", unary), ("binary", binary), ("conv", conv),
                                              ("max_pool", max_pool), ("avg_pool", avg_pool), ("loss", loss))}})
    enums = {item.name: item for kind, item in items if kind == "constants"}
    for kind, item in items:
        if kind == "fn":
            item.enums = {name: enums[t] for t, name in item.params if t in enums}
            if item.enums and item.result != "int":
                raise ValueError(f"{item.name}: a constants parameter needs a status result (int)")
    names = [item.name for kind, item in items if kind == "fn"]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"declared twice: {sorted(duplicates)}")
    return items


# ------------------------------------------------------------------ header

def c_comment(text):
    lines = text.split("\n")
    if len(lines) == 1:
        return f"/* {lines[0]} */"
    return "\n".join([f"/* {lines[0]}"] + [f" * {line}".rstrip() for line in lines[1:-1]] + [f" * {lines[-1]} */"])


def c_declaration(function):
    result = function.result if function.result.endswith("*") else function.result + " "
    head = f"{result}{function.name}("
    params = [f"{t}{'' if t.endswith('*') else ' '}{name}" for t, name in function.params] or ["void"]
    lines, line = [], head
    for i, param in enumerate(params):
        piece = param + (", " if i < len(params) - 1 else ");")
        if len(line) + len(piece.rstrip()) > HEADER_WIDTH and line.strip() != head.strip():
            lines.append(line.rstrip())
            line = " " * len(head)
        line += piece
    lines.append(line)
    return "\n".join(lines)


def section_rule(name):
    return f"/* {'-' * max(4, 72 - len(name))} {name} */"


def header(items):
    with open(os.path.join(ROOT, "api", "header_start.h")) as f:
        out = [f.read().rstrip("\n")]
    for kind, item in items:
        if kind == "section":
            out.append("\n" + section_rule(item))
        elif kind == "note":
            out.append("\n" + c_comment(item))
        elif kind == "constants":
            out.append("\n" + c_comment(item.doc) + f"\ntypedef int32_t {item.name};")
            width = max(len(constant) for constant, *_ in item.values) + 1
            out.extend(f"#define {constant:<{width}}{code} /* {text} */" for constant, code, _, text, _ in item.values)
        else:
            out.append("\n" + c_comment(item.doc) + "\n" + c_declaration(item))
    with open(os.path.join(ROOT, "api", "header_end.h")) as f:
        out.append("\n" + f.read().rstrip("\n"))
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ ctypes

# The ctypes spelling of every C type the header uses; a new type must be added here.
CTYPES = {
    "void": "None", "int": "c_int", "int32_t": "c_int32", "int64_t": "c_int64", "uint64_t": "c_uint64",
    "size_t": "c_size_t", "double": "c_double",
    "const char *": "c_char_p", "const void *": "c_void_p", "void *": "c_void_p",
    "cajal_tensor": "T", "cajal_tensor *": "T_OUT", "const cajal_tensor *": "T_ARRAY",
    "cajal_generator": "c_void_p", "cajal_generator *": "POINTER(c_void_p)",
    "cajal_archive": "c_void_p", "cajal_archive *": "POINTER(c_void_p)",
    "cajal_plan": "c_void_p", "cajal_plan *": "POINTER(c_void_p)",
    "cajal_release_fn": "RELEASE_FN", "cajal_gradient_fn": "GRADIENT_FN", "const int64_t *": "SHAPE", "void **": "POINTER(c_void_p)",
    "int32_t *": "POINTER(c_int32)", "const int32_t *": "POINTER(c_int32)", "int64_t *": "POINTER(c_int64)", "uint64_t *": "POINTER(c_uint64)",
    "size_t *": "POINTER(c_size_t)", "double *": "POINTER(c_double)", "const double *": "POINTER(c_double)",
    "const char **": "POINTER(c_char_p)", "const char *const *": "POINTER(c_char_p)",
}

CTYPES_PREAMBLE = '''"""The ctypes declaration of every function in include/cajal.h.

Generated by tools/generate.py from api/*.py; do not edit.
"""

import ctypes
from ctypes import POINTER, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t, c_uint64, c_void_p

RELEASE_FN = ctypes.CFUNCTYPE(None, c_void_p)  # cajal_release_fn
GRADIENT_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, POINTER(c_void_p))  # cajal_gradient_fn
T = c_void_p  # cajal_tensor
T_OUT = POINTER(c_void_p)  # cajal_tensor *
T_ARRAY = POINTER(c_void_p)  # const cajal_tensor *
SHAPE = POINTER(c_int64)  # const int64_t *

# name: (restype, argtypes). `int` results are status codes.
DECLARATIONS = {'''


def ctypes_of(function, c_type):
    if c_type in function.enum_types:
        return "c_int32"
    if c_type not in CTYPES:
        raise ValueError(f"{function.name}: no ctypes spelling for {c_type!r} (add it to CTYPES in tools/generate.py)")
    return CTYPES[c_type]


def ctypes_table(items):
    out = [CTYPES_PREAMBLE]
    for kind, item in items:
        if kind == "section":
            out.append(f"    # {item}")
        elif kind == "fn":
            args = ", ".join(ctypes_of(item, t) for t, _ in item.params)
            out.append(f'    "{item.name}": ({ctypes_of(item, item.result)}, [{args}]),')
    out.append("}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ Swift

# The Swift type of every C type the header uses; a new type must be added here.
SWIFT = {
    "void": None, "int": "Int32", "int32_t": "Int32", "int64_t": "Int64", "uint64_t": "UInt64",
    "size_t": "Int", "double": "Double",
    "const char *": "UnsafePointer<CChar>?", "const void *": "UnsafeRawPointer?", "void *": "UnsafeMutableRawPointer?",
    "cajal_tensor": "OpaquePointer?", "cajal_tensor *": "TensorOut?", "const cajal_tensor *": "UnsafePointer<OpaquePointer?>?",
    "cajal_generator": "OpaquePointer?", "cajal_generator *": "UnsafeMutablePointer<OpaquePointer?>?",
    "cajal_archive": "OpaquePointer?", "cajal_archive *": "UnsafeMutablePointer<OpaquePointer?>?",
    "cajal_plan": "OpaquePointer?", "cajal_plan *": "UnsafeMutablePointer<OpaquePointer?>?",
    "cajal_release_fn": "ReleaseFunction?", "cajal_gradient_fn": "GradientFunction?", "const int64_t *": "UnsafePointer<Int64>?",
    "void **": "UnsafeMutablePointer<UnsafeMutableRawPointer?>?",
    "int32_t *": "UnsafeMutablePointer<Int32>?", "const int32_t *": "UnsafePointer<Int32>?", "int64_t *": "UnsafeMutablePointer<Int64>?",
    "uint64_t *": "UnsafeMutablePointer<UInt64>?", "size_t *": "UnsafeMutablePointer<Int>?",
    "double *": "UnsafeMutablePointer<Double>?", "const double *": "UnsafePointer<Double>?",
    "const char **": "UnsafeMutablePointer<UnsafePointer<CChar>?>?",
    "const char *const *": "UnsafePointer<UnsafePointer<CChar>?>?",
}


def swift_of(function, c_type):
    if c_type in function.enum_types:
        return "Int32"
    if c_type not in SWIFT:
        raise ValueError(f"{function.name}: no Swift type for {c_type!r} (add it to SWIFT in tools/generate.py)")
    return SWIFT[c_type]


# ------------------------------------------------------------ plan capture

# Parameter types that make a call impossible to repeat from a plan: callbacks,
# raw memory the caller owns, handles the plan cannot follow.
UNCAPTURABLE_TYPES = {"cajal_release_fn", "cajal_gradient_fn", "void *", "void **", "cajal_archive",
                      "cajal_archive *", "cajal_generator *", "const char *const *", "const char **",
                      "cajal_plan", "cajal_plan *"}
SCALAR_TYPES = {"double", "int32_t", "int64_t", "uint64_t", "size_t"}
SCALAR_OUT_TYPES = {"int32_t *", "int64_t *", "size_t *", "double *", "uint64_t *"}
COPIED_TYPES = {"const int64_t *": "Int64", "const double *": "Double", "const int32_t *": "Int32"}


def capture_kind(function):
    """How a captured plan (Sources/CajalC/Plan.swift) treats the call:
    "record": repeated by the plan (ops, in-place updates, setters);
    "query": runs and is not recorded (shape, dtype, library settings);
    "data": reads tensor values, so the capture fails (item, copy_to, and ops
            whose result's shape depends on values: nonzero, masked_select);
    "never": cannot be repeated (callbacks, files), so the capture fails.
    fn(..., capture=) says it where the parameter types do not."""
    if function.capture:
        if function.capture not in ("record", "query", "data", "never"):
            raise ValueError(f"{function.name}: capture={function.capture!r}")
        return function.capture
    if any(t in UNCAPTURABLE_TYPES for t, _ in function.params):
        return "never"
    if function.result != "int":
        return "query"
    counted = {name for (t, name), nxt in zip(function.params, function.params[1:] + [(None, None)])
               if t == "size_t *" and name == "count"}
    if any(t in SCALAR_OUT_TYPES and name not in counted for t, name in function.params):
        raise ValueError(f"{function.name}: returns a value through a pointer; say capture='query' or 'data'")
    return "record"


def array_length(function, index):
    """The parameter that counts the array at `index` (or (parameter, entries per
    item)): lengths= when given, else
    the size_t right after it, else the one right before it, else the next one."""
    t, name = function.params[index]
    if name in function.lengths:
        return function.lengths[name]
    after = function.params[index + 1] if index + 1 < len(function.params) else (None, None)
    before = function.params[index - 1] if index > 0 else (None, None)
    if after[0] == "size_t":
        return after[1]
    if before[0] == "size_t":
        return before[1]
    for t2, name2 in function.params[index + 1:]:
        if t2 == "size_t":
            return name2
    raise ValueError(f"{function.name}: no length for the array {name} (give lengths=)")


def capture_prologue(function):
    """The lines an export runs first while a capture records this thread."""
    kind = capture_kind(function)
    if kind == "query":
        return []
    if kind in ("data", "never"):
        reason = "reads a tensor's values" if kind == "data" else "cannot be repeated by a plan"
        return [f'    PlanTape.active?.fail("{function.name} {reason}")']
    setup, outputs, replay, skip = [], [], {}, set()
    params = function.params
    for i, (t, name) in enumerate(params):
        if name in skip:
            continue
        if t in function.enum_types or t in SCALAR_TYPES or t == "cajal_generator":
            replay[name] = name
        elif t == "cajal_tensor":
            setup.append(f"let {name}Ref = tape.tensor({name})")
            replay[name] = f"run[{name}Ref]"
        elif t == "const cajal_tensor *":
            setup.append(f"let {name}List = tape.tensors({name}, {array_length(function, i)})")
            replay[name] = f"run.tensors({name}List)"
        elif t in COPIED_TYPES or t == "const void *":
            copy = "copyBytes" if t == "const void *" else "copy"
            length = array_length(function, i)
            if isinstance(length, tuple):  # (count, entries per item)
                length = f"{length[0]}, times: {length[1]}"
            setup.append(f"let {name}Copy = tape.{copy}({name}, {length})")
            replay[name] = (f"UnsafeRawPointer({name}Copy.pointer)" if t == "const void *"
                            else f"UnsafePointer({name}Copy.pointer)")
        elif t == "const char *":
            setup.append(f"let {name}Copy = tape.string({name})")
            replay[name] = f"UnsafePointer({name}Copy.pointer)"
        elif t == "cajal_tensor *":
            k = len(outputs)
            following = [p[1] for p in params[i + 1:i + 3]]
            if following == ["capacity", "count"]:
                outputs.append(f".counted({name}, count)")
                replay.update({name: f"run.output({k})", "capacity": f"run.outputCapacity({k})",
                               "count": f"run.outputCount({k})"})
                skip.update(("capacity", "count"))
            elif name in function.lengths:
                outputs.append(f".fixed({name}, {function.lengths[name]})")
                replay[name] = f"run.output({k})"
            else:
                outputs.append(f".single({name})")
                replay[name] = f"run.output({k})"
        else:
            raise ValueError(f"{function.name}: a captured plan cannot record a {t!r} parameter ({name})")
    original = ", ".join(name for _, name in params)
    repeated = ", ".join(replay[name] for _, name in params)
    call, again = f"{function.name}({original})", f"{function.name}({repeated})"
    if function.result != "int":  # a void setter: the plan's steps return a status
        call, again = call + "; return 0", again + "; return 0"
    # The arguments are read after the call succeeded, so that no count is
    # trusted before the library checked it.
    lines = ["    if let tape = PlanTape.active {"]
    head = "return" if function.result == "int" else "_ ="
    lines += [f'        {head} tape.record("{function.name}", outputs: [{", ".join(outputs)}]) {{',
              f"            {call}",
              "        } replay: {"]
    if function.capture_check:
        lines.append(f"            {function.capture_check}")
    lines += [f"            {line}" for line in setup]
    lines += [f"            return {{ run in {again} }}", "        }"]
    if function.result != "int":
        lines.append("        return")
    lines.append("    }")
    return lines


def swift_export(function):
    params = [f"_ {name}: {swift_of(function, t)}" for t, name in function.params]
    result = swift_of(function, function.result)
    tail = f" -> {result} {{" if result else " {"
    head = f"public func {function.name}("
    lines, line = [], head
    for i, param in enumerate(params):
        piece = param + (", " if i < len(params) - 1 else "")
        if len(line) + len(piece.rstrip()) > HEADER_WIDTH and line.strip() != head.strip():
            lines.append(line.rstrip())
            line = " " * len(head)
        line += piece
    lines.append(line + ")" + tail)
    prologue = capture_prologue(function)
    lines += prologue
    # A constants parameter is shadowed by its Swift enum case before the body runs.
    for name, constants in function.enums.items():
        lines.append(f"    guard let {name} = {constants.swift}(rawValue: {name}) else {{ "
                     f'return invalidConstant({constants.swift}.self, {name}, "{op_name(function)}", "{name}") }}')
    # After that guard, the body (one expression) needs its return spelled out.
    swift = "return " + function.swift if (function.enums or prologue) and function.result != "void" else function.swift
    body = "\n".join(("    " + l).rstrip() for l in swift.split("\n"))
    return f'@_cdecl("{function.name}")\n' + "\n".join(lines) + "\n" + body + "\n}"


def swift_files(items):
    files = {}
    for kind, item in items:
        if kind == "fn":
            files.setdefault(item.source, []).append(item)
    out = {}
    for source, functions in files.items():
        text = (f"// Generated by tools/generate.py from api/{source}.py; do not edit.\n\n"
                "import Cajal\nimport Glibc\n\n" + "\n\n".join(swift_export(f) for f in functions) + "\n")
        out[os.path.join("Sources", "CajalC", "Generated", f"{source}.swift")] = text
    return out


# ------------------------------------------------------------------ constants

SWIFT_ENUM = '''/// {doc} C: {c_name}.
public enum {swift}: Int32, CaseIterable, Sendable, CustomStringConvertible {{
{cases}

    /// torch's name for it.
    public var name: String {{
        switch self {{
{names}
        }}
    }}

    public var description: String {{ name }}

    /// The case torch calls `name`.
    public init?(name: String) {{
        guard let match = Self.allCases.first(where: {{ $0.name == name }}) else {{ return nil }}
        self = match
    }}
}}'''


def swift_constants(items):
    modules = {}
    for kind, item in items:
        if kind == "constants":
            modules.setdefault(item.module, []).append(item)
    out = {}
    for module, enums in modules.items():
        parts = []
        for enum in enums:
            cases = "\n".join(f"    /// {text}\n    case {case} = {code}" for _, code, _, text, case in enum.values)
            names = "\n".join(f'        case .{case}: return "{name}"' for _, _, name, _, case in enum.values)
            parts.append(SWIFT_ENUM.format(doc=enum.doc, c_name=enum.name, swift=enum.swift, cases=cases, names=names))
        text = "// Generated by tools/generate.py from api/00_constants.py; do not edit.\n\n" + "\n\n".join(parts) + "\n"
        out[os.path.join("Sources", module, "Generated", "Constants.swift")] = text
    return out


PYTHON_CONSTANTS_PREAMBLE = '''"""The C API's named constants: an IntEnum per enumeration, and torch's names for its members.

Generated by tools/generate.py from api/00_constants.py; do not edit.
"""

import enum
'''


def python_constants(items):
    out = [PYTHON_CONSTANTS_PREAMBLE]
    for kind, item in items:
        if kind != "constants":
            continue
        members = "\n".join(f"    {constant[len(item.prefix):]} = {code}  # {text}"
                            for constant, code, _, text, _ in item.values)
        names = "".join(f'    "{name}": {item.swift}.{constant[len(item.prefix):]},\n'
                        for constant, _, name, _, _ in item.values)
        table = name_table(item.swift)
        out.append(f'\nclass {item.swift}(enum.IntEnum):\n    """{item.doc} C: {item.name}."""\n\n{members}\n\n\n'
                   f"{table} = {{  # torch's name -> member\n{names}}}\n")
    return "\n".join(out)


# ------------------------------------------------------------------ Python methods

# The signatures whose Python binding is mechanical, and how the method calls
# the C function. A python= on any other signature is an error: its binding
# carries logic and is written by hand.
PYTHON_FORMS = {
    ("int", ("cajal_tensor", "cajal_tensor *")): ("self", "_tensor._call(lib.{name}, self._handle)"),
    # binary(): other is a tensor, or with numbers=True also a Python number.
    ("int", ("cajal_tensor", "cajal_tensor", "cajal_tensor *")):
        ("self, other", "_tensor._binary(lib.{name}, self, other, {tensor_only})"),
}

METHODS_PREAMBLE = '''"""Tensor methods and torch functions that only forward to one C call.

Generated by tools/generate.py from the python= of the declarations in
api/*.py; do not edit. Tensor inherits TensorMethods; torch.<name>(input)
calls the method for every name in TORCH_FUNCTIONS.
"""

from ._ffi import lib


class TensorMethods:
    __slots__ = ()  # Tensor's own slots stay the only storage

'''


# The unary ops torch has no in-place form of (x.isnan_() does not exist).
WITHOUT_IN_PLACE_FORM = {"isnan", "isinf", "isfinite"}


def python_methods(items):
    methods, names = [], []
    for kind, item in items:
        if kind != "fn" or not item.python:
            continue
        form = (item.result, tuple(t for t, _ in item.params))
        if form not in PYTHON_FORMS or item.params[-1][1] != "out":
            raise ValueError(f"{item.name}: python= needs a mechanical signature ({sorted(PYTHON_FORMS)}), "
                             f"not {form}; write its binding by hand")
        params, call = PYTHON_FORMS[form]
        first, *aliases = item.python
        summary = item.doc.split("\n")[0].replace('"', "'")
        tensor_only = repr(first) if item.binary and not item.binary["numbers"] else None
        methods.append(f"    def {first}({params}):\n        \"\"\"{summary}\"\"\"\n"
                       f"        return {call.format(name=item.name, tensor_only=tensor_only)}\n")
        methods.extend(f"    {alias} = {first}\n" for alias in aliases)
        if item.reference and first not in WITHOUT_IN_PLACE_FORM:
            # torch's in-place form, x.exp_(): computed out of place, then made x's value and history.
            methods.append(f"    def {first}_(self):\n        \"\"\"In place: {summary}\"\"\"\n"
                           f"        return _tensor._in_place(self, {first!r})\n")
            methods.extend(f"    {alias}_ = {first}_\n" for alias in aliases)
        names.extend(item.python)
    torch = "".join(f'    "{n}",\n' for n in names)
    return (METHODS_PREAMBLE + "\n".join(methods) + f"\n\nTORCH_FUNCTIONS = (\n{torch})\n"
            "\n# Last: _tensor subclasses TensorMethods, so it can only load once that exists.\n"
            "from . import _tensor  # noqa: E402\n")


# ------------------------------------------------------------------ reference-test tables

GRADCHECK_INPUTS = {"any": "any", "positive": "positive", "away_from_zero": "awayFromZero", "unit": "unit",
                    "above_one": "aboveOne", None: None}

DECLARED_OPS_PY = '''"""The elementwise unary ops declared with unary() in api/, for the reference tests.

Generated by tools/generate.py; do not edit. UNARY maps torch's name to the
inputs its gradient is checked on ("any", "positive", "away_from_zero", "unit"
(|x| < 1), "above_one" (x > 1); None
for ops that are not differentiable or piecewise constant). optable.py runs
each as x.<name>() on torch and on cajal; STANDARD_CASES are the ops whose
fixtures generate.py draws itself (declared_unary.json), from an RNG of each
op's own.
"""

UNARY = {
'''

DECLARED_OPS_SWIFT = '''// Generated by tools/generate.py from the unary() declarations in api/; do not edit.

import Cajal

/// The inputs a gradient check draws (GradcheckTests.gradcheck).
enum GradcheckInputs: Sendable { case any, positive, awayFromZero, unit, aboveOne }

/// Every elementwise unary op declared with unary() in api/: torch's name,
/// the Swift call, and the inputs its gradient is checked on (nil: none).
/// ReferenceTests runs the calls on the fixtures; GradcheckTests checks them.
let declaredUnaryOps: [(name: String, call: (Tensor) throws -> Tensor, gradcheck: GradcheckInputs?)] = [
'''


def reference_tables(items):
    unary = [item for kind, item in items if kind == "fn" and item.reference]
    py = DECLARED_OPS_PY + "".join(f'    "{f.reference["name"]}": {f.reference["grad"]!r},\n' for f in unary) + "}\n"
    standard = [f.reference["name"] for f in unary if f.reference["standard_cases"]]
    py += "\nSTANDARD_CASES = [" + ", ".join(f'"{n}"' for n in standard) + "]\n"
    binary = [item.binary["name"] for kind, item in items if kind == "fn" and item.binary]
    py += "\n# The elementwise binary ops declared with binary(): optable.py runs a.<name>(b).\nBINARY = [" + \
        ", ".join(f'"{n}"' for n in binary) + "]\n"
    swift = DECLARED_OPS_SWIFT + "".join(
        f'    ("{f.reference["name"]}", {{ try $0.{f.reference["method"]}() }}, '
        f'{"." + GRADCHECK_INPUTS[f.reference["grad"]] if f.reference["grad"] else "nil"}),\n' for f in unary) + "]\n"
    swift += ("\n/// Every elementwise binary op declared with binary() in api/: torch's name and the Swift call.\n"
              "let declaredBinaryOps: [(name: String, call: (Tensor, Tensor) throws -> Tensor)] = [\n" +
              "".join(f'    ("{item.binary["name"]}", {{ try $0.{item.binary["method"]}($1) }}),\n'
                      for kind, item in items if kind == "fn" and item.binary) + "]\n")
    return {
        os.path.join("Tests", "reference", "declared_ops.py"): py,
        os.path.join("Tests", "CajalTests", "Generated", "DeclaredOps.swift"): swift,
    }


# ------------------------------------------------------------------ layer specifications

LAYER_INITS = {"fan_in_uniform": "fanInUniform", "xavier_uniform": "xavierUniform", "normal": "normal",
               "ones": "ones", "zeros": "zeros"}


def load_layers():
    """api/layers.py: each layer(name, doc, args, tensors, children) as a dict."""
    layers = []

    def tensor(name, shape, init, when=None, buffer=False, dtype=None):
        if not (init in LAYER_INITS or re.fullmatch(r"inverse_sqrt_uniform\(\w+\)", init)):
            raise ValueError(f"tensor {name}: unknown init {init!r}")
        if dtype not in (None, "int64"):
            raise ValueError(f"tensor {name}: dtype must be None or 'int64'")
        return {"name": name, "shape": shape, "init": init, "when": when, "buffer": buffer, "dtype": dtype}

    def child(name, kind):
        return {"name": name, "kind": kind}

    def layer(name, doc, args, tensors=(), children=()):
        parsed = []
        for arg in args:
            arg_name, arg_type = (part.strip() for part in arg.split(":"))
            if arg_type not in ("int", "bool", "[int]"):
                raise ValueError(f"layer {name}: argument {arg_name} has unknown type {arg_type}")
            parsed.append((arg_name, arg_type))
        layers.append({"name": name, "doc": doc, "args": parsed, "tensors": list(tensors), "children": list(children)})

    path = os.path.join(ROOT, "api", "layers.py")
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), {"layer": layer, "tensor": tensor, "child": child})
    return layers


def swift_expression(text):
    """A Python expression over snake_case names as Swift: camelCase, / for //, && || !."""
    text = text.replace("//", "/")
    text = re.sub(r"\band\b", "&&", text)
    text = re.sub(r"\bor\b", "||", text)
    text = re.sub(r"\bnot\s+", "!", text)
    return re.sub(r"[a-z_][a-z0-9_]*", lambda m: camel_case(m.group(0)), text)


def swift_shape(shape):
    plain, spliced = [], []
    for term in shape:
        (spliced if term.startswith("*") else plain).append(term.lstrip("*"))
    if len(spliced) > 1 or (spliced and not shape[-1].startswith("*")):
        raise ValueError(f"shape {shape}: only one '*name', at the end")
    if spliced and not plain:
        return camel_case(spliced[0])
    text = "[" + ", ".join(swift_expression(t) for t in plain) + "]"
    return text + (f" + {camel_case(spliced[0])}" if spliced else "")


def swift_init(init):
    match = re.fullmatch(r"inverse_sqrt_uniform\((\w+)\)", init)
    return f".inverseSqrtUniform({camel_case(match.group(1))})" if match else "." + LAYER_INITS[init]


def layer_specs_swift(layers):
    types = {"int": "Int", "bool": "Bool", "[int]": "[Int]"}
    out = ["// Generated by tools/generate.py from api/layers.py; do not edit.", "", "import CajalRuntime", "",
           "/// The layers' tensors (in registration order) and submodules, as api/layers.py declares them.",
           "enum LayerSpec {"]
    for layer in layers:
        params = ", ".join(f"{camel_case(n)}: {types[t]}" for n, t in layer["args"])
        name = camel_case(layer["name"])
        if layer["tensors"]:
            out += ["    /// " + line for line in textwrap.wrap(layer["doc"], 108)]
            out.append(f"    static func {name}({params}) -> [LayerTensor] {{")
            out.append("        [")
            for t in layer["tensors"]:
                present = swift_expression(t["when"]) if t["when"] else "true"
                extra = (", buffer: true" if t["buffer"] else "") + (", dtype: .int64" if t["dtype"] else "")
                out.append(f'            LayerTensor(name: "{t["name"]}", shape: {swift_shape(t["shape"])},\n'
                           f'                        initializer: {swift_init(t["init"])}, present: {present}{extra}),')
            out.append("        ]")
            out.append("    }")
            out.append("")
        if layer["children"]:
            children = ", ".join(f'("{c["name"]}", "{c["kind"]}")' for c in layer["children"])
            doc = "Its" if layer["tensors"] else layer["doc"].rstrip(".") + ":"
            out.append(f"    /// {doc} submodules (name, kind) in construction order.")
            out.append(f"    static let {name}Children: [(name: String, kind: String)] = [{children}]")
            out.append("")
    if out[-1] == "":
        out.pop()
    out.append("}")
    return "\n".join(out) + "\n"


def python_init(init):
    match = re.fullmatch(r"inverse_sqrt_uniform\((\w+)\)", init)
    return f'("inverse_sqrt_uniform", {match.group(1)})' if match else f'("{init}",)'


def layer_specs_python(layers):
    out = ['"""The layers\' tensors and submodules, generated by tools/generate.py from api/layers.py; do not edit.',
           "",
           "Each function returns a layer's tensors in registration order; CHILDREN lists",
           'each layer\'s submodules (name, kind) in construction order. nn/_layer_build.py',
           'registers and initialises them."""',
           "",
           "from collections import namedtuple",
           "",
           "# init: (kind,) or (kind, n); dtype: None for the layer's dtype, or 'int64'.",
           'LayerTensor = namedtuple("LayerTensor", "name shape init present buffer dtype")',
           ""]
    for layer in layers:
        if not layer["tensors"]:
            continue
        params = ", ".join(n for n, _ in layer["args"])
        doc = textwrap.fill(layer["doc"], 112, initial_indent='    """', subsequent_indent="    ") + '"""'
        out += ["", f"def {layer['name']}({params}):", doc, "    return ["]
        for t in layer["tensors"]:
            shape = "(" + ", ".join(t["shape"]) + ("," if len(t["shape"]) == 1 else "") + ")"
            present = f"bool({t['when']})" if t["when"] else "True"
            dtype = f'"{t["dtype"]}"' if t["dtype"] else "None"
            out.append(f'        LayerTensor("{t["name"]}", {shape}, {python_init(t["init"])}, {present}, '
                       f'{t["buffer"]}, {dtype}),')
        out.append("    ]")
        out.append("")
    out += ["", "CHILDREN = {"]
    for layer in layers:
        if layer["children"]:
            children = ", ".join(f'("{c["name"]}", "{c["kind"]}")' for c in layer["children"])
            out.append(f'    "{layer["name"]}": ({children},),')
    out.append("}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ main

def outputs():
    items = load_api()
    layers = load_layers()
    return {
        os.path.join("include", "cajal.h"): header(items),
        os.path.join("python", "cajal", "_declarations.py"): ctypes_table(items),
        os.path.join("python", "cajal", "_methods.py"): python_methods(items),
        os.path.join("python", "cajal", "_constants.py"): python_constants(items),
        **swift_files(items),
        **swift_constants(items),
        **reference_tables(items),
        os.path.join("Sources", "CajalNN", "Generated", "LayerSpecs.swift"): layer_specs_swift(layers),
        os.path.join("python", "cajal", "nn", "_layer_specs.py"): layer_specs_python(layers),
    }


def stale_files():
    stale = []
    for path, text in outputs().items():
        full = os.path.join(ROOT, path)
        if not os.path.exists(full) or open(full).read() != text:
            stale.append(path)
    return stale


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report files that differ from the declarations; write nothing")
    args = parser.parse_args()
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"stale: {path} (run make generate)")
        return 1 if stale else 0
    for path, text in outputs().items():
        full = os.path.join(ROOT, path)
        if not os.path.exists(full) or open(full).read() != text:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
