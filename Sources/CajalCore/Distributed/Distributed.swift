import CCajalPlatform
import CajalRuntime
import Glibc

/// Collectives across the processes of an MPI job (`mpirun -np N`, `srun`),
/// torch.distributed's "mpi" backend. MPI is loaded at the first call
/// (Sources/CCajalPlatform/mpi.c); every failure is a CajalError, never an
/// abort by cajal. Tensors are changed in place, any size, contiguous or not
/// (a strided tensor goes through a contiguous copy). Reductions take
/// float32, float64, int32 and int64; broadcast, all-gather and point-to-point
/// move any dtype as bytes.
///
/// Before each collective the ranks compare element counts and dtypes (one
/// small all-reduce), so a mismatch is an error on every rank rather than
/// MPI's undefined behaviour or a hang.
public enum Distributed {
    /// Joins the job's process group (MPI_Init_thread), once per process.
    /// Unless CAJAL_NUM_THREADS says otherwise, the ranks on one machine then
    /// share its cores: each runs cores / local ranks kernel threads (the
    /// launcher's OMPI_COMM_WORLD_LOCAL_SIZE, or Slurm's SLURM_NTASKS_PER_NODE),
    /// as torchrun lowers each process's threads; oversubscribed spinning
    /// workers would make N ranks slower than one.
    public static func initialize() throws {
        try check(cajal_mpi_init(), "init_process_group")
        guard getenv("CAJAL_NUM_THREADS") == nil else { return }
        for variable in ["OMPI_COMM_WORLD_LOCAL_SIZE", "SLURM_NTASKS_PER_NODE"] {
            if let text = getenv(variable), let ranks = Int(String(cString: text)), ranks > 1 {
                threadCount = Swift.max(1, Parallel.coreCount / ranks)
                return
            }
        }
    }

    /// Whether the process group is up (initialised and not yet finalised).
    public static var isInitialized: Bool { cajal_mpi_is_initialized() != 0 }

    /// Whether MPI can be loaded on this machine.
    public static var isAvailable: Bool { cajal_mpi_available() != 0 }

    /// Leaves the process group (MPI_Finalize); MPI cannot be initialised again.
    public static func finalize() throws {
        try requireInitialized("destroy_process_group")
        try check(cajal_mpi_finalize(), "destroy_process_group")
    }

    public static func rank() throws -> Int {
        try requireInitialized("get_rank")
        var rank: Int32 = 0
        try check(cajal_mpi_rank(&rank), "get_rank")
        return Int(rank)
    }

    public static func worldSize() throws -> Int {
        try requireInitialized("get_world_size")
        var size: Int32 = 0
        try check(cajal_mpi_size(&size), "get_world_size")
        return Int(size)
    }

    public static func barrier() throws {
        try requireInitialized("barrier")
        try check(cajal_mpi_barrier(), "barrier")
    }

    /// Reduces `tensor` over every rank, in place on each (average: the sum
    /// divided by the world size, floating types only).
    public static func allReduce(_ tensor: Tensor, op: ReduceOperation = .sum) throws {
        let name = "all_reduce"
        try requireInitialized(name)
        let code = try reductionType(tensor.dtype, op: op, name)
        try checkWritable(tensor, name)
        try agree(count: tensor.count, dtype: tensor.dtype, name)
        try inContiguousMemory(tensor) { pointer in
            try chunks(tensor.count, itemSize: tensor.dtype.itemSize) { offset, count in
                try check(cajal_mpi_allreduce(pointer + offset, count, code, mpiOperation(op)), name)
            }
        }
        if op == .average {
            try GradMode.withDisabled { try tensor.divInPlace(Tensor.full([], value: Double(worldSize()), dtype: tensor.dtype)) }
        }
    }

