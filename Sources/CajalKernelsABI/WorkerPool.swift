import CCajalSpin
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
    private let sleepers = Atomic<Int>(0)
    private let workerCount = Atomic<Int>(0)
    /// Each worker's thread and the CPU it last saw itself on.
    private final class Slot: @unchecked Sendable {
        let thread: pthread_t
        let cpu = Atomic<Int>(-1)
        init(_ thread: pthread_t) { self.thread = thread }
    }
    private var slots: [Slot] = []
    /// The CPU the caller of the latest job ran on.
    private let callerCPU = Atomic<Int>(-1)
    /// Set once `slots` is final for the workers that exist (read without the lock).
    private let slotCount = Atomic<Int>(0)

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

    /// Linux often wakes a thread on its waker's CPU (and starts one on its
    /// creator's), and may leave a spinning worker sharing the caller's core
    /// for milliseconds, which halves the speed of every job meanwhile. So a
    /// worker that last saw itself on the caller's CPU is moved off it (and
    /// stays off until it collides again).
    private func separateFromWorkers() {
        let mine = Int(cajal_current_cpu())
        callerCPU.store(mine, ordering: .relaxed)
        guard mine >= 0 else { return }
        for index in 0..<slotCount.load(ordering: .acquiring) {
            let slot = slots[index]
            if slot.cpu.load(ordering: .relaxed) == mine {
                _ = cajal_thread_avoid_cpu(slot.thread, Int32(mine))
                slot.cpu.store(-1, ordering: .relaxed)
            }
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
            slotCount.store(slots.count, ordering: .releasing)
            workerCount.add(1, ordering: .relaxed)
        }
    }

    /// The slot of the calling worker thread (it may start before its slot exists).
    private func mySlot() -> Slot? {
        let me = pthread_self()
        for index in 0..<slotCount.load(ordering: .acquiring) where pthread_equal(slots[index].thread, me) != 0 {
            return slots[index]
        }
        return nil
    }

    private func workerLoop() -> Never {
        pthread_setspecific(WorkerPool.workerKey, UnsafeRawPointer(bitPattern: 1))
        var seen = generation.load(ordering: .sequentiallyConsistent)
        var slot: Slot?
        while true {
            if slot == nil { slot = mySlot() }
            seen = waitForJob(after: seen, slot: slot)
            inside.add(1, ordering: .sequentiallyConsistent)
            if open.load(ordering: .sequentiallyConsistent), generation.load(ordering: .sequentiallyConsistent) == seen,
               let body {
                claimChunks(body)
            }
            inside.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// Spins, then sleeps, until a job newer than `seen` is published.
    private func waitForJob(after seen: UInt64, slot: Slot?) -> UInt64 {
        let start = WorkerPool.now()
        var spins = 0
        while true {
            let current = generation.load(ordering: .sequentiallyConsistent)
            if current != seen { return current }
            if spins & 63 == 0 {
                slot?.cpu.store(Int(cajal_current_cpu()), ordering: .relaxed)
                if WorkerPool.now() - start > WorkerPool.spinNanoseconds { break }
            }
            spins += 1
            cajal_cpu_relax()
        }
        slot?.cpu.store(-1, ordering: .relaxed)  // asleep: wherever it wakes is news
        pthread_mutex_lock(&mutex)
        sleepers.add(1, ordering: .sequentiallyConsistent)
        while generation.load(ordering: .sequentiallyConsistent) == seen {
            pthread_cond_wait(&wake, &mutex)
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(&mutex)
        // Woken, most likely on the waker's CPU: move off it before joining in.
        let caller = callerCPU.load(ordering: .relaxed)
        if caller >= 0 && Int(cajal_current_cpu()) == caller { _ = cajal_thread_avoid_cpu(pthread_self(), Int32(caller)) }
        slot?.cpu.store(Int(cajal_current_cpu()), ordering: .relaxed)
        return generation.load(ordering: .sequentiallyConsistent)
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
