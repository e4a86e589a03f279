/// How every integer a user hands the engine is kept from trapping.
///
/// A Swift trap kills the host process (for a Python user, the whole session),
/// so no integer from outside may reach a size, an offset, a loop bound or an
/// allocation unchecked. The rule has two parts:
///
/// 1. Each integer argument is bounded where it enters an op (`Arguments`),
///    before it is used: geometry (kernel sizes, strides, paddings, dilations,
///    scale factors, groups) within `Limits.maxGeometry`, sizes and offsets
///    within `Limits.maxElements`.
/// 2. Every size computed from such values goes through the checked
///    arithmetic below (`product`, `sum`, `difference`), which reports overflow
///    as a `CajalError` naming the op and the argument instead of trapping.
///
/// Element counts are checked by `checkedNumel` and allocations by
/// `MemoryBudget` before any memory (Swift arrays included) is taken.
public enum Limits {
    /// The most elements a tensor may have, far beyond any memory: byte counts
    /// and element offsets of such a tensor still fit an Int many times over.
    public static let maxElements = 1 << 51
    /// The largest kernel size, stride, padding, dilation, scale factor or
    /// group count (torch's pooling and interpolation take C `int`s too). Two
    /// such values multiply without overflow; three need `Arguments.product`.
    public static let maxGeometry = Int(Int32.max)
    /// The most dims a shape may have.
    public static let maxRank = 64
}

/// The checks of one op's integer arguments; each failure names the op and the argument:
/// `[conv2d] padding 4611686018427387904 is too large (at most 2147483647)`.
package struct Arguments {
    package let op: String

    package init(_ op: String) { self.op = op }

    /// `value` when |value| <= limit.
    package func bounded(_ value: Int, _ name: String, limit: Int = Limits.maxGeometry) throws -> Int {
        guard value <= limit else { throw CajalError.value("[\(op)] \(name) \(value) is too large (at most \(limit))") }
        guard value >= -limit else { throw CajalError.value("[\(op)] \(name) \(value) is too small (at least \(-limit))") }
        return value
    }

    package func bounded(_ values: [Int], _ name: String, limit: Int = Limits.maxGeometry) throws -> [Int] {
        for value in values { _ = try bounded(value, name, limit: limit) }
        return values
    }

    /// A size, a count or an offset: |value| <= Limits.maxElements.
    package func size(_ value: Int, _ name: String) throws -> Int {
        try bounded(value, name, limit: Limits.maxElements)
    }

    package func sizes(_ values: [Int], _ name: String) throws -> [Int] {
        try bounded(values, name, limit: Limits.maxElements)
    }

    /// a * b, or an error that says which quantity is too large.
    package func product(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw tooLarge(what()) }
        return result
    }

    /// The product of all `values`.
    package func product(_ values: [Int], _ what: @autoclosure () -> String) throws -> Int {
        var result = 1
        for value in values { result = try product(result, value, what()) }
        return result
    }

    package func sum(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (result, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw tooLarge(what()) }
        return result
    }

    func difference(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (result, overflow) = a.subtractingReportingOverflow(b)
        guard !overflow else { throw tooLarge(what()) }
        return result
    }

    /// An Int64 from a tensor or a C caller as an Int of the same value (64-bit platforms only).
    func integer(_ value: Int64, _ name: String) throws -> Int {
        guard let result = Int(exactly: value) else { throw tooLarge("\(name) \(value)") }
        return result
    }

    /// A double that must become an integer size or index (e.g. a scaled
    /// coordinate): finite and within `limit`, rounded down.
    func integer(flooring value: Double, _ name: String, limit: Int = Limits.maxElements) throws -> Int {
        guard value.isFinite, value.magnitude <= Double(limit) else {
            throw CajalError.value("[\(op)] \(name) \(value) is out of range (at most \(limit))")
        }
        return Int(value.rounded(.down))
    }

    func tooLarge(_ what: String) -> CajalError {
        CajalError.value("[\(op)] \(what) is too large")
    }
}