    /// Starts an all-reduce of `tensor` and returns at once; the result is in
    /// `tensor` after `wait()` (or a `test()` that says done). MPI moves the
    /// data while the caller computes, as far as its progress allows (each
    /// test() drives it). DDP starts one per bucket during the backward.
    public static func startAllReduce(_ tensor: Tensor, op: ReduceOperation = .sum) throws -> PendingReduction {
        let name = "all_reduce"
        try requireInitialized(name)
        let code = try reductionType(tensor.dtype, op: op, name)
        try checkWritable(tensor, name)
        guard tensor.count <= Int(Int32.max) else {
            throw CajalError.value("[\(name)] an asynchronous all-reduce takes at most \(Int32.max) elements, got \(tensor.count)")
        }
        try agree(count: tensor.count, dtype: tensor.dtype, name)
        let buffer = try tensor.isContiguous ? tensor : tensor.materialized()
        var request: UnsafeMutableRawPointer? = nil
        try check(cajal_mpi_iallreduce(buffer.dataPointer, Int32(tensor.count), code, mpiOperation(op), &request), name)
        return PendingReduction(tensor: tensor, buffer: buffer, request: request, average: op == .average,
                                worldSize: try worldSize())
    }

    /// Copies rank `source`'s tensor into every other rank's, in place.
    public static func broadcast(_ tensor: Tensor, source: Int) throws {
        let name = "broadcast"
        try requireInitialized(name)
        try checkRank(source, "src", name)
        try checkWritable(tensor, name)
        try agree(count: tensor.count, dtype: tensor.dtype, name)
        try inContiguousMemory(tensor) { pointer in
            try chunks(tensor.count * tensor.dtype.itemSize, itemSize: 1) { offset, count in
                try check(cajal_mpi_bcast(pointer + offset, count, Int32(CAJAL_MPI_UINT8), Int32(source)), name)
            }
        }
    }

    /// Every rank's tensor, in rank order, on every rank (new contiguous tensors).
    public static func allGather(_ tensor: Tensor) throws -> [Tensor] {
        let name = "all_gather"
        try requireInitialized(name)
        try agree(count: tensor.count, dtype: tensor.dtype, name)
        let size = try worldSize()
        let bytes = tensor.count * tensor.dtype.itemSize
        let gathered = try Tensor(uninitializedShape: [size] + tensor.shape, dtype: tensor.dtype, op: name)
        let input = try tensor.isContiguous ? tensor : tensor.materialized()
        if bytes <= Int(Int32.max) {
            try check(cajal_mpi_allgather(input.dataPointer, gathered.dataPointer, Int32(bytes), Int32(CAJAL_MPI_UINT8)), name)
        } else {
            // Above MPI's int count: each rank's block goes out by broadcast from its owner.
            for owner in 0..<size {
                let block = gathered.dataPointer + owner * bytes
                if owner == (try rank()) { block.copyMemory(from: input.dataPointer, byteCount: bytes) }
                try chunks(bytes, itemSize: 1) { offset, count in
                    try check(cajal_mpi_bcast(block + offset, count, Int32(CAJAL_MPI_UINT8), Int32(owner)), name)
                }
            }
        }
        return try gathered.unbind(dim: 0).map { try $0.detach() }
    }

    /// Reduces the ranks' `inputs` element-wise, list entry r landing in rank
    /// r's `output` (torch.distributed.reduce_scatter).
    public static func reduceScatter(_ output: Tensor, inputs: [Tensor], op: ReduceOperation = .sum) throws {
        let name = "reduce_scatter"
        try requireInitialized(name)
        let size = try worldSize()
        guard inputs.count == size else {
            throw CajalError.value("[\(name)] input_list must hold world_size (\(size)) tensors, got \(inputs.count)")
        }
        for (i, input) in inputs.enumerated() where input.shape != output.shape || input.dtype != output.dtype {
            throw CajalError.value("[\(name)] input_list[\(i)] has shape \(shapeString(input.shape)) and dtype \(input.dtype.torchName); the output has \(shapeString(output.shape)) and \(output.dtype.torchName)")
        }
        let code = try reductionType(output.dtype, op: op, name)
        try checkWritable(output, name)
        try agree(count: output.count, dtype: output.dtype, name)
        let send = try Tensor.stack(inputs.map { try $0.detach() }, dim: 0).materialized()
        let count = output.count
        if count > Int(Int32.max) {
            throw CajalError.value("[\(name)] tensors of more than \(Int32.max) elements are not supported; split them")
        }
        try inContiguousMemory(output) { pointer in
            try check(cajal_mpi_reduce_scatter_block(send.dataPointer, pointer, Int32(count), code, mpiOperation(op)), name)
        }
        if op == .average {
            try GradMode.withDisabled { try output.divInPlace(Tensor.full([], value: Double(size), dtype: output.dtype)) }
        }
    }

