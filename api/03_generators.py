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
   swift='writeResult(out) { try generatorOrDefault(generator).initialSeed }', capture="query")

fn("int cajal_generator_get_state(cajal_generator generator, cajal_tensor *out)",
   "A generator's whole state as an int64 tensor of 628 values.",
   swift='newTensor(out) { try Tensor(generatorOrDefault(generator).state) }')

fn("int cajal_generator_set_state(cajal_generator generator, cajal_tensor state)",
   "Restores a state made by cajal_generator_get_state.",
   swift='status { try generatorOrDefault(generator).setState(tensorArgument(state, "state").toArray(Int64.self)) }')

fn("int32_t cajal_get_bernoulli_stream(void)",
   """Where bernoulli_(p) with a number p, and so dropout, draws (a cajal_bernoulli_stream):
CAJAL_BERNOULLI_STREAM_MT19937 unless set otherwise, as torch 2.x draws on every CPU.""",
   swift='RandomFill.bernoulliStream.withLock { $0 }.rawValue')

fn("int cajal_set_bernoulli_stream(cajal_bernoulli_stream stream)",
   """Makes bernoulli_(p) and dropout draw from `stream` from now on (process-wide): to
reproduce a run of an older torch build on an Intel CPU (CAJAL_BERNOULLI_STREAM_MKL).""",
   swift='status { RandomFill.bernoulliStream.withLock { $0 = stream } }', capture="record")

fn("int cajal_tensor_bernoulli_inplace(cajal_tensor tensor, double p, cajal_generator generator)",
   """bernoulli_(p): each element becomes 1 with probability p (in [0, 1]), else 0, drawn
from generator (NULL: the default) as torch draws them. Any dtype.""",
   swift='status { try tensorArgument(tensor).bernoulliInPlace(probability: p, generator: generatorOrDefault(generator)) }')

fn("int cajal_tensor_bernoulli(cajal_tensor probabilities, cajal_generator generator, cajal_tensor *out)",
   """torch.bernoulli: 1 with each element's probability (floating point, in [0, 1]), else 0,
in the probabilities' dtype.""",
   swift='newTensor(out) { try tensorArgument(probabilities, "input").bernoulli(generator: generatorOrDefault(generator)) }')

fn("int cajal_tensor_standard_gamma(cajal_tensor concentration, cajal_generator generator, cajal_tensor *out)",
   """torch._standard_gamma: a Gamma(concentration, 1) sample per element (floating point),
drawn as torch draws them; not differentiable with respect to the concentration.""",
   swift='newTensor(out) { try tensorArgument(concentration, "concentration").standardGamma(generator: generatorOrDefault(generator)) }')

fn("int cajal_tensor_sample_dirichlet(cajal_tensor concentration, cajal_generator generator, cajal_tensor *out)",
   """torch._sample_dirichlet: a Dirichlet sample over the last dim per row of concentrations,
drawn as torch draws them.""",
   swift='newTensor(out) { try tensorArgument(concentration, "concentration").sampleDirichlet(generator: generatorOrDefault(generator)) }')
