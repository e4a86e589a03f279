"""The C API: autograd.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("autograd")

fn("int cajal_tensor_requires_grad(cajal_tensor tensor, int32_t *out)",
   "Whether the tensor requires grad: 1 or 0.",
   swift='writeResult(out) { try tensorArgument(tensor).requiresGrad ? 1 : 0 }')

fn("int cajal_tensor_set_requires_grad(cajal_tensor tensor, int32_t requires_grad)",
   """Sets requires_grad on a leaf tensor (requires_grad_). Only floating-point
tensors can require grad; a computed tensor cannot be set to 0.""",
   swift='status { try tensorArgument(tensor).setRequiresGrad(requires_grad != 0) }')

fn("int cajal_tensor_is_leaf(cajal_tensor tensor, int32_t *out)",
   "Whether the tensor is a leaf of the graph (not computed by a recorded op): 1 or 0.",
   swift='writeResult(out) { try tensorArgument(tensor).isLeaf ? 1 : 0 }')

fn("int cajal_tensor_grad(cajal_tensor tensor, cajal_tensor *out)",
   "The accumulated gradient as a new handle, or *out = NULL when there is none.",
   swift='writeResult(out) { try tensorArgument(tensor).grad.map(handle) }')

fn("int cajal_tensor_set_grad(cajal_tensor tensor, cajal_tensor grad)",
   """Replaces the gradient; grad may be NULL to clear it, and must otherwise have
the tensor's shape and dtype.""",
   swift='status { try tensorArgument(tensor).setGrad(grad.map { try tensorArgument($0, "grad") }) }')

fn("int cajal_tensor_grad_fn_name(cajal_tensor tensor, const char **out)",
   """The name of the op that made the tensor, e.g. "AddBackward0", or *out = NULL
for a leaf. The string is owned by the library and lives as long as the process.""",
   swift='writeResult(out) { try tensorArgument(tensor).gradFn.flatMap { interned($0.name) } }')

fn("int cajal_tensor_retain_grad(cajal_tensor tensor)",
   "Keeps .grad for a non-leaf tensor after backward (retain_grad).",
   swift='status { try tensorArgument(tensor).retainGrad() }')

fn("int cajal_tensor_backward(cajal_tensor tensor, cajal_tensor gradient, int32_t retain_graph)",
   """Backpropagates from tensor. gradient may be NULL for a one-element tensor;
otherwise it must have the tensor's shape. Without retain_graph the saved
values of the graph are freed, and a second backward through it fails.""",
   swift='''status {
    try tensorArgument(tensor).backward(gradient: gradient.map { try tensorArgument($0, "gradient") }, retainGraph: retain_graph != 0)
}''')

fn("int cajal_autograd_backward(const cajal_tensor *outputs, size_t count, const cajal_tensor *gradients, int32_t retain_graph)",
   """torch.autograd.backward: accumulates into every leaf's .grad the gradient of
sum(outputs[i] * gradients[i]). gradients may be NULL, or hold NULLs, for one-element outputs.""",
   swift='''status {
    try Tensor.backward(tensorList(outputs, count, "outputs"), gradients: optionalTensorList(gradients, count, "gradients"),
                        retainGraph: retain_graph != 0)
}''')

fn("int cajal_autograd_grad(const cajal_tensor *outputs, size_t noutputs, const cajal_tensor *grad_outputs, const cajal_tensor *inputs, size_t ninputs, int32_t retain_graph, int32_t allow_unused, cajal_tensor *results)",
   """torch.autograd.grad: writes to results[0..ninputs) new tensors holding the gradient of
sum(outputs[i] * grad_outputs[i]) with respect to each input, leaving .grad untouched. grad_outputs
may be NULL, or hold NULLs, for one-element outputs. An input the outputs do not depend on is an
error, or a NULL result when allow_unused is nonzero. On error no result is written.""",
   swift='''status {
    guard let results else { throw CajalError(.nullArgument, "results array is NULL") }
    let grads = try Tensor.gradients(of: tensorList(outputs, noutputs, "outputs"),
                                     withRespectTo: tensorList(inputs, ninputs, "inputs"),
                                     gradOutputs: optionalTensorList(grad_outputs, noutputs, "grad_outputs"),
                                     retainGraph: retain_graph != 0, allowUnused: allow_unused != 0)
    for (i, grad) in grads.enumerated() { results[i] = grad.map(handle) }
}''')

fn("int cajal_tensor_detach(cajal_tensor tensor, cajal_tensor *out)",
   "A new tensor sharing memory, cut out of the graph.",
   swift='newTensor(out) { try tensorArgument(tensor).detach() }',
   python='detach')
