#!/usr/bin/env python3
"""Generates the C contract's derived files from one declaration per function.

The declarations live in api/NN_<section>.py, in header order: each
`fn(signature, doc)` is one exported C function, its signature in C and its
doc comment; `note(text)` is a comment between functions; `section(name)`
starts a header section. From them this writes:

  include/cajal.h                   api/header_start.h, the declarations, api/header_end.h
  Sources/CajalC/Generated/*.swift  the @_cdecl export of every function: its C signature in
                                    Swift types around its `swift=` body (the helpers those
                                    bodies call live in Sources/CajalC/*.swift)
  python/cajal/_declarations.py     the ctypes table (restype, argtypes) of every function
  python/cajal/_methods.py          for a declaration with python=[names]: the Tensor method
                                    and torch function under each name, forwarding to it

`python3 tools/generate.py` rewrites them; `--check` only reports the files
that differ (the drift test runs it). Standard library only: building cajal
needs no generator, since the outputs are committed.
"""

import argparse
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER_WIDTH = 120  # a declaration longer than this wraps, aligned after "("


class Function:
    def __init__(self, signature, doc, section, swift, source, python=None):
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

    for path in sorted(glob.glob(os.path.join(ROOT, "api", "[0-9][0-9]_*.py"))):
        source = os.path.splitext(os.path.basename(path))[0]

        def fn(signature, doc, swift, python=None, source=source):
            items.append(("fn", Function(signature, doc, current[0], swift, source, python)))

        with open(path) as f:
            code = compile(f.read(), path, "exec")
        exec(code, {"section": section, "note": note, "fn": fn})
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
    "cajal_release_fn": "RELEASE_FN", "const int64_t *": "SHAPE", "void **": "POINTER(c_void_p)",
    "int32_t *": "POINTER(c_int32)", "int64_t *": "POINTER(c_int64)", "uint64_t *": "POINTER(c_uint64)",
    "size_t *": "POINTER(c_size_t)", "double *": "POINTER(c_double)", "const double *": "POINTER(c_double)",
    "const char **": "POINTER(c_char_p)", "const char *const *": "POINTER(c_char_p)",
}

CTYPES_PREAMBLE = '''"""The ctypes declaration of every function in include/cajal.h.

Generated by tools/generate.py from api/*.py; do not edit.
"""

import ctypes
from ctypes import POINTER, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t, c_uint64, c_void_p

RELEASE_FN = ctypes.CFUNCTYPE(None, c_void_p)  # cajal_release_fn
T = c_void_p  # cajal_tensor
T_OUT = POINTER(c_void_p)  # cajal_tensor *
T_ARRAY = POINTER(c_void_p)  # const cajal_tensor *
SHAPE = POINTER(c_int64)  # const int64_t *

# name: (restype, argtypes). `int` results are status codes.
DECLARATIONS = {'''


def ctypes_of(function, c_type):
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
    "cajal_release_fn": "ReleaseFunction?", "const int64_t *": "UnsafePointer<Int64>?",
    "void **": "UnsafeMutablePointer<UnsafeMutableRawPointer?>?",
    "int32_t *": "UnsafeMutablePointer<Int32>?", "int64_t *": "UnsafeMutablePointer<Int64>?",
    "uint64_t *": "UnsafeMutablePointer<UInt64>?", "size_t *": "UnsafeMutablePointer<Int>?",
    "double *": "UnsafeMutablePointer<Double>?", "const double *": "UnsafePointer<Double>?",
    "const char **": "UnsafeMutablePointer<UnsafePointer<CChar>?>?",
    "const char *const *": "UnsafePointer<UnsafePointer<CChar>?>?",
}


def swift_of(function, c_type):
    if c_type not in SWIFT:
        raise ValueError(f"{function.name}: no Swift type for {c_type!r} (add it to SWIFT in tools/generate.py)")
    return SWIFT[c_type]


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
    body = "\n".join(("    " + l).rstrip() for l in function.swift.split("\n"))
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


# ------------------------------------------------------------------ Python methods

# The signatures whose Python binding is mechanical, and how the method calls
# the C function. A python= on any other signature is an error: its binding
# carries logic and is written by hand.
PYTHON_FORMS = {
    ("int", ("cajal_tensor", "cajal_tensor *")): ("self", "_tensor._call(lib.{name}, self._handle)"),
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
        methods.append(f"    def {first}({params}):\n        \"\"\"{summary}\"\"\"\n"
                       f"        return {call.format(name=item.name)}\n")
        methods.extend(f"    {alias} = {first}\n" for alias in aliases)
        names.extend(item.python)
    torch = "".join(f'    "{n}",\n' for n in names)
    return (METHODS_PREAMBLE + "\n".join(methods) + f"\n\nTORCH_FUNCTIONS = (\n{torch})\n"
            "\n# Last: _tensor subclasses TensorMethods, so it can only load once that exists.\n"
            "from . import _tensor  # noqa: E402\n")


# ------------------------------------------------------------------ main

def outputs():
    items = load_api()
    return {
        os.path.join("include", "cajal.h"): header(items),
        os.path.join("python", "cajal", "_declarations.py"): ctypes_table(items),
        os.path.join("python", "cajal", "_methods.py"): python_methods(items),
        **swift_files(items),
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
