import CajalRuntime
import Glibc

/// Refuses, up front, allocations the machine cannot hold.
///
/// Linux overcommits: malloc of 30 GB on a 24 GB machine may succeed, and
/// the process is killed later when the pages are touched. A killed process
/// loses the user's session, so every large request (tensor storage, scratch
/// buffers, Swift arrays sized by user input) is first compared with what can
/// really be had: the memory the kernel reports available (MemAvailable plus
/// free swap), the room left under the process's cgroup limit, and under its
/// address-space limit (`ulimit -v`), and under CAJAL_MEMORY_LIMIT when set
/// (bytes, or with a K/M/G/T suffix: the most the engine's tensors may hold
/// at once). A request beyond that fails with CAJAL_ERR_OUT_OF_MEMORY naming
/// its size, and the process lives on.
public enum MemoryBudget {
    /// Smaller requests skip the check (reading /proc costs a few µs); malloc's
    /// NULL still reports them.
    static let checkedFrom = 32 << 20

    /// Throws when `bytes` more cannot be allocated right now. The engine's
    /// own cache of freed buffers is given back before giving up.
    public static func reserve(_ bytes: Int, op: String) throws {
        guard bytes >= checkedFrom else { return }
        if bytes <= availableBytes() { return }
        BufferCache.releaseAll()
        let available = availableBytes()
        guard bytes <= available else {
            throw CajalError(.outOfMemory, "[\(op)] cannot allocate \(bytes) bytes (\(describe(bytes))): only \(describe(available)) of memory is available")
        }
    }

    /// `count` elements of `stride` bytes each, as `reserve` checks them.
    package static func reserve(count: Int, of stride: Int, op: String) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: stride)
        guard count >= 0, !overflow else { throw CajalError(.outOfMemory, "[\(op)] \(count) elements is too many to allocate") }
        try reserve(bytes, op: op)
    }

    /// A kernel's scratch memory: `count` elements of `stride` bytes on every
    /// thread. Kernels cannot throw, so the op checks their scratch first.
    static func reserveScratch(perThread count: Int, of stride: Int, op: String) throws {
        try reserve(count: Parallel.cost(count, Parallel.threadCount), of: stride, op: op)
    }

    /// The bytes this process can still allocate and touch.
    public static func availableBytes() -> Int {
        var available = systemAvailable() ?? Int.max
        if let room = cgroupRoom() { available = Swift.min(available, room) }
        if let room = addressSpaceRoom() { available = Swift.min(available, room) }
        if let limit = configuredLimit { available = Swift.min(available, limit - Storage.liveBytes - BufferCache.cachedBytes) }
        return Swift.max(available, 0)
    }

    /// CAJAL_MEMORY_LIMIT, read once: "3G", "512M", "1048576".
    static let configuredLimit: Int? = {
        guard let raw = getenv("CAJAL_MEMORY_LIMIT") else { return nil }
        return parseSize(String(cString: raw))
    }()

    /// "3G" -> 3 << 30; nil for anything else than digits with an optional K, M, G or T.
    static func parseSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var digits = Substring(text.uppercased()), shift = 0
        if let last = digits.last, let unit = units[last] { shift = unit; digits = digits.dropLast() }
        guard let value = Int(digits), value >= 0, value <= Int.max >> shift else { return nil }
        return value << shift
    }

    static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : "\((value * 10).rounded() / 10) \(units[unit])"
    }

    // MARK: what the system reports

    /// MemAvailable + SwapFree from /proc/meminfo.
    private static func systemAvailable() -> Int? {
        guard let text = readSmallFile("/proc/meminfo") else { return nil }
        var available: Int?, swapFree = 0
        for line in text.split(separator: "\n") {
            if line.hasPrefix("MemAvailable:") { available = kibibytes(line) }
            if line.hasPrefix("SwapFree:") { swapFree = kibibytes(line) ?? 0 }
        }
        return available.map { $0 + swapFree }
    }

    /// The room under the cgroup's memory limit (v2, then v1), counting
    /// reclaimable page cache as room, as MemAvailable does.
    private static func cgroupRoom() -> Int? {
        for (limitPath, usagePath, statPath, cacheKey) in [
            ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current", "/sys/fs/cgroup/memory.stat", "inactive_file"),
            ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes",
             "/sys/fs/cgroup/memory/memory.stat", "total_inactive_file"),
        ] {
            guard let limitText = readSmallFile(limitPath) else { continue }
            // "max" (v2) or a huge number (v1) means no limit.
            guard let limit = Int(limitText.trimmingWhitespace()), limit < 1 << 60 else { return nil }
            guard let usage = readSmallFile(usagePath).flatMap({ Int($0.trimmingWhitespace()) }) else { return nil }
            var reclaimable = 0
            if let stat = readSmallFile(statPath) {
                for line in stat.split(separator: "\n") where line.hasPrefix(cacheKey + " ") {
                    reclaimable = Int(line.split(separator: " ").last ?? "") ?? 0
                }
            }
            return limit - usage + reclaimable
        }
        return nil
    }

    /// The room under RLIMIT_AS (`ulimit -v`): the limit minus the address space in use.
    private static func addressSpaceRoom() -> Int? {
        var limit = rlimit()
        // RLIM_INFINITY is all ones, beyond the bound below.
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0,
              limit.rlim_cur < UInt(1) << 62 else { return nil }
        guard let statm = readSmallFile("/proc/self/statm"),
              let pages = statm.split(separator: " ").first.flatMap({ Int($0) }) else { return nil }
        return Int(limit.rlim_cur) - pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func kibibytes(_ line: Substring) -> Int? {
        line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
    }

    /// The first 64 KiB of a file under /proc or /sys, or nil.
    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var length = 0
        while length < buffer.count {
            let n = buffer.withUnsafeMutableBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return read(fd, base + length, bytes.count - length)
            }
            if n <= 0 { break }
            length += n
        }
        return String(decoding: buffer[..<length], as: UTF8.self)
    }
}

private extension String {
    func trimmingWhitespace() -> String {
        String(self.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
