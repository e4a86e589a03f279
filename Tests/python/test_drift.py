"""The C contract in three places must agree: include/cajal.h, the symbols
libcajal.so exports (nm -D) with the Swift @_cdecl functions behind them, and
the Python declaration table: the same names, and the same signatures (return
type, argument count and each argument's C type)."""

import ctypes
import glob
import os
import re
import subprocess

from cajal import _ffi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def header_functions():
    with open(os.path.join(ROOT, "include", "cajal.h")) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    return set(re.findall(r"\b(cajal_[a-z0-9_]+)\s*\(", text))


def exported_functions():
    out = subprocess.run(["nm", "-D", "--defined-only", _ffi.library_path], capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in out.stdout.splitlines() if line.split()[-1].startswith("cajal_")}


def test_header_exports_and_python_table_agree():
    header, exported, table = header_functions(), exported_functions(), set(_ffi.DECLARATIONS)
    assert header == exported, f"header only: {sorted(header - exported)}; library only: {sorted(exported - header)}"
    assert header == table, f"header only: {sorted(header - table)}; Python table only: {sorted(table - header)}"


def test_every_function_is_documented_in_the_header():
    with open(os.path.join(ROOT, "include", "cajal.h")) as f:
        lines = f.read().splitlines()
    undocumented = []
    for i, line in enumerate(lines):
        match = re.match(r"^[a-z].*\b(cajal_[a-z0-9_]+)\s*\(", line)
        if match and not lines[i - 1].rstrip().endswith("*/"):
            undocumented.append(match.group(1))
    assert not undocumented, f"no comment above: {undocumented}"


def test_api_versions_agree():
    with open(os.path.join(ROOT, "include", "cajal.h")) as f:
        version = int(re.search(r"#define CAJAL_API_VERSION (\d+)", f.read()).group(1))
    assert version == _ffi.API_VERSION == _ffi.lib.cajal_api_version()


def test_status_codes_agree():
    with open(os.path.join(ROOT, "include", "cajal.h")) as f:
        codes = {int(v) for v in re.findall(r"#define CAJAL_ERR_[A-Z_]+ (\d+)", f.read())}
    assert codes == set(_ffi.ERRORS)


# ---------------------------------------------------------------- signatures
#
# Each side's types are reduced to one vocabulary: i32, i64, u64, size, f64,
# char, void, handle (an opaque cajal_* handle), fn (a C callback), and
# ptr<...>. ctypes cannot tell some of these apart (c_size_t is c_uint64; a
# handle is a c_void_p), so the comparison with Python folds them first.

HANDLES = {"cajal_tensor", "cajal_generator", "cajal_archive", "cajal_plan"}
C_SCALARS = {"int": "i32", "int32_t": "i32", "int64_t": "i64", "uint64_t": "u64", "size_t": "size",
             "double": "f64", "char": "char", "void": "void", "cajal_release_fn": "fn(ptr<void>)->void",
             "cajal_gradient_fn": "fn(ptr<void>,handle,ptr<handle>)->i32"}


def c_type(text):
    """'const int64_t *' -> 'ptr<i64>'; 'cajal_tensor' -> 'handle'."""
    text = " ".join(text.replace("*", " * ").replace("const", " ").split())
    if text.endswith("*"):
        return f"ptr<{c_type(text[:-1])}>"
    if text in HANDLES:
        return "handle"
    assert text in C_SCALARS, f"a C type this test does not know: {text!r}"
    return C_SCALARS[text]


def header_signatures():
    with open(os.path.join(ROOT, "include", "cajal.h")) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    # The named constants' types (typedef int32_t cajal_reduction;) are i32.
    for name in re.findall(r"^typedef int32_t (cajal_\w+);", text, flags=re.M):
        C_SCALARS.setdefault(name, "i32")
    signatures = {}
    for result, name, params in re.findall(r"^([a-z][^;(]*?)\b(cajal_[a-z0-9_]+)\s*\(([^)]*)\)\s*;", text, flags=re.M):
        # Drop each parameter's name (the last word), keep its type.
        args = [c_type(re.sub(r"\b[a-z_0-9]+$", "", p.strip())) for p in params.split(",") if p.strip() not in ("", "void")]
        signatures[name] = (c_type(result), args)
    return signatures


