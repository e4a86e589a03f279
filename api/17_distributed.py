"""The C API: distributed training over MPI (torch.distributed, backend "mpi").

Run the program under an MPI launcher (mpirun -np 2 ./app, srun --mpi=pmix);
each process is one rank. MPI (Open MPI's libmpi.so.40) is loaded at the
first cajal_dist_* call, so a program that never calls them needs no MPI.
Collectives change their tensors in place on every rank; all ranks must call
them in the same order with tensors of the same size and dtype (checked: a
mismatch fails on every rank). Failures return CAJAL_ERR_* codes, never abort.
"""

section("distributed")

fn("int cajal_dist_init(void)",
   """Joins the job's process group (MPI_Init_thread); a second call does nothing.
Fails with CAJAL_ERR_RUNTIME when MPI cannot be loaded.""",
   swift='status { try Distributed.initialize() }', capture="never")

fn("int32_t cajal_dist_is_initialized(void)",
   "1 between cajal_dist_init and cajal_dist_finalize, else 0.",
   swift='Distributed.isInitialized ? 1 : 0', capture="query")

fn("int32_t cajal_dist_is_available(void)",
   "1 when MPI can be loaded on this machine (loading it), else 0.",
   swift='Distributed.isAvailable ? 1 : 0', capture="query")

fn("int cajal_dist_finalize(void)",
   "Leaves the process group (MPI_Finalize); it cannot be joined again in this process.",
   swift='status { try Distributed.finalize() }', capture="never")

fn("int cajal_dist_rank(int32_t *out)",
   "This process's rank, from 0.",
   swift='writeResult(out) { Int32(try Distributed.rank()) }', capture="query")

fn("int cajal_dist_world_size(int32_t *out)",
   "The number of ranks.",
   swift='writeResult(out) { Int32(try Distributed.worldSize()) }', capture="query")

fn("int cajal_dist_barrier(void)",
   "Returns once every rank has called it.",
   swift='status { try Distributed.barrier() }')

fn("int cajal_dist_all_reduce(cajal_tensor tensor, cajal_reduce_op op)",
   """Reduces the tensor over the ranks, in place on each (float32, float64,
int32 or int64; CAJAL_REDUCE_AVG floating only).""",
   swift='status { try Distributed.allReduce(tensorArgument(tensor), op: op) }')

fn("int cajal_dist_broadcast(cajal_tensor tensor, int32_t src)",
   "Copies rank src's tensor into every rank's, in place (any dtype).",
   swift='status { try Distributed.broadcast(tensorArgument(tensor), source: Int(src)) }')

fn("int cajal_dist_all_gather(cajal_tensor tensor, cajal_tensor *outs, size_t capacity, size_t *count)",
   """Every rank's tensor, in rank order, as new tensors on every rank: outs has
room for capacity handles (at least the world size); *count gets how many were written.""",
   swift='status { try writeTensors(Distributed.allGather(tensorArgument(tensor)), outs, capacity, count) }')

fn("int cajal_dist_reduce_scatter(cajal_tensor output, const cajal_tensor *inputs, size_t count, cajal_reduce_op op)",
   """Reduces the ranks' inputs (count = the world size, each of the output's
shape and dtype) element-wise; inputs[r] reduced lands in rank r's output.""",
   swift='status { try Distributed.reduceScatter(tensorArgument(output, "output"), inputs: tensorList(inputs, count, "inputs"), op: op) }')

fn("int cajal_dist_send(cajal_tensor tensor, int32_t dst, int32_t tag)",
   "Sends the tensor to rank dst (tag 0-32767), blocking until MPI has taken it.",
   swift='status { try Distributed.send(tensorArgument(tensor), destination: Int(dst), tag: Int(tag)) }')

fn("int cajal_dist_recv(cajal_tensor tensor, int32_t src, int32_t tag, int32_t *sender)",
   """Receives into the tensor (its size and dtype must match what was sent) from
rank src, or from any rank when src is -1; *sender gets the rank it came from.""",
   swift='writeResult(sender) { Int32(try Distributed.receive(tensorArgument(tensor), source: src < 0 ? nil : Int(src), tag: Int(tag))) }', capture="never")

fn("int cajal_dist_all_reduce_start(cajal_tensor tensor, cajal_reduce_op op, int64_t *work)",
   """Starts reducing the tensor over the ranks and returns at once with a work
number for cajal_dist_work_wait / cajal_dist_work_test; the result is in the
tensor once done. Keep the tensor unchanged meanwhile. Every started reduction
must be waited for (or tested until done), in the same order on every rank
relative to the other collectives.""",
   swift='writeResult(work) { PendingWorks.add(try Distributed.startAllReduce(tensorArgument(tensor), op: op)) }', capture="never")

fn("int cajal_dist_work_wait(int64_t work)",
   "Blocks until the started reduction has finished; the work number is then spent.",
   swift='''status {
    try PendingWorks.find(work, "work_wait").wait()
    PendingWorks.remove(work)
}''', capture="never")

fn("int cajal_dist_work_test(int64_t work, int32_t *done)",
   """*done gets 1 when the started reduction has finished (the number is then
spent), 0 otherwise; each call lets MPI progress.""",
   swift='''writeResult(done) {
    let finished = try PendingWorks.find(work, "work_test").test()
    if finished { PendingWorks.remove(work) }
    return finished ? 1 : 0
}''', capture="never")
