import Cajal
import Glibc

// The mechanics every export shares: handle conversion, argument reading and
// error capture. No math lives in this module.

/// The last error message of this thread, as a C string owned here.
final class ErrorMessage {
    var text: UnsafeMutablePointer<CChar>?
    deinit { free(text) }
}

let lastErrorMessage = ThreadLocal<ErrorMessage> { ErrorMessage() }

func record(_ error: Error) -> Int32 {
    let (code, message): (Int32, String)
    if let error = error as? CajalError {
        (code, message) = (error.kind.rawValue, error.message)
    } else {
        (code, message) = (CajalError.Kind.runtime.rawValue, "\(error)")
    }
    let slot = lastErrorMessage.value
    free(slot.text)
    slot.text = strdup(message)
    return code
}

/// Runs `body`, turning a thrown error into its status code.
@inline(__always)
func status(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        return record(error)
    }
}

/// The status of a C call whose constants argument has no case of `type`:
/// the error names the op, the argument and the codes it accepts.
func invalidConstant<Constants: CaseIterable & RawRepresentable & CustomStringConvertible>(
    _ type: Constants.Type, _ code: Int32, _ op: String, _ argument: String
) -> Int32 where Constants.RawValue == Int32 {
    let accepted = Constants.allCases.map { "\($0.rawValue) (\($0))" }.joined(separator: ", ")
    return record(CajalError.value("[\(op)] \(argument) \(code) is not one of \(accepted)"))
}

/// Writes `value` to `out` only when `body` succeeds.
@inline(__always)
func writeResult<T>(_ out: UnsafeMutablePointer<T>?, _ body: () throws -> T) -> Int32 {
    status {
        guard let out else { throw CajalError(.nullArgument, "output pointer is NULL") }
        out.pointee = try body()
    }
}

/// Returns a new owned handle for the tensor `body` makes.
@inline(__always)
func newTensor(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ body: () throws -> Tensor) -> Int32 {
    writeResult(out) { handle(try body()) }
}

func handle(_ tensor: Tensor) -> OpaquePointer {
    Handles.hand(tensor, .tensor)
}

/// Borrows the tensor behind a handle.
func tensorArgument(_ pointer: OpaquePointer?, _ name: String = "tensor") throws -> Tensor {
    try Handles.borrow(pointer, .tensor, as: Tensor.self, name)
}

/// The kinds of object a handle stands for.
enum HandleKind: UInt8 {
    case tensor = 1, generator, archive, plan

    var typeName: String {
        switch self {
        case .tensor: return "cajal_tensor"
        case .generator: return "cajal_generator"
        case .archive: return "cajal_archive"
        case .plan: return "cajal_plan"
        }
    }
}

/// Every handle the library has handed out and not had back, with its kind
/// and how many times it is held. A handle is `Unmanaged.passRetained(object)`
/// (one retain per hand-out); before a pointer from C is trusted it is looked
/// up here, so that a NULL, freed, foreign or wrong-kind pointer (a C program's
/// use after free or double free) is an error code, never a crash.
///
/// The table is 64 shards chosen by address, each an open-addressing hash
/// table in raw memory under its own mutex: no reference counting and no
/// allocation on the way, so a lookup costs a lock and a probe or two.
enum Handles {
    private struct Slot {
        var address: UInt  // 0: empty
        var kind: HandleKind
        var holds: Int
    }

    private struct Shard {
        var lock = pthread_mutex_t()
        var slots: UnsafeMutablePointer<Slot>
        var capacity: Int  // a power of two
        var count = 0
    }

    private static let shardCount = 64
    private static let shards: UnsafeMutablePointer<Shard> = {
        let shards = UnsafeMutablePointer<Shard>.allocate(capacity: shardCount)
        for i in 0..<shardCount {
            let slots = UnsafeMutablePointer<Slot>.allocate(capacity: 64)
            slots.initialize(repeating: Slot(address: 0, kind: .tensor, holds: 0), count: 64)
            (shards + i).initialize(to: Shard(slots: slots, capacity: 64))
            pthread_mutex_init(&shards[i].lock, nil)
        }
        return shards
    }()

