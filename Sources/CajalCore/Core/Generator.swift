import CajalRuntime
import Glibc

/// A random number generator that reproduces torch's CPU generator bit for bit:
/// the same mt19937 engine, the same uniform transforms and the same Box–Muller
/// variants, so `manualSeed(0)` followed by `rand`/`randn` gives torch's numbers.
public final class Generator {
    /// The 624 words of mt19937's state, read and written without bounds
    /// checks: every index below is in 0..<624 by construction.
    private let state32 = UnsafeMutablePointer<UInt32>.allocate(capacity: 624)
    private var index = 624
    /// Box–Muller makes normals in pairs; torch caches the second one.
    private var cachedNormal: Double?
    public private(set) var initialSeed: UInt64 = 0
    private var lock = pthread_mutex_t()

    public init(seed: UInt64 = 67280421310721) {
        state32.initialize(repeating: 0, count: 624)
        pthread_mutex_init(&lock, nil)
        reseed(seed)
    }

    deinit {
        pthread_mutex_destroy(&lock)
        state32.deallocate()
    }

    /// The process-wide generator that `manualSeed` seeds.
    public static let `default` = Generator()

    public func manualSeed(_ seed: UInt64) {
        withLock { reseed(seed) }
    }

    /// The whole state (initial seed, position, cached normal, 624 words) as
    /// 629 int64 values, to save and restore a random stream.
    public var state: [Int64] {
        withLock {
            [Int64(bitPattern: initialSeed), Int64(index), cachedNormal == nil ? 0 : 1,
             Int64(bitPattern: (cachedNormal ?? 0).bitPattern)] + (0..<624).map { Int64(state32[$0]) }
        }
    }

    public func setState(_ values: [Int64]) throws {
        guard values.count == 628, (0...624).contains(values[1]), values[4...].allSatisfy({ (0...Int64(UInt32.max)).contains($0) }) else {
            throw CajalError.value("[set_state] a generator state holds 628 values as made by get_state")
        }
        withLock {
            initialSeed = UInt64(bitPattern: values[0])
            index = Int(values[1])
            cachedNormal = values[2] != 0 ? Double(bitPattern: UInt64(bitPattern: values[3])) : nil
            for (k, word) in values[4...].enumerated() { state32[k] = UInt32(word) }
        }
    }

    /// A uniformly drawn integer in [0, range), as torch's random_from_to:
    /// a 32-bit draw below 2^32, a 64-bit one above (call inside withLock).
    func integer(below range: UInt64) -> UInt64 {
        range >= 1 << 32 ? next64() % range : UInt64(next32()) % range
    }

    private func reseed(_ seed: UInt64) {
        initialSeed = seed
        state32[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<624 {
            let previous = state32[j - 1]
            state32[j] = 1812433253 &* (previous ^ (previous >> 30)) &+ UInt32(j)
        }
        index = 624
        cachedNormal = nil
    }

    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return try body()
    }

    // MARK: raw draws (call inside withLock)

    /// The next 624 words: word k mixes words k, k + 1 and k + 397 (mod
    /// 624), in three runs so that no index needs a modulo.
    private func twist() {
        let s = state32
        @inline(__always) func mix(_ k: Int, _ next: Int, _ far: Int) {
            let y = (s[k] & 0x8000_0000) | (s[next] & 0x7fff_ffff)
            s[k] = s[far] ^ (y >> 1) ^ ((0 &- (y & 1)) & 0x9908_b0df)
        }
        for k in 0..<227 { mix(k, k + 1, k + 397) }
        for k in 227..<623 { mix(k, k + 1, k - 227) }
        mix(623, 0, 396)
        index = 0
    }

    func next32() -> UInt32 {
        if index >= 624 { twist() }
        let y = state32[index]
        index += 1
        return Generator.temper(y)
    }

    @inline(__always)
    private static func temper(_ word: UInt32) -> UInt32 {
        var y = word
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// body(i, the i-th of `count` consecutive next32() draws): the raw words
    /// a block at a time, tempered by the kernels (call inside withLock).
    @inline(__always)
    func draws32(_ count: Int, _ body: (Int, UInt32) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 1024) { buffer in
            guard let words = buffer.baseAddress else { return }
            var done = 0
            while done < count {
                let n = Swift.min(1024, count - done)
                rawWords(n, into: words)
                kernels.temperWords(words, n)
                for k in 0..<n { body(done + k, words[k]) }
                done += n
            }
        }
    }

    /// The next `count` words of the stream untempered, copied into `out` a
    /// run of the state at a time (the kernels temper them; call inside withLock).
    func rawWords(_ count: Int, into out: UnsafeMutablePointer<UInt32>) {
        var done = 0
        while done < count {
            if index >= 624 { twist() }
            let run = Swift.min(624 - index, count - done)
            (out + done).update(from: state32 + index, count: run)
            index += run
            done += run
        }
    }

    /// uniformFloat()'s transform of one 32-bit draw.
    @inline(__always)
    static func unitFloat(_ draw: UInt32) -> Float { Float(Double(draw & 0xff_ffff) * 0x1p-24) }

    func next64() -> UInt64 {
        let hi = UInt64(next32())
        let lo = UInt64(next32())
        return (hi << 32) | lo
    }

    /// Uniform in [0, 1) with float32's 24 bits of mantissa, from one 32-bit draw.
    func uniformFloat() -> Float { Generator.unitFloat(next32()) }

    /// Uniform in [0, 1) with float64's 53 bits, from one 64-bit draw.
    func uniformDouble() -> Double {
        Double(next64() & 0x1f_ffff_ffff_ffff) * 0x1p-53
    }

    /// torch's scalar normal sampler (used for tensors under 16 elements):
    /// Box–Muller in double precision, caching the sine half.
    func normalDouble() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached
        }
        let u1 = uniformDouble()
        let u2 = uniformDouble()
        let radius = (-2.0 * log1p(-u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        cachedNormal = radius * sin(theta)
        return radius * cos(theta)
    }
}
