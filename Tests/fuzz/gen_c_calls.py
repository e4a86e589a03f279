"""Writes the call table of the C fuzzer (Tests/fuzz/c_fuzzer.c) from include/cajal.h.

Every function the header declares gets one generated caller that fills each
parameter by its C type: handles from the fuzzer's pools (live, NULL, freed,
of the wrong kind, or garbage), counts and int64s from boundary values,
doubles from nan/inf/huge, arrays and strings from scratch buffers, output
pointers valid or NULL. So the fuzzer follows the header: a new export is
fuzzed the day it is declared.

The buffers are always large enough for any count the library can accept
(every count above the library's list limit is refused before it is read),
so the fuzzer never breaks the contract itself.

usage: python3 Tests/fuzz/gen_c_calls.py include/cajal.h OUT.inc
"""

import re
import sys

# Called by hand in c_fuzzer.c: their arguments must agree with each other
# beyond what the generic fillers know (a borrowed buffer's extent), or they
# change what the rest of the run depends on.
MANUAL = {"cajal_tensor_from_blob", "cajal_set_num_threads", "cajal_tensor_free", "cajal_generator_free",
          "cajal_archive_free", "cajal_plan_free"}
# Never called: they start MPI in the fuzzer's process or wait for another
# rank forever (Tests/c/distributed.c runs them on 2 ranks). The other
# cajal_dist_* functions are fuzzed: before init they must fail cleanly.
BLOCKING = {"cajal_dist_init", "cajal_dist_send", "cajal_dist_recv"}

FILLERS = {
    "cajal_tensor": ("cajal_tensor", "pick_tensor(f)"),
    "cajal_generator": ("cajal_generator", "pick_generator(f)"),
    "cajal_archive": ("cajal_archive", "pick_archive(f)"),
    "const cajal_tensor *": ("const cajal_tensor *", "tensor_list(f)"),
    "cajal_tensor *": ("cajal_tensor *", "tensor_slots(f)"),
    "cajal_generator *": ("cajal_generator *", "generator_out(f)"),
    "cajal_archive *": ("cajal_archive *", "archive_out(f)"),
    "cajal_plan": ("cajal_plan", "pick_plan(f)"),
    "cajal_plan *": ("cajal_plan *", "plan_out(f)"),
    "const int64_t *": ("const int64_t *", "int64_list(f)"),
    "int64_t *": ("int64_t *", "maybe_null(f, f->int64_out)"),
    "const double *": ("const double *", "double_list(f)"),
    "double *": ("double *", "maybe_null(f, f->double_out)"),
    "int32_t *": ("int32_t *", "maybe_null(f, f->int32_out)"),
    "const int32_t *": ("const int32_t *", "maybe_null(f, f->int32_out)"),
    "size_t *": ("size_t *", "maybe_null(f, f->size_out)"),
    "uint64_t *": ("uint64_t *", "maybe_null(f, f->uint64_out)"),
    "void **": ("void **", "maybe_null(f, f->pointer_out)"),
    "const char **": ("const char **", "maybe_null(f, f->string_out)"),
    "const char *": ("const char *", "pick_string(f)"),
    "const char *const *": ("const char *const *", "string_list(f)"),
    "const void *": ("const void *", "maybe_null(f, f->data)"),
    "void *": ("void *", "maybe_null(f, f->data)"),
    "cajal_release_fn": ("cajal_release_fn", "pick_release(f)"),
    "cajal_gradient_fn": ("cajal_gradient_fn", "pick_gradient(f)"),
    "size_t": ("size_t", "pick_count(f)"),
    "int64_t": ("int64_t", "pick_int64(f)"),
    "int32_t": ("int32_t", "pick_int32(f)"),
    "uint64_t": ("uint64_t", "next_random(f)"),
    "double": ("double", "pick_double(f)"),
}

FORMATS = {"size_t": ("%zu", "{}"), "int64_t": ("%lld", "(long long){}"), "int32_t": ("%d", "{}"),
           "uint64_t": ("%llu", "(unsigned long long){}"), "double": ("%g", "{}")}


def prototypes(header):
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    # The named constants' types are int32_t typedefs: fuzz them as int32_t.
    for name in re.findall(r"^typedef int32_t (cajal_\w+);", text, flags=re.M):
        text = re.sub(rf"\b{name}\b(?= \w)", "int32_t", text)
    for ret, name, params in re.findall(r"^([a-z][\w \*]*?)\b(cajal_\w+)\s*\(([^)]*)\);", text, flags=re.M):
        types = []
        for p in params.split(","):
            p = " ".join(p.split())
            if p in ("", "void"):
                continue
            types.append(re.sub(r"\s*\b\w+$", "", p).replace(" *", " *").strip())
        yield ret.strip(), name, types


def caller(ret, name, types):
    lines = [f"static void call_{name}(Fuzz *f) {{"]
    shown, values = [], []
    for i, t in enumerate(types):
        if t not in FILLERS:
            raise SystemExit(f"gen_c_calls.py: no filler for parameter type '{t}' of {name}")
        ctype, fill = FILLERS[t]
        lines.append(f"    {ctype} a{i} = {fill};")
        if t == "cajal_tensor":
            shown.append("%s")
            values.append(f"describe(f, a{i})")
        elif t in FORMATS:
            fmt, expr = FORMATS[t]
            shown.append(fmt)
            values.append(expr.format(f"a{i}"))
        else:
            shown.append("%p")
            values.append(f"(const void *)a{i}")
    fmt = ", ".join(shown)
    args = "".join(", " + v for v in values)
    lines.append(f'    trace(f, "{name}({fmt})"{args});')
    call = f"{name}({', '.join(f'a{i}' for i in range(len(types)))})"
    if ret == "int":
        lines.append(f"    check_status(f, {call});")
    elif ret == "void":
        lines.append(f"    {call};")
    else:
        lines.append(f"    (void){call};")
    lines.append("    after_call(f);")
    lines.append("}")
    return "\n".join(lines)


def main():
    header_path, out_path = sys.argv[1], sys.argv[2]
    with open(header_path) as f:
        functions = [p for p in prototypes(f.read()) if p[1] not in MANUAL | BLOCKING]
    parts = ["/* Generated by Tests/fuzz/gen_c_calls.py from include/cajal.h; do not edit. */"]
    parts += [caller(*p) for p in functions]
    parts.append("static const struct { const char *name; void (*call)(Fuzz *); } GENERATED_CALLS[] = {")
    parts += [f'    {{"{name}", call_{name}}},' for _, name, _ in functions]
    parts.append("};")
    with open(out_path, "w") as f:
        f.write("\n\n".join(parts) + "\n")
    print(f"gen_c_calls.py: {len(functions)} functions -> {out_path}")


if __name__ == "__main__":
    main()