    /// Sends `tensor` to rank `destination` (blocking until MPI has taken it).
    public static func send(_ tensor: Tensor, destination: Int, tag: Int = 0) throws {
        let name = "send"
        try requireInitialized(name)
        try checkRank(destination, "dst", name)
        try checkTag(tag, name)
        let input = try tensor.isContiguous ? tensor : tensor.materialized()
        let bytes = tensor.count * tensor.dtype.itemSize
        guard bytes <= Int(Int32.max) else {
            throw CajalError.value("[\(name)] tensors of more than \(Int32.max) bytes are not supported; split them")
        }
        try check(cajal_mpi_send(input.dataPointer, Int32(bytes), Int32(CAJAL_MPI_UINT8), Int32(destination), Int32(tag)), name)
    }

    /// Receives into `tensor` from rank `source` (nil: any rank); returns the sender's rank.
    @discardableResult
    public static func receive(_ tensor: Tensor, source: Int?, tag: Int = 0) throws -> Int {
        let name = "recv"
        try requireInitialized(name)
        if let source { try checkRank(source, "src", name) }
        try checkTag(tag, name)
        try checkWritable(tensor, name)
        let bytes = tensor.count * tensor.dtype.itemSize
        guard bytes <= Int(Int32.max) else {
            throw CajalError.value("[\(name)] tensors of more than \(Int32.max) bytes are not supported; split them")
        }
        var received: Int32 = 0, sender: Int32 = -1
        try inContiguousMemory(tensor) { pointer in
            try check(cajal_mpi_recv(pointer, Int32(bytes), Int32(CAJAL_MPI_UINT8), Int32(source ?? -1), Int32(tag),
                                     &received, &sender), name)
        }
        guard Int(received) == bytes else {
            throw CajalError.runtime("[\(name)] expected \(bytes) bytes (\(shapeString(tensor.shape)) \(tensor.dtype.torchName)), received \(received)")
        }
        return Int(sender)
    }

    // MARK: - checks and plumbing

    fileprivate static func checkStatus(_ code: Int32, _ name: String) throws { try check(code, name) }

    private static func requireInitialized(_ name: String) throws {
        guard isInitialized else {
            if !isAvailable { throw CajalError.runtime("[\(name)] \(String(cString: cajal_mpi_load_error()))") }
            throw CajalError.runtime("[\(name)] Default process group has not been initialized, please make sure to call init_process_group.")
        }
    }

    private static func check(_ code: Int32, _ name: String) throws {
        switch code {
        case 0: return
        case -1: throw CajalError.runtime("[\(name)] \(String(cString: cajal_mpi_load_error()))")
        case -2: throw CajalError.runtime("[\(name)] MPI was finalized (destroy_process_group) and cannot be initialized again in this process")
        case -3: throw CajalError.value("[\(name)] unsupported dtype or reduction")
        default:
            var text = [CChar](repeating: 0, count: 300)
            cajal_mpi_error_string(code, &text, text.count)
            throw CajalError.runtime("[\(name)] MPI failed: \(String(cString: text)) (error \(code))")
        }
    }

    private static func checkRank(_ rank: Int, _ argument: String, _ name: String) throws {
        let size = try worldSize()
        guard (0..<size).contains(rank) else {
            throw CajalError.value("[\(name)] \(argument) must be a rank in [0, \(size)), got \(rank)")
        }
    }

    private static func checkTag(_ tag: Int, _ name: String) throws {
        // MPI guarantees tags up to 32767.
        guard (0...32767).contains(tag) else { throw CajalError.value("[\(name)] tag must be in [0, 32767], got \(tag)") }
    }

    private static func checkWritable(_ tensor: Tensor, _ name: String) throws {
        for (size, stride) in zip(tensor.shape, tensor.strides) where size > 1 && stride == 0 {
            throw CajalError.runtime("[\(name)] the tensor is expanded (several elements share memory); clone() it first")
        }
    }