SWIFT_SCALARS = {"Int32": "i32", "Int64": "i64", "UInt64": "u64", "Int": "size", "Double": "f64", "CChar": "char",
                 "Void": "void", "OpaquePointer": "handle", "ReleaseFunction": "fn(ptr<void>)->void",
                 "GradientFunction": "fn(ptr<void>,handle,ptr<handle>)->i32",
                 "UnsafeRawPointer": "ptr<void>", "UnsafeMutableRawPointer": "ptr<void>"}
SWIFT_ALIASES = {"TensorOut": "UnsafeMutablePointer<OpaquePointer?>"}


def swift_type(text):
    """'UnsafePointer<Int64>?' -> 'ptr<i64>' (optionality is the C pointer's NULL)."""
    text = SWIFT_ALIASES.get(text.strip().rstrip("?"), text.strip().rstrip("?"))
    match = re.fullmatch(r"Unsafe(?:Mutable)?Pointer<(.+)>", text)
    if match:
        return f"ptr<{swift_type(match.group(1))}>"
    assert text in SWIFT_SCALARS, f"a Swift type this test does not know: {text!r}"
    return SWIFT_SCALARS[text]


def split_top_level(text):
    """Splits Swift parameters at commas outside <...> and (...)."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch in "<(" and 1 or (ch in ">)" and -1 or 0)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [p for p in parts + [current] if p.strip()]


def swift_signatures():
    signatures = {}
    for path in glob.glob(os.path.join(ROOT, "Sources", "CajalC", "**", "*.swift"), recursive=True):
        with open(path) as f:
            text = f.read()
        pattern = r'@_cdecl\("(\w+)"\)\s*public func \w+\((.*?)\)\s*(?:->\s*([^{]+?))?\s*\{'
        for name, params, result in re.findall(pattern, text, flags=re.S):
            args = [swift_type(p.split(":", 1)[1]) for p in split_top_level(params)]
            signatures[name] = (swift_type(result or "Void"), args)
    return signatures


CTYPES_SCALARS = {ctypes.c_int32: "i32", ctypes.c_int64: "i64", ctypes.c_uint64: "u64", ctypes.c_double: "f64",
                  ctypes.c_char_p: "ptr<char>", ctypes.c_void_p: "ptr<void>", ctypes.c_char: "char", None: "void"}


def ctypes_type(t):
    if t in CTYPES_SCALARS:
        return CTYPES_SCALARS[t]
    if isinstance(t, type) and issubclass(t, ctypes._Pointer):
        return f"ptr<{ctypes_type(t._type_)}>"
    if isinstance(t, type) and issubclass(t, ctypes._CFuncPtr):
        # ctypes sees a handle as a void pointer (as_ctypes_sees maps the others alike).
        args = ",".join(ctypes_type(a) for a in t._argtypes_)
        return f"fn({args})->{ctypes_type(t._restype_)}"
    raise AssertionError(f"a ctypes type this test does not know: {t!r}")


def as_ctypes_sees(canonical):
    """What ctypes can tell: size_t is uint64_t, a handle is a void pointer."""
    return canonical.replace("size", "u64").replace("handle", "ptr<void>")


def differences(left, right, fold=lambda t: t):
    return sorted(f"{name}: {left[name]} vs {right[name]}" for name in left.keys() & right.keys()
                  if (fold(left[name][0]), [fold(a) for a in left[name][1]])
                  != (fold(right[name][0]), [fold(a) for a in right[name][1]]))


def test_signatures_agree():
    header, swift = header_signatures(), swift_signatures()
    python = {name: (ctypes_type(result), [ctypes_type(a) for a in args])
              for name, (result, args) in _ffi.DECLARATIONS.items()}
    assert set(header) == set(swift) == set(python) == header_functions()
    assert not differences(header, swift), "header vs Swift @_cdecl:\n" + "\n".join(differences(header, swift))
    assert not differences(header, python, as_ctypes_sees), "header vs Python table:\n" + "\n".join(
        differences(header, python, as_ctypes_sees))


def test_signature_check_sees_a_changed_argument():
    """The comparison itself: one changed argument type, count or result is seen."""
    header = header_signatures()
    name, (result, args) = "cajal_tensor_zeros", header["cajal_tensor_zeros"]
    assert (result, args) == ("i32", ["ptr<i64>", "size", "i32", "ptr<handle>"])
    assert differences(header, {name: (result, ["ptr<i64>", "i64", "i32", "ptr<handle>"])})
    assert differences(header, {name: (result, args[:-1])})
    assert differences(header, {name: ("void", args)})
    assert not differences(header, {name: ("i32", ["ptr<i64>", "u64", "i32", "ptr<ptr<void>>"])}, as_ctypes_sees)


def test_generated_files_are_fresh():
    """include/cajal.h and the ctypes table are what tools/generate.py makes of
    api/*.py: an edit to a generated file, or a declaration not regenerated,
    fails here (fix: make generate)."""
    assert load_generator().stale_files() == [], "stale generated files; run make generate"


# ---------------------------------------------------------------- constants

def load_generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", os.path.join(ROOT, "tools", "generate.py"))
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    return generate


def header_constants():
    """{typedef name: {CONSTANT: code}} for every `typedef int32_t cajal_x;` and the #defines after it."""
    with open(os.path.join(ROOT, "include", "cajal.h")) as f:
        text = f.read()
    groups = {}
    for name, block in re.findall(r"typedef int32_t (cajal_\w+);\n((?:#define \w+ +\d+.*\n)+)", text):
        groups[name] = {constant: int(code) for constant, code in re.findall(r"#define (\w+) +(\d+)", block)}
    return groups


def test_constants_agree_between_header_and_python():
    from cajal import _constants

    groups = header_constants()
    assert len(groups) >= 9, sorted(groups)
    generate = load_generator()
    declared = [item for kind, item in generate.load_api() if kind == "constants"]
    assert sorted(groups) == sorted(c.name for c in declared)
    for constants in declared:
        members = {constants.prefix + m.name: int(m) for m in getattr(_constants, constants.swift)}
        assert members == groups[constants.name], constants.name
        assert sorted(members.values()) == list(range(len(members))), f"{constants.name}: codes must count from 0"


def test_the_engines_enum_of_each_constants_type_has_the_headers_codes_and_torchs_names():
    """A C call with a code outside the enumeration fails before it reads any
    other argument, naming the op, the argument and every code with the
    Swift case's torch name: so this reads the Swift enum back and compares
    it with the header's codes and Python's names."""
    from cajal import _constants

    generate = load_generator()
    items = generate.load_api()
    for constants in [item for kind, item in items if kind == "constants"]:
        users = [f for kind, f in items if kind == "fn" and constants.name in f.enum_types]
        assert users, f"{constants.name} is declared but no function takes it"
        for function in users:
            position, argument = next((i, n) for i, (t, n) in enumerate(function.params) if t == constants.name)
            c_function = getattr(_ffi.lib, function.name)
            args = [None] * len(function.params)
            for i, t in enumerate(_ffi.DECLARATIONS[function.name][1]):
                if t in (ctypes.c_int32, ctypes.c_int64, ctypes.c_size_t, ctypes.c_double, ctypes.c_uint64):
                    args[i] = 0
            for bad in (len(constants.values), -1, 2**31 - 1):
                args[position] = bad
                assert c_function(*args) == 5, function.name  # CAJAL_ERR_VALUE
                message = _ffi.lib.cajal_last_error().decode()
                table = getattr(_constants, generate.name_table(constants.swift))
                accepted = ", ".join(f"{int(member)} ({name})" for name, member in table.items())
                op = generate.op_name(function)
                assert message == f"[{op}] {argument} {bad} is not one of {accepted}", function.name
