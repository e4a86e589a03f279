import CCajalPlatform
import Glibc
import Synchronization

/// Persistent worker threads for `Parallel`: a job is split into numbered
/// chunks that the caller and the workers claim from a shared counter.
///
/// Waking a sleeping thread costs tens of microseconds, as much as a whole 1M
/// element add; so after a job, workers spin for a while (as OpenMP's do)
/// before they sleep on a condition variable. The caller always claims chunks
/// too, so a job completes even when no worker shows up (in a forked child,
/// say). One job runs at a time: a second caller, or a kernel already inside
/// a job, runs its chunks on its own thread.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long an idle worker spins before it sleeps. Spinning (with the
    /// CPU's pause hint, not sched_yield, which can hand the core to the very
    /// thread that is waiting for this one) keeps the worker on its own core.
    private static let spinNanoseconds: UInt64 = 1_000_000

    /// Bumped to publish a job; workers wait for it to change.
    private let generation = Atomic<UInt64>(0)
    /// Whether the published job still takes workers.
    private let open = Atomic<Bool>(false)
    private let nextChunk = Atomic<Int>(0)
    private let unfinished = Atomic<Int>(0)
    /// Workers inside the current job; the caller waits for them to leave.
    private let inside = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)

    /// Whether a parallel job is running (its chunks, and any caller that
    /// arrives meanwhile, run inline).
    var isRunning: Bool { busy.load(ordering: .relaxed) }
    private let sleepers = Atomic<Int>(0)
    /// Bumped by `park`: spinning workers go to sleep at once.
    private let parkRequests = Atomic<UInt64>(0)
    private let workerCount = Atomic<Int>(0)
    /// Each worker's thread and the CPU it is kept off (-1: none yet).
    private final class Slot: @unchecked Sendable {
        let thread: pthread_t
        var avoidedCPU = -1
        init(_ thread: pthread_t) { self.thread = thread }
    }
    /// Appended under `growLock`; read by the caller that holds `busy`.
    private var slots: [Slot] = []

    // The job itself: written by the caller before `generation` is bumped.
    private var body: ((Int) -> Void)?
    private var chunkCount = 0

    private var mutex = pthread_mutex_t()
    private var wake = pthread_cond_t()
    private var growLock = pthread_mutex_t()

    private init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wake, nil)
        pthread_mutex_init(&growLock, nil)
    }

    /// Runs body(0..<chunks) across the caller and up to `threads - 1` workers;
    /// returns when every chunk is done.
    func run(chunks: Int, threads: Int, _ body: (Int) -> Void) {
        guard chunks > 1, threads > 1, !WorkerPool.isWorkerThread,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        ensureWorkers(threads - 1)
        withoutActuallyEscaping(body) { body in
            self.body = body
            chunkCount = chunks
            separateFromWorkers()
            nextChunk.store(0, ordering: .sequentiallyConsistent)
            unfinished.store(chunks, ordering: .sequentiallyConsistent)
            open.store(true, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(&mutex)
                pthread_cond_broadcast(&wake)
                pthread_mutex_unlock(&mutex)
            }
            claimChunks(body)
            while unfinished.load(ordering: .acquiring) > 0 { cajal_cpu_relax() }
            // No worker may still be reading the job when it goes out of scope.
            open.store(false, ordering: .sequentiallyConsistent)
            while inside.load(ordering: .sequentiallyConsistent) > 0 { cajal_cpu_relax() }
            self.body = nil
        }
    }

    /// Linux wakes a thread on its waker's CPU (and starts one on its
    /// creator's), and may leave a spinning worker sharing the caller's core
    /// for milliseconds, which halves the speed of every job meanwhile; a
    /// worker that shares the caller's CPU cannot even report it, since it
    /// does not run. So every worker is kept off the CPU the caller runs on,
    /// and moved again when the caller moves (a system call only then).
    private func separateFromWorkers() {
        let mine = Int(cajal_current_cpu())
        guard mine >= 0 else { return }
        for slot in slots where slot.avoidedCPU != mine {
            _ = cajal_thread_avoid_cpu(slot.thread, Int32(mine))
            slot.avoidedCPU = mine  // also when it failed (a one-CPU process): no retry per job
        }
    }

    private func claimChunks(_ body: (Int) -> Void) {
        while true {
            let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
            if chunk >= chunkCount { return }
            body(chunk)
            unfinished.subtract(1, ordering: .releasing)
        }
    }

    /// Sends spinning workers to sleep now rather than after their spin: the
    /// caller is about to run code with threads of its own (OpenBLAS), which
    /// would otherwise wait for cores our spinners hold.
    func park() {
        if sleepers.load(ordering: .relaxed) < workerCount.load(ordering: .relaxed) {
            parkRequests.add(1, ordering: .relaxed)
        }
    }

    // MARK: workers

    private static let workerKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private static var isWorkerThread: Bool { pthread_getspecific(workerKey) != nil }

    private func ensureWorkers(_ wanted: Int) {
        guard workerCount.load(ordering: .relaxed) < wanted else { return }
        pthread_mutex_lock(&growLock)
        defer { pthread_mutex_unlock(&growLock) }
        cajal_capture_process_cpus()
        while workerCount.load(ordering: .relaxed) < wanted {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            guard pthread_create(&thread, nil, { context in
                guard let context else { return nil }
                let pool = Unmanaged<WorkerPool>.fromOpaque(context).takeRetainedValue()
                pool.workerLoop()
            }, context) == 0 else {
                Unmanaged<WorkerPool>.fromOpaque(context).release()
                return  // no more threads: the caller does the work itself
            }
            pthread_detach(thread)
            slots.append(Slot(thread))
            workerCount.add(1, ordering: .relaxed)
        }
    }

    private func workerLoop() -> Never {
        pthread_setspecific(WorkerPool.workerKey, UnsafeRawPointer(bitPattern: 1))
        var seen = generation.load(ordering: .sequentiallyConsistent)
        while true {
            seen = waitForJob(after: seen)
            inside.add(1, ordering: .sequentiallyConsistent)
            if open.load(ordering: .sequentiallyConsistent), generation.load(ordering: .sequentiallyConsistent) == seen {
                joinJob()
            }
            inside.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// The worker's copy of the job's closure: released when this returns,
    /// before the worker leaves `inside`, so the caller's frame that owns
    /// the closure outlives every reference to it.
    @inline(never)
    private func joinJob() {
        guard let body else { return }
        claimChunks(body)
    }

    /// Spins, then sleeps, until a job newer than `seen` is published.
    private func waitForJob(after seen: UInt64) -> UInt64 {
        let start = WorkerPool.now()
        let parking = parkRequests.load(ordering: .relaxed)
        var spins = 0
        while true {
            let current = generation.load(ordering: .sequentiallyConsistent)
            if current != seen { return current }
            if parkRequests.load(ordering: .relaxed) != parking { break }
            if spins & 63 == 0 && WorkerPool.now() - start > WorkerPool.spinNanoseconds { break }
            spins += 1
            cajal_cpu_relax()
        }
        pthread_mutex_lock(&mutex)
        sleepers.add(1, ordering: .sequentiallyConsistent)
        while generation.load(ordering: .sequentiallyConsistent) == seen {
            pthread_cond_wait(&wake, &mutex)
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(&mutex)
        return generation.load(ordering: .sequentiallyConsistent)
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
