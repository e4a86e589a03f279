"""The C API: in-place. Generated files come from this; see tools/generate.py."""

section("in-place")

note("""In-place ops write into the tensor's memory. other is broadcast to its shape.
They fail on a leaf that requires grad while grad mode is on.""")

fn("int cajal_tensor_add_inplace(cajal_tensor self, cajal_tensor other)",
   "self += other")

fn("int cajal_tensor_sub_inplace(cajal_tensor self, cajal_tensor other)",
   "self -= other")

fn("int cajal_tensor_mul_inplace(cajal_tensor self, cajal_tensor other)",
   "self *= other")

fn("int cajal_tensor_div_inplace(cajal_tensor self, cajal_tensor other)",
   "self /= other")

fn("int cajal_tensor_copy_inplace(cajal_tensor self, cajal_tensor src)",
   "Copies src (broadcast to the tensor's shape, converted to its dtype) into it.")

fn("int cajal_tensor_clamp_inplace(cajal_tensor self, cajal_tensor low, cajal_tensor high)",
   "Limits the values to [low, high] in place; either bound may be NULL (not both).")

fn("int cajal_tensor_masked_fill_inplace(cajal_tensor self, cajal_tensor mask, cajal_tensor value)",
   "Sets the 0-dim value where the bool mask is true, in place.")

fn("int cajal_tensor_normal_inplace(cajal_tensor self, double mean, double std, cajal_generator generator)",
   "Fills with normal samples (torch's draw order) from generator, or the default one when NULL.")

fn("int cajal_tensor_uniform_inplace(cajal_tensor self, double low, double high, cajal_generator generator)",
   "Fills with uniform samples in [low, high) from generator, or the default one when NULL.")

fn("int cajal_tensor_fill_inplace(cajal_tensor self, double value)",
   "Sets every element to value.")
