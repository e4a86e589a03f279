import Cajal
import Glibc

/// The reductions a C program started (cajal_dist_all_reduce_start), by the
/// number it got back: a number it never got, or one already waited for, is
/// an error rather than a dangling pointer.
enum PendingWorks {
    private static var table: [Int64: PendingReduction] = [:]
    private static var next: Int64 = 1
    private static var lock = pthread_mutex_t()
    private static let lockReady: Bool = { pthread_mutex_init(&lock, nil); return true }()

    private static func locked<T>(_ body: () throws -> T) rethrows -> T {
        _ = lockReady
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return try body()
    }

    static func add(_ work: PendingReduction) -> Int64 {
        locked {
            let id = next
            next += 1
            table[id] = work
            return id
        }
    }

    static func find(_ id: Int64, _ name: String) throws -> PendingReduction {
        guard let work = locked({ table[id] }) else {
            throw CajalError.value("[\(name)] \(id) is not a started all-reduce (or it was already waited for)")
        }
        return work
    }

    static func remove(_ id: Int64) { locked { _ = table.removeValue(forKey: id) } }
}
