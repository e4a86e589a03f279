"""The C API: autograd.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("autograd")

fn("int cajal_tensor_requires_grad(cajal_tensor tensor, int32_t *out)",
   "Whether the tensor requires grad: 1 or 0.",
   swift='writeResult(out) { try tensorArgument(tensor).requiresGrad ? 1 : 0 }', capture="query")

fn("int cajal_tensor_set_requires_grad(cajal_tensor tensor, int32_t requires_grad)",
   """Sets requires_grad on a leaf tensor (requires_grad_). Only floating-point
tensors can require grad; a computed tensor cannot be set to 0.""",
   swift='status { try tensorArgument(tensor).setRequiresGrad(requires_grad != 0) }')

fn("int cajal_tensor_is_leaf(cajal_tensor tensor, int32_t *out)",
   "Whether the tensor is a leaf of the graph (not computed by a recorded op): 1 or 0.",
   swift='writeResult(out) { try tensorArgument(tensor).isLeaf ? 1 : 0 }', capture="query")

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
   swift='writeResult(out) { try tensorArgument(tensor).gradFn.flatMap { interned($0.name) } }', capture="query")

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
}''', lengths={"results": "ninputs"})

fn("int cajal_autograd_backward_ex(const cajal_tensor *outputs, size_t count, const cajal_tensor *gradients, int32_t retain_graph, int32_t create_graph, const cajal_tensor *inputs, size_t ninputs)",
   """cajal_autograd_backward with torch's other two options. With create_graph, the
backward is itself recorded, so the gradients it accumulates can be differentiated
again (higher-order gradients); the graph is then retained. With ninputs > 0, only
inputs[0..ninputs) (leaves or not) accumulate into .grad.""",
   swift='''status {
    try Tensor.backward(tensorList(outputs, count, "outputs"), gradients: optionalTensorList(gradients, count, "gradients"),
                        retainGraph: retain_graph != 0, createGraph: create_graph != 0,
                        inputs: ninputs == 0 ? nil : tensorList(inputs, ninputs, "inputs"))
}''')

fn("int cajal_autograd_grad_ex(const cajal_tensor *outputs, size_t noutputs, const cajal_tensor *grad_outputs, const cajal_tensor *inputs, size_t ninputs, int32_t retain_graph, int32_t create_graph, int32_t allow_unused, cajal_tensor *results)",
   """cajal_autograd_grad with create_graph: the gradients are computed by recorded
ops, so they have a history and can be differentiated again (gradient penalties,
Hessian-vector products). grad_outputs may then require grad themselves.""",
   swift='''status {
    guard let results else { throw CajalError(.nullArgument, "results array is NULL") }
    let grads = try Tensor.gradients(of: tensorList(outputs, noutputs, "outputs"),
                                     withRespectTo: tensorList(inputs, ninputs, "inputs"),
                                     gradOutputs: optionalTensorList(grad_outputs, noutputs, "grad_outputs"),
                                     retainGraph: retain_graph != 0, createGraph: create_graph != 0, allowUnused: allow_unused != 0)
    for (i, grad) in grads.enumerated() { results[i] = grad.map(handle) }
}''', lengths={"results": "ninputs"})

fn("int cajal_tensor_register_hook(cajal_tensor tensor, cajal_gradient_fn hook, void *context, cajal_release_fn release, int64_t *id)",
   """Tensor.register_hook: hook(context, grad, results) runs each time a gradient for
the tensor is computed, before it is accumulated into .grad (a leaf) or passed
on (a non-leaf); writing a tensor of the same shape to results[0] replaces the
gradient. The tensor must require grad. *id removes the hook again;
release(context), if not NULL, runs when the hook is removed or the tensor
(or its node) is freed. On error, release is not called.""",
   swift='''writeResult(id) {
    guard let hook else { throw CajalError(.nullArgument, "[register_hook] hook is NULL") }
    let target = try tensorArgument(tensor)
    guard target.requiresGrad else {
        throw CajalError.runtime("[register_hook] cannot register a hook on a tensor that doesn't require gradient")
    }
    let token = ReleaseToken(release, context)  // made last: a failed call must not release
    return Int64(try target.registerHook({ grad in
        _ = token
        return try callGradientFunction(hook, context, grad, count: 1, name: "register_hook")[0]
    }))
}''')

fn("int cajal_tensor_remove_hook(cajal_tensor tensor, int64_t id)",
   "Removes a hook added by cajal_tensor_register_hook; an id already removed is ignored.",
   swift='status { try tensorArgument(tensor).removeHook(Int(id)) }')

fn("int cajal_autograd_function(cajal_tensor output, const cajal_tensor *inputs, size_t ninputs, const char *name, cajal_gradient_fn backward, void *context, cajal_release_fn release, int32_t once_differentiable, cajal_tensor *out)",
   """torch.autograd.Function: *out is a new tensor with output's values whose history
is one node named name over inputs[0..ninputs). In backward, backward(context,
grad, results) writes one gradient (or NULL) per input; each is checked against
its input's shape. Nothing is recorded when grad mode is off, no input requires
grad or output is not floating point. release(context) runs when the node is
freed (at once when none was recorded; not at all when this call fails). With
once_differentiable, the backward is not itself recorded under create_graph, and
differentiating its result fails.""",
   swift='''newTensor(out) {
    guard let backward else { throw CajalError(.nullArgument, "[autograd.Function] backward callback is NULL") }
    let (value, sources, label) = (try tensorArgument(output, "output"), try tensorList(inputs, ninputs, "inputs"),
                                   try stringArgument(name, "name"))
    return Tensor.recordingFunction(output: value, inputs: sources, name: label, twiceDifferentiable: once_differentiable == 0,
                                    onRelease: { release?(context) }) { grad in
        try callGradientFunction(backward, context, grad, count: sources.count, name: label)
    }
}''')

fn("int cajal_tensor_share(cajal_tensor tensor, cajal_tensor *out)",
   """A second handle to the same tensor (not a view: the same object, with its
history and .grad), to be freed on its own.""",
   swift='newTensor(out) { try tensorArgument(tensor) }')

fn("int cajal_tensor_detach(cajal_tensor tensor, cajal_tensor *out)",
   "A new tensor sharing memory, cut out of the graph.",
   swift='newTensor(out) { try tensorArgument(tensor).detach() }',
   python='detach')
