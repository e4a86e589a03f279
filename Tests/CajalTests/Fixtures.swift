import Foundation
import Cajal

/// A JSON value of the fixture files.
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        // -0.0 also decodes as the integer 0: keep its sign (digamma(-0.0) is +inf).
        else if let v = try? c.decode(Int64.self), !(v == 0 && (try? c.decode(Double.self))?.sign == .minus) { self = .integer(v) }
        else if let v = try? c.decode(Double.self) { self = .number(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSONValue].self) { self = .array(v) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var double: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .number(let v): return v
        case .bool(let v): return v ? 1 : 0
        case .string(let s): return s == "nan" ? .nan : s == "inf" ? .infinity : s == "-inf" ? -.infinity : nil
        default: return nil
        }
    }

    var int: Int? {
        if case .integer(let v) = self { return Int(v) }
        return nil
    }

    var ints: [Int]? {
        if case .array(let items) = self { return items.compactMap(\.int) }
        if let v = int { return [v] }
        return nil
    }

    var bool: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    var string: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let d) = self { return d[key] }
        return nil
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// A tensor as the fixtures store it: a list of values, or base64 of its bytes.
struct FixtureTensor: Decodable, Sendable {
    let dtype: String
    let shape: [Int]
    let data: [JSONValue]?
    let b64: String?
    /// The layout torch gave an op's output.
    let strides: [Int]?

    var dType: DType { DType(name: dtype)! }

    /// The elements as doubles (bool as 0/1).
    func values() -> [Double] {
        if let b64, let bytes = Data(base64Encoded: b64) {
            return bytes.withUnsafeBytes { raw -> [Double] in
                switch dType {
                case .float32: return raw.bindMemory(to: Float.self).map { Double($0) }
                case .float64: return Array(raw.bindMemory(to: Double.self))
                case .int64: return raw.bindMemory(to: Int64.self).map { Double($0) }
                case .bool: return raw.map { $0 != 0 ? 1 : 0 }
                case .int32: return raw.bindMemory(to: Int32.self).map { Double($0) }
                case .int16: return raw.bindMemory(to: Int16.self).map { Double($0) }
                case .int8: return raw.bindMemory(to: Int8.self).map { Double($0) }
                case .uint8: return raw.map { Double($0) }
                case .float16: return raw.bindMemory(to: Float16.self).map { Double(Float($0)) }
                case .bfloat16: return raw.bindMemory(to: Float.self).map { Double($0) }  // written as float32
                case .complex64, .complex128: return []  // the fixtures hold complex results as their real views
                }
            }
        }
        return (data ?? []).map { $0.double ?? .nan }
    }

    func tensor() throws -> Tensor {
        let v = values()
        switch dType {
        case .float32: return try Tensor(v.map { Float($0) }, shape: shape)
        case .float64: return try Tensor(v, shape: shape)
        case .int64: return try Tensor(v.map { Int64($0) }, shape: shape)
        case .bool: return try Tensor(v.map { $0 != 0 }, shape: shape)
        default: return try Tensor(v, shape: shape).to(dType)  // every storage value is exact in float64
        }
    }
}

struct FixtureInput: Decodable, Sendable {
    let data: FixtureTensor
    let requires_grad: Bool
    let view: [JSONValue]
}

struct FixtureCase: Decodable, Sendable, CustomStringConvertible {
    let name: String
    let op: String
    let attrs: JSONValue
    let inputs: [FixtureInput]
    let outputs: [FixtureTensor]
    let grad_weights: [FixtureTensor?]
    let grads: [FixtureTensor?]
    let atol: Double?

    var description: String { name }
}

private struct FixtureFile: Decodable {
    let cases: [FixtureCase]
}

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("reference/fixtures")

    /// Every case of every fixture file, and the files that failed to load.
    static let loaded: (cases: [FixtureCase], failures: [String]) = {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        var cases: [FixtureCase] = [], failures: [String] = []
        for url in files.filter({ $0.pathExtension == "json" }).sorted(by: { $0.path < $1.path }) {
            do {
                cases += try JSONDecoder().decode(FixtureFile.self, from: Data(contentsOf: url)).cases
            } catch {
                failures.append("\(url.lastPathComponent): \(error)")
            }
        }
        return (cases, failures)
    }()

    static var cases: [FixtureCase] { loaded.cases }
}

/// Compares a tensor with a fixture tensor: dtype, shape, values within tolerance.
func mismatch(_ actual: Tensor, _ expected: FixtureTensor, _ what: String, caseAtol: Double = 0) throws -> String? {
    if actual.dtype != expected.dType { return "\(what): dtype \(actual.dtype) != \(expected.dtype)" }
    if actual.shape != expected.shape { return "\(what): shape \(actual.shape) != \(expected.shape)" }
    if let strides = expected.strides, actual.count > 0 {
        // Compare on the dims where strides mean something.
        let layout = { (s: [Int]) in zip(expected.shape, s).filter { $0.0 > 1 }.map { $0.1 } }
        if layout(actual.strides) != layout(strides) {
            return "\(what): strides \(actual.strides) != torch's \(strides)"
        }
    }
    let got = try actual.toArray(Double.self)
    let want = expected.values()
    var (rtol, atol) = (0.0, 0.0)
    if actual.dtype == .float32 { (rtol, atol) = (1e-5, Swift.max(1e-6, caseAtol)) }
    if actual.dtype == .float64 { (rtol, atol) = (1e-9, 1e-12) }
    for (i, (g, e)) in zip(got, want).enumerated() {
        if e.isNaN {
            if !g.isNaN { return "\(what)[\(i)]: \(g) != nan" }
        } else if e.isInfinite {
            if g != e { return "\(what)[\(i)]: \(g) != \(e)" }
        } else if abs(g - e) > atol + rtol * abs(e) {
            return "\(what)[\(i)]: \(g) != \(e) (rtol \(rtol), atol \(atol))"
        }
    }
    return nil
}
