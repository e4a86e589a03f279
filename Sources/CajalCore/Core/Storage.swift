import Glibc
import Synchronization

/// A 64-byte-aligned raw buffer shared by a tensor and all of its views.
/// It also carries the version counter that in-place ops bump, so autograd can
/// tell when a tensor saved for backward was overwritten.
public final class Storage {
    public let data: UnsafeMutableRawPointer
    public let byteCount: Int
    /// Set when the memory belongs to someone else (e.g. a numpy array).
    private let release: (() -> Void)?
    /// Bumped by every in-place write.
    public internal(set) var version: Int = 0

    /// Allocates `byteCount` bytes (uninitialized) aligned to 64 bytes; `op`
    /// names the request in the error when memory cannot be had.
    public init(byteCount: Int, op: String = "empty") throws {
        guard byteCount >= 0 else { throw CajalError(.outOfMemory, "[\(op)] cannot allocate \(byteCount) bytes") }
        try MemoryBudget.reserve(byteCount, op: op)
        // The cache reports failure instead of trapping as allocate() would.
        guard let pointer = BufferCache.allocate(byteCount) else {
            throw CajalError(.outOfMemory, "[\(op)] cannot allocate \(byteCount) bytes (\(MemoryBudget.describe(byteCount)))")
        }
        data = pointer
        self.byteCount = byteCount
        release = nil
        Storage.track(bytes: byteCount)
    }

    /// Wraps memory owned elsewhere; `release` runs when the last view is gone.
    public init(borrowing pointer: UnsafeMutableRawPointer, byteCount: Int, release: @escaping () -> Void) {
        data = pointer
        self.byteCount = byteCount
        self.release = release
        Storage.track(bytes: 0)
    }

    deinit {
        if let release { release() } else { BufferCache.deallocate(data, byteCount: byteCount) }
        Storage.untrack(bytes: release == nil ? byteCount : 0)
    }

    package func bumpVersion() { version &+= 1 }

    // MARK: accounting, for leak tests and the C debug exports

    private static let liveCount = Atomic<Int>(0)
    private static let liveBytesCounter = Atomic<Int>(0)

    private static func track(bytes: Int) {
        liveCount.add(1, ordering: .relaxed)
        liveBytesCounter.add(bytes, ordering: .relaxed)
    }

    private static func untrack(bytes: Int) {
        liveCount.subtract(1, ordering: .relaxed)
        liveBytesCounter.subtract(bytes, ordering: .relaxed)
    }

    /// How many storages are alive right now.
    public static var liveStorages: Int { liveCount.load(ordering: .relaxed) }
    /// How many bytes the engine has allocated and not yet freed.
    public static var liveBytes: Int { liveBytesCounter.load(ordering: .relaxed) }
}