    private static func reductionType(_ dtype: DType, op: ReduceOperation, _ name: String) throws -> Int32 {
        if op == .average && !dtype.isFloatingPoint {
            throw CajalError.type("[\(name)] ReduceOp.AVG needs a floating tensor, got \(dtype.torchName)")
        }
        switch dtype {
        case .float32: return Int32(CAJAL_MPI_FLOAT)
        case .float64: return Int32(CAJAL_MPI_DOUBLE)
        case .int64: return Int32(CAJAL_MPI_INT64)
        case .int32: return Int32(CAJAL_MPI_INT32)
        default: throw CajalError.type("[\(name)] reductions take float32, float64, int32 or int64 tensors, got \(dtype.torchName)")
        }
    }

    private static func mpiOperation(_ op: ReduceOperation) -> Int32 {
        switch op {
        case .sum, .average: return Int32(CAJAL_MPI_SUM)
        case .max: return Int32(CAJAL_MPI_MAX)
        case .min: return Int32(CAJAL_MPI_MIN)
        case .product: return Int32(CAJAL_MPI_PROD)
        }
    }

    /// Every rank has the same element count and dtype, or every rank throws.
    private static func agree(count: Int, dtype: DType, _ name: String) throws {
        var values: [Int64] = [Int64(count), -Int64(count), Int64(dtype.rawValue), -Int64(dtype.rawValue)]
        try check(cajal_mpi_allreduce(&values, 4, Int32(CAJAL_MPI_INT64), Int32(CAJAL_MPI_MAX)), name)
        if values[0] != -values[1] {
            throw CajalError.value("[\(name)] the ranks' tensors differ in size: from \(-values[1]) to \(values[0]) elements")
        }
        if values[2] != -values[3] {
            throw CajalError.type("[\(name)] the ranks' tensors differ in dtype")
        }
    }

    /// Runs `body` on contiguous memory holding the tensor's elements, writing
    /// them back into a strided tensor afterwards.
    private static func inContiguousMemory(_ tensor: Tensor, _ body: (UnsafeMutableRawPointer) throws -> Void) throws {
        if tensor.isContiguous {
            try body(tensor.dataPointer)
        } else {
            let copy = try tensor.materialized()
            try body(copy.dataPointer)
            try GradMode.withDisabled { try tensor.copyElements(from: copy) }
        }
        tensor.storage.bumpVersion()
    }

    /// Splits `total` items into runs MPI's int count can hold; `body` gets
    /// the byte offset and the item count of each.
    private static func chunks(_ total: Int, itemSize: Int, _ body: (Int, Int32) throws -> Void) throws {
        let most = Int(Int32.max)
        var start = 0
        repeat {
            let count = Swift.min(most, total - start)
            try body(start * itemSize, Int32(count))
            start += count
        } while start < total
    }
}

/// An all-reduce under way (Distributed.startAllReduce). Keeps its tensor
/// alive until done; every rank must complete its reductions in the order it
/// started them relative to its other collectives.
public final class PendingReduction {
    private let tensor: Tensor
    private let buffer: Tensor
    private var request: UnsafeMutableRawPointer?
    private let average: Bool
    private let worldSize: Int

    init(tensor: Tensor, buffer: Tensor, request: UnsafeMutableRawPointer?, average: Bool, worldSize: Int) {
        (self.tensor, self.buffer, self.request, self.average, self.worldSize) = (tensor, buffer, request, average, worldSize)
    }

    public var isCompleted: Bool { request == nil }

    /// Whether the reduction has finished (finishing it if so); drives MPI's progress.
    public func test() throws -> Bool {
        guard request != nil else { return true }
        var done: Int32 = 0
        try Distributed.checkStatus(cajal_mpi_test(&request, &done), "work.is_completed")
        if done != 0 { try finish() }
        return done != 0
    }

    /// Blocks until the reduction has finished; the result is then in the tensor.
    public func wait() throws {
        guard request != nil else { return }
        try Distributed.checkStatus(cajal_mpi_wait(&request), "work.wait")
        try finish()
    }

    private func finish() throws {
        request = nil
        try GradMode.withDisabled {
            if average { try buffer.divInPlace(Tensor.full([], value: Double(worldSize), dtype: buffer.dtype)) }
            if buffer !== tensor { try tensor.copyElements(from: buffer) }
        }
        tensor.storage.bumpVersion()
    }

    deinit {
        // A reduction dropped unfinished still owns its buffer inside MPI: wait
        // for it (after MPI_Finalize this returns an error instead).
        if request != nil { _ = cajal_mpi_wait(&request) }
    }
}
