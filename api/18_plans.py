"""The C API: captured plans.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("plans")

note("""A plan is a recording of the calls this thread makes between
cajal_plan_begin and cajal_plan_end (ops, backward, optimizer steps, in-place
updates, grad-mode changes), which cajal_plan_run repeats with new inputs in
one call. Tensors from before the capture (parameters, optimizer state) are
used by the plan as they are then; the inputs are replaced. A call that
reads tensor values (cajal_tensor_item, cajal_tensor_copy_to, ...) or takes a
callback makes cajal_plan_end fail with CAJAL_ERR_NOT_IMPLEMENTED and the
reason; the calls themselves still ran, so the caller can go on without a plan.
Tensors a recorded call made must be freed before cajal_plan_end unless they
are outputs: one still held would not be updated by a run, so it fails the capture.""")

fn("int cajal_plan_begin(const cajal_tensor *inputs, size_t count)",
   """Starts recording this thread's calls. inputs are the tensors a run
replaces; a run checks that its inputs have their shapes, strides, dtypes and
requires_grad. One capture per thread at a time.""",
   swift='status { try Plans.begin(inputs, count) }', capture="query")

fn("int cajal_plan_end(const cajal_tensor *outputs, size_t count, cajal_plan *out)",
   """Ends the recording and makes a plan whose runs return handles to these
outputs (each an input, a tensor a recorded call made, or one from before).
Fails, making no plan, if a recorded call could not be captured.""",
   swift='writeResult(out) { Handles.hand(try Plans.end(outputs, count), .plan) }', capture="query")

fn("void cajal_plan_abort(void)",
   "Drops this thread's capture, if any, without making a plan (the captured function failed).",
   swift='_ = Plans.finish()', capture="query")

fn("int cajal_plan_run(cajal_plan plan, const cajal_tensor *inputs, size_t ninputs, cajal_tensor *outputs, size_t noutputs)",
   """Repeats the plan's calls on new inputs and writes a new handle for each
output. An input whose shape, strides, dtype or requires_grad differs from the
capture's, or a grad mode that differs, fails with CAJAL_ERR_VALUE before any call runs.""",
   swift='status { try planArgument(plan).run(inputs, ninputs, outputs, noutputs) }')

fn("int cajal_plan_step_count(cajal_plan plan, size_t *out)",
   "How many recorded calls a run of the plan makes.",
   swift='writeResult(out) { try planArgument(plan).steps.count }', capture="query")

fn("void cajal_plan_free(cajal_plan plan)",
   "Releases a plan and the tensors it holds. NULL is a no-op.",
   swift='Handles.release(plan, .plan)')
