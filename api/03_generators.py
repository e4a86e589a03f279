"""The C API: generators. Generated files come from this; see tools/generate.py."""

section("generators")

fn("int cajal_generator_new(uint64_t seed, cajal_generator *out)",
   "A new generator seeded with seed. Free it with cajal_generator_free.")

fn("int cajal_generator_default(cajal_generator *out)",
   "A new handle to the default generator (the one cajal_manual_seed seeds).")

fn("void cajal_generator_free(cajal_generator generator)",
   "Releases a generator handle. NULL is a no-op.")

fn("int cajal_generator_manual_seed(cajal_generator generator, uint64_t seed)",
   "Reseeds a generator.")

fn("int cajal_generator_initial_seed(cajal_generator generator, uint64_t *out)",
   "The seed a generator was last seeded with.")

fn("int cajal_generator_get_state(cajal_generator generator, cajal_tensor *out)",
   "A generator's whole state as an int64 tensor of 628 values.")

fn("int cajal_generator_set_state(cajal_generator generator, cajal_tensor state)",
   "Restores a state made by cajal_generator_get_state.")
