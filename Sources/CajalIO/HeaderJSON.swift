import CajalCore
import CajalRuntime
/// The small JSON subset a safetensors header uses (objects, arrays, strings,
/// integers, true/false/null), parsed and written without Foundation.
/// Parsing is strict and bounded: any malformed byte is an error, never a trap.
enum HeaderJSON: Equatable {
    case object([(String, HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case null

    static func == (a: HeaderJSON, b: HeaderJSON) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    subscript(key: String) -> HeaderJSON? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    // MARK: parsing

    static func parse(_ bytes: [UInt8]) throws -> HeaderJSON {
        var parser = Parser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.at == bytes.count else { throw parser.error("unexpected bytes after the JSON value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var at = 0

        func error(_ message: String) -> CajalError {
            CajalError.runtime("the safetensors header is not valid JSON: \(message) at byte \(at)")
        }

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[at]) { at += 1 }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard at < bytes.count, bytes[at] == byte else { throw error("expected '\(literal)'") }
                at += 1
            }
        }

        mutating func value(depth: Int) throws -> HeaderJSON {
            guard depth < 64 else { throw error("nesting deeper than 64 levels") }
            skipSpace()
            guard at < bytes.count else { throw error("unexpected end") }
            switch bytes[at] {
            case UInt8(ascii: "{"):
                at += 1
                var members: [(String, HeaderJSON)] = []
                skipSpace()
                if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard case .string(let key) = try value(depth: depth + 1) else { throw error("object keys must be strings") }
                    skipSpace()
                    try expect(":")
                    members.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard at < bytes.count else { throw error("unexpected end in an object") }
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    try expect("}")
                    return .object(members)
                }
            case UInt8(ascii: "["):
                at += 1
                var items: [HeaderJSON] = []
                skipSpace()
                if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
                while true {
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard at < bytes.count else { throw error("unexpected end in an array") }
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default:
                return try number()
            }
        }

        mutating func number() throws -> HeaderJSON {
            let start = at
            while at < bytes.count, "+-0123456789.eE".utf8.contains(bytes[at]) { at += 1 }
            guard at > start, let text = String(validating: bytes[start..<at], as: UTF8.self) else { throw error("expected a value") }
            if let integer = Int64(text) { return .integer(integer) }
            if let double = Double(text) { return .number(double) }
            throw error("bad number '\(text)'")
        }

        mutating func hexQuad() throws -> UInt32 {
            guard at + 4 <= bytes.count, let text = String(validating: bytes[at..<(at + 4)], as: UTF8.self),
                  let value = UInt32(text, radix: 16) else { throw error("bad \\u escape") }
            at += 4
            return value
        }

        mutating func string() throws -> String {
            at += 1  // the opening quote
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush() throws {
                guard let text = String(validating: run, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                scalars.append(contentsOf: text.unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""):
                    try flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    try flush()
                    guard at < bytes.count else { break }
                    let escape = bytes[at]
                    at += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0c}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hexQuad()
                        if (0xd800..<0xdc00).contains(code) {
                            try expect("\\u")
                            let low = try hexQuad()
                            guard (0xdc00..<0xe000).contains(low) else { throw error("unpaired surrogate") }
                            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw error("bad \\u escape") }
                        scalars.append(scalar)
                    default: throw error("bad escape")
                    }
                default:
                    guard byte >= 0x20 else { throw error("control character in a string") }
                    run.append(byte)
                }
            }
            throw error("unterminated string")
        }
    }

    // MARK: writing

    var serialized: String {
        switch self {
        case .object(let members):
            return "{" + members.map { Self.quote($0.0) + ":" + $0.1.serialized }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(\.serialized).joined(separator: ",") + "]"
        case .string(let s): return Self.quote(s)
        case .integer(let v): return String(v)
        case .number(let v): return v.isFinite ? String(v) : "null"
        case .bool(let v): return v ? "true" : "false"
        case .null: return "null"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