    /// Runs body on the shard of `address` with its lock held.
    @inline(__always)
    private static func withShard<R>(_ address: UInt, _ body: (UnsafeMutablePointer<Shard>) -> R) -> R {
        let shard = shards + Int(truncatingIfNeeded: (address >> 4) % UInt(shardCount))  // objects are 16-byte aligned
        pthread_mutex_lock(&shard.pointee.lock)
        defer { pthread_mutex_unlock(&shard.pointee.lock) }
        return body(shard)
    }

    /// The slot index of `address` in the shard, or of the empty slot where it would go.
    @inline(__always)
    private static func probe(_ shard: UnsafeMutablePointer<Shard>, _ address: UInt) -> Int {
        let mask = shard.pointee.capacity - 1
        var i = Int(truncatingIfNeeded: ((address >> 10) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
        while shard.pointee.slots[i].address != 0 && shard.pointee.slots[i].address != address { i = (i + 1) & mask }
        return i
    }

    private static func grow(_ shard: UnsafeMutablePointer<Shard>) {
        let (old, oldCapacity) = (shard.pointee.slots, shard.pointee.capacity)
        let capacity = oldCapacity * 2
        shard.pointee.slots = UnsafeMutablePointer<Slot>.allocate(capacity: capacity)
        shard.pointee.slots.initialize(repeating: Slot(address: 0, kind: .tensor, holds: 0), count: capacity)
        shard.pointee.capacity = capacity
        for i in 0..<oldCapacity where old[i].address != 0 { shard.pointee.slots[probe(shard, old[i].address)] = old[i] }
        old.deallocate()
    }

    /// Empties slot i, moving later entries of its run back (linear probing
    /// deletion without tombstones).
    private static func remove(_ shard: UnsafeMutablePointer<Shard>, at index: Int) {
        let slots = shard.pointee.slots, mask = shard.pointee.capacity - 1
        var hole = index, i = index
        while true {
            i = (i + 1) & mask
            if slots[i].address == 0 { break }
            let home = Int(truncatingIfNeeded: ((slots[i].address >> 10) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
            // Move it into the hole unless its home lies cyclically in (hole, i].
            if (i - home) & mask >= (i - hole) & mask {
                slots[hole] = slots[i]
                hole = i
            }
        }
        slots[hole].address = 0
        shard.pointee.count -= 1
    }

    /// A new hold on `object` for C.
    static func hand<T: AnyObject>(_ object: T, _ kind: HandleKind) -> OpaquePointer {
        let pointer = Unmanaged.passRetained(object).toOpaque()
        let address = UInt(bitPattern: pointer)
        if PlanTape.recordingThreads != 0 { PlanTape.noteHanded(pointer) }
        withShard(address) { shard in
            if 4 * (shard.pointee.count + 1) > 3 * shard.pointee.capacity { grow(shard) }
            let i = probe(shard, address)
            if shard.pointee.slots[i].address == address {
                shard.pointee.slots[i].holds += 1
            } else {
                shard.pointee.slots[i] = Slot(address: address, kind: kind, holds: 1)
                shard.pointee.count += 1
            }
        }
        return OpaquePointer(pointer)
    }

    /// The object behind a live handle of `kind`, retained for the caller's use.
    static func borrow<T: AnyObject>(_ pointer: OpaquePointer?, _ kind: HandleKind, as: T.Type, _ name: String) throws -> T {
        guard let pointer else { throw CajalError(.nullArgument, "\(name) handle is NULL") }
        let address = UInt(bitPattern: UnsafeRawPointer(pointer))
        let object: T? = withShard(address) { shard in
            // Converted under the lock: the strong reference keeps the object
            // alive even if another thread frees the handle meanwhile.
            let slot = shard.pointee.slots[probe(shard, address)]
            guard slot.address == address, slot.kind == kind else { return nil }
            return Unmanaged<T>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
        }
        guard let object else {
            throw CajalError(.nullArgument, "\(name) handle \(String(describing: pointer)) is not a live \(kind.typeName) (freed, or not made by cajal)")
        }
        return object
    }

    /// How many holds C has on the handle at `address` (0: not a live handle of `kind`).
    static func holds(_ address: UInt, _ kind: HandleKind) -> Int {
        withShard(address) { shard in
            let slot = shard.pointee.slots[probe(shard, address)]
            return slot.address == address && slot.kind == kind ? slot.holds : 0
        }
    }

    /// Gives back one hold; a pointer that is not a live handle of `kind`
    /// (NULL, freed before, foreign) is ignored, as free(NULL) is.
    static func release(_ pointer: OpaquePointer?, _ kind: HandleKind) {
        guard let pointer else { return }
        let address = UInt(bitPattern: UnsafeRawPointer(pointer))
        let held = withShard(address) { shard -> Bool in
            let i = probe(shard, address)
            guard shard.pointee.slots[i].address == address, shard.pointee.slots[i].kind == kind else { return false }
            if shard.pointee.slots[i].holds > 1 { shard.pointee.slots[i].holds -= 1 } else { remove(shard, at: i) }
            return true
        }
        // Released outside the lock: a tensor's deinit may free other handles' objects.
        if held { Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(pointer)).release() }
    }
}

/// A count or length a C caller passed as size_t, refused beyond `limit`
/// before it becomes a range or a buffer. (size_t arrives here as Int: a
/// negative value is a size_t of 2^63 or more, such as (size_t)-1.)
func checkedCount(_ count: Int, _ name: String, limit: Int) throws -> Int {
    guard count >= 0, count <= limit else {
        throw CajalError.value("\(name) has \(UInt(bitPattern: count)) entries; at most \(limit) are supported")
    }
    return count
}

/// The longest list of tensors (or index items) one call takes.
let maxListCount = 1 << 20

/// Reads `count` int64 values (a shape or a list of dims).
func ints(_ pointer: UnsafePointer<Int64>?, _ count: Int, _ name: String = "shape", limit: Int = Limits.maxRank) throws -> [Int] {
    let count = try checkedCount(count, name, limit: limit)
    if count == 0 { return [] }
    guard let pointer else { throw CajalError(.nullArgument, "\(name) pointer is NULL") }
    return (0..<count).map { Int(pointer[$0]) }
}

func readDType(_ code: Int32, _ op: String) throws -> DType {
    try DType(code: code, op: op)
}

/// Borrows the generator behind a handle, or the default generator for NULL.
func generatorOrDefault(_ pointer: OpaquePointer?) throws -> Generator {
    guard pointer != nil else { return .default }
    return try Handles.borrow(pointer, .generator, as: Generator.self, "generator")
}

/// Borrows the tensors behind an array of `count` handles.
func tensorList(_ handles: UnsafePointer<OpaquePointer?>?, _ count: Int, _ name: String = "tensors") throws -> [Tensor] {
    try optionalTensorList(handles, count, name).enumerated().map { i, t in
        guard let t else { throw CajalError(.nullArgument, "\(name)[\(i)] handle is NULL") }
        return t
    }
}

/// Like tensorList, but NULL entries (or a NULL array) stand for "none".
func optionalTensorList(_ handles: UnsafePointer<OpaquePointer?>?, _ count: Int, _ name: String = "tensors") throws -> [Tensor?] {
    let count = try checkedCount(count, name, limit: maxListCount)
    guard let handles else { return [Tensor?](repeating: nil, count: count) }
    return try (0..<count).map { i in try handles[i].map { try tensorArgument($0, "\(name)[\(i)]") } }
}
