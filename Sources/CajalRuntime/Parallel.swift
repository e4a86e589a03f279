import Glibc
import Synchronization

/// Splits loops across cores with a pool of persistent threads. Work below
/// `grain` elements stays on the calling thread: handing it to a second core
/// costs more than it saves.
public enum Parallel {
    /// The cores the machine has online.
    public static let coreCount = Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    private static let configuredThreads = Atomic<Int>({
        if let text = getenv("CAJAL_NUM_THREADS"), let n = Int(String(cString: text)), n > 0 { return Swift.min(n, maxThreads) }
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }())

    /// How many threads the kernels split work across (torch.get_num_threads).
    /// CAJAL_NUM_THREADS sets the start value; `setThreadCount` changes it.
    public static var threadCount: Int { configuredThreads.load(ordering: .relaxed) }

    /// The most threads a job may use: each is a real thread of the pool.
    public static let maxThreads = 1024

    public static func setThreadCount(_ n: Int) {
        configuredThreads.store(Swift.min(Swift.max(1, n), maxThreads), ordering: .relaxed)
    }

    /// The product of two work factors for `costPerItem`, saturating instead
    /// of overflowing: it only decides how to split a job. (Two arguments, not
    /// variadic: every op calls it, and a variadic call builds an array.)
    @inline(__always)
    public static func cost(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = Swift.max(a, 0).multipliedReportingOverflow(by: Swift.max(b, 0))
        return overflow ? Int.max : product
    }

    /// Work units (elements times per-element cost) worth handing a second
    /// core. Measured here with the spinning pool, a float32 multiply of 70K
    /// elements takes 8.5 µs on two cores (torch 11.3). 8K rather than 32K
    /// splits the small models' 8K-60K-element copies, masks and norms too:
    /// the course attention classifier's eval forward 2.45 -> 2.29 ms, its
    /// training step 6.1 -> 5.1 ms, the TransformerEncoderLayer eval 2.6 -> 2.0
    /// ms (medians of alternating runs; 4K measured the same as 8K).
    public static let elementwiseGrain = 1 << 13

    /// Relative per-element cost of libm functions against an add.
    public static let transcendentalCost = 8

    /// Relative per-element cost of the SIMD float32 functions (exp, tanh, ...).
    public static let vectorMathCost = 4

    /// Lets the other cores go: spinning workers sleep until the next parallel
    /// job. Call it before handing work to a library with threads of its own.
    public static func yieldCores() { WorkerPool.shared.park() }

    /// Whether the cores are taken by a parallel job: work started now runs
    /// inline on the calling thread, and should not start threads of its own.
    public static var isRunningJob: Bool { WorkerPool.shared.isRunning }

    /// Calls `body` on disjoint subranges covering 0..<count, in parallel when
    /// `count * costPerItem` is worth it.
    public static func forEachChunk(_ count: Int, costPerItem: Int = 1, grain: Int = elementwiseGrain,
                             _ body: (Range<Int>) -> Void) {
        let work = cost(count, Swift.max(costPerItem, 1))
        let chunks = Swift.min(threadCount, count, work / Swift.max(grain, 1))
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        WorkerPool.shared.run(chunks: chunks, threads: threadCount) { chunk in
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            if start < end { body(start..<end) }
        }
    }
}
