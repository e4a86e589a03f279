"""The C API: generators.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("generators")

fn("int cajal_generator_new(uint64_t seed, cajal_generator *out)",
   "A new generator seeded with seed. Free it with cajal_generator_free.",
   swift='writeResult(out) { Handles.hand(Generator(seed: seed), .generator) }')

fn("int cajal_generator_default(cajal_generator *out)",
   "A new handle to the default generator (the one cajal_manual_seed seeds).",
   swift='writeResult(out) { Handles.hand(Generator.default, .generator) }')

fn("void cajal_generator_free(cajal_generator generator)",
   "Releases a generator handle. NULL is a no-op.",
   swift='Handles.release(generator, .generator)')

fn("int cajal_generator_manual_seed(cajal_generator generator, uint64_t seed)",
   "Reseeds a generator.",
   swift='''status {
    try Handles.borrow(generator, .generator, as: Generator.self, "generator").manualSeed(seed)
}''')

fn("int cajal_generator_initial_seed(cajal_generator generator, uint64_t *out)",
   "The seed a generator was last seeded with.",
   swift='writeResult(out) { try generatorOrDefault(generator).initialSeed }')

fn("int cajal_generator_get_state(cajal_generator generator, cajal_tensor *out)",
   "A generator's whole state as an int64 tensor of 628 values.",
   swift='newTensor(out) { try Tensor(generatorOrDefault(generator).state) }')

fn("int cajal_generator_set_state(cajal_generator generator, cajal_tensor state)",
   "Restores a state made by cajal_generator_get_state.",
   swift='status { try generatorOrDefault(generator).setState(tensorArgument(state, "state").toArray(Int64.self)) }')
