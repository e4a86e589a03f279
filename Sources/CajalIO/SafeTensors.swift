import CajalCore
import CajalRuntime
import Glibc

/// Reading and writing the safetensors format (https://huggingface.co/docs/safetensors):
/// an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data.
///
/// Writes are atomic: the file is written under a temporary name in the same
/// folder, fsynced and renamed over the target, so a crash leaves either the
/// old file or the new one. cajal adds a CRC-32 of the data to the metadata
/// ("cajal.data_crc32") and checks it on load; files from other writers are
/// checked structurally. Loading parses data only; nothing in a file runs.
public enum SafeTensors {
    /// The key of the data checksum in the metadata.
    public static let checksumKey = "cajal.data_crc32"

    static let dtypeNames: [DType: String] = [.float32: "F32", .float64: "F64", .int64: "I64", .bool: "BOOL", .int32: "I32",
                                              .int16: "I16", .int8: "I8", .uint8: "U8", .float16: "F16", .bfloat16: "BF16"]
    static let maxHeaderBytes = 100_000_000

    // MARK: save

    /// Writes the named tensors (in the given order) and string metadata to `path`, atomically.
    public static func save(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                            to path: String) throws {
        let op = "save"
        var seen = Set<String>()
        for (name, _) in tensors where !seen.insert(name).inserted {
            throw CajalError.value("[\(op)] the tensor name '\(name)' appears twice")
        }
        let dense = try tensors.map { name, t -> (String, Tensor) in
            guard dtypeNames[t.dtype] != nil else { throw CajalError.notImplemented("[\(op)] dtype \(t.dtype) cannot be saved") }
            return (name, try GradMode.withDisabled { try t.isContiguous ? t : t.materialized() })
        }
        var entries: [(String, HeaderJSON)] = []
        var offset = 0
        var crc = CRC32()
        for (name, t) in dense {
            let bytes = t.count * t.dtype.itemSize
            entries.append((name, .object([("dtype", .string(dtypeNames[t.dtype] ?? "F32")),
                                           ("shape", .array(t.shape.map { .integer(Int64($0)) })),
                                           ("data_offsets", .array([.integer(Int64(offset)), .integer(Int64(offset + bytes))]))])))
            offset += bytes
            crc.update(UnsafeRawBufferPointer(start: t.dataPointer, count: bytes))
        }
        var meta = metadata
        meta[checksumKey] = String(crc.value, radix: 16)
        let metaJSON = HeaderJSON.object(meta.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
        var header = Array(HeaderJSON.object([("__metadata__", metaJSON)] + entries).serialized.utf8)
        // Pad with spaces so that the data starts 8-byte aligned, as the reference writer does.
        while header.count % 8 != 0 { header.append(0x20) }

        let file = try AtomicFile(path: path, op: op)
        do {
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { try file.write($0) }
            try header.withUnsafeBytes { try file.write($0) }
            for (_, t) in dense {
                try file.write(UnsafeRawBufferPointer(start: t.dataPointer, count: t.count * t.dtype.itemSize))
            }
            try file.commit()
        } catch {
            file.abandon()
            throw error
        }
    }

    // MARK: load

    /// The tensors (in file order) and the metadata of a safetensors file.
    public static func load(from path: String) throws -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
        let op = "load"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CajalError.runtime("[\(op)] cannot open '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CajalError.runtime("[\(op)] cannot stat '\(path)'") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw CajalError.runtime("[\(op)] '\(path)' is not a regular file") }
        let size = Int(info.st_size)
        func corrupt(_ why: String) -> CajalError {
            CajalError.runtime("[\(op)] '\(path)' is not a valid safetensors checkpoint: \(why)")
        }
        guard size >= 8 else { throw corrupt("it has \(size) bytes, fewer than the 8-byte header length") }
        var length: UInt64 = 0
        try withUnsafeMutableBytes(of: &length) { try readFully(fd, $0, at: 0, op: op, path: path) }
        let headerLength = UInt64(littleEndian: length)
        guard headerLength <= UInt64(min(size - 8, maxHeaderBytes)) else {
            throw corrupt("the header claims \(headerLength) bytes but the file has \(size) (truncated, or not a safetensors file)")
        }
        var headerBytes = [UInt8](repeating: 0, count: Int(headerLength))
        try headerBytes.withUnsafeMutableBytes { try readFully(fd, $0, at: 8, op: op, path: path) }
        let header: HeaderJSON
        do { header = try HeaderJSON.parse(headerBytes) } catch let error as CajalError { throw corrupt(error.message) }
        guard case .object(let members) = header else { throw corrupt("the header is not a JSON object") }

        var metadata: [String: String] = [:]
        var specs: [(name: String, dtype: DType, shape: [Int], begin: Int, end: Int)] = []
        let dtypes = Dictionary(uniqueKeysWithValues: dtypeNames.map { ($1, $0) })
        for (name, entry) in members {
            if name == "__metadata__" {
                guard case .object(let pairs) = entry else { throw corrupt("__metadata__ is not an object") }
                for (key, value) in pairs {
                    guard case .string(let text) = value else { throw corrupt("metadata '\(key)' is not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard case .string(let dtypeName)? = entry["dtype"], case .array(let dims)? = entry["shape"],
                  case .array(let offsets)? = entry["data_offsets"], offsets.count == 2,
                  case .integer(let begin) = offsets[0], case .integer(let end) = offsets[1] else {
                throw corrupt("the entry for '\(name)' lacks a dtype, shape or data_offsets")
            }
            guard let dtype = dtypes[dtypeName] else {
                throw CajalError.notImplemented("[\(op)] tensor '\(name)' in '\(path)' has dtype \(dtypeName); cajal loads \(dtypeNames.values.sorted().joined(separator: ", "))")
            }
            var shape: [Int] = []
            for dim in dims {
                guard case .integer(let d) = dim, d >= 0, d < 1 << 40 else { throw corrupt("tensor '\(name)' has a bad shape") }
                shape.append(Int(d))
            }
            guard shape.count <= 64 else { throw corrupt("tensor '\(name)' has \(shape.count) dims") }
            let count = try checkedNumel(shape, op: op)
            guard begin >= 0, end >= begin, end - begin == Int64(count * dtype.itemSize) else {
                throw corrupt("tensor '\(name)' of shape \(shapeString(shape)) (\(dtype)) has data_offsets [\(begin), \(end)]")
            }
            guard !specs.contains(where: { $0.name == name }) else { throw corrupt("the tensor name '\(name)' appears twice") }
            specs.append((name, dtype, shape, Int(begin), Int(end)))
        }
        // The byte ranges must tile the data section exactly, as the format requires.
        let dataStart = 8 + Int(headerLength), dataBytes = size - dataStart
        var cursor = 0
        for spec in specs.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard spec.begin == cursor else { throw corrupt("the byte ranges overlap or leave a gap at \(cursor)") }
            cursor = spec.end
        }
        guard cursor == dataBytes else {
            throw corrupt(cursor > dataBytes ? "the data section has \(dataBytes) bytes but the header needs \(cursor) (truncated file)"
                                             : "\(dataBytes - cursor) unexpected bytes after the last tensor")
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        var crc = CRC32()
        for spec in specs.sorted(by: { $0.begin < $1.begin }) {
            let t = try Tensor(uninitializedShape: spec.shape, dtype: spec.dtype, op: op)
            let buffer = UnsafeMutableRawBufferPointer(start: t.dataPointer, count: spec.end - spec.begin)
            try readFully(fd, buffer, at: dataStart + spec.begin, op: op, path: path)
            crc.update(UnsafeRawBufferPointer(buffer))
            if spec.dtype == .bool {
                guard buffer.allSatisfy({ $0 <= 1 }) else { throw corrupt("bool tensor '\(spec.name)' holds bytes other than 0 and 1") }
            }
            tensors.append((spec.name, t))
        }
        if let stored = metadata[checksumKey], String(crc.value, radix: 16) != stored {
            throw corrupt("the data does not match its checksum (the file is corrupted)")
        }
        // Header order, as the safetensors package returns it.
        let order = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1.0, $0) })
        tensors.sort { (order[$0.name] ?? 0) < (order[$1.name] ?? 0) }
        return (tensors, metadata)
    }

    private static func readFully(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, at offset: Int, op: String, path: String) throws {
        guard let base = buffer.baseAddress else { return }  // nothing to read
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw CajalError.runtime("[\(op)] '\(path)' ended early or could not be read (truncated file)") }
            done += n
        }
    }
}

/// A file written under a temporary name and renamed into place by `commit`.
final class AtomicFile {
    let path: String, temporary: String, op: String
    private var fd: Int32

    init(path: String, op: String) throws {
        self.path = path
        self.op = op
        let (folder, base) = AtomicFile.split(path)
        guard !base.isEmpty else { throw CajalError.value("[\(op)] '\(path)' names a folder, not a file") }
        temporary = (folder == "." ? "" : folder.hasSuffix("/") ? folder : folder + "/")
            + ".\(base).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CajalError.runtime("[\(op)] cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }  // nothing to write
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, base + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw CajalError.runtime("[\(op)] writing '\(path)' failed: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    /// fsync, rename over the target, and fsync the folder so the rename is durable.
    func commit() throws {
        guard fsync(fd) == 0 else { throw CajalError.runtime("[\(op)] fsync of '\(path)' failed: \(String(cString: strerror(errno)))") }
        close(fd)
        fd = -1
        guard rename(temporary, path) == 0 else {
            throw CajalError.runtime("[\(op)] cannot replace '\(path)': \(String(cString: strerror(errno)))")
        }
        let dir = open(AtomicFile.split(path).folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            close(dir)
        }
    }

    /// The folder ("." for a bare name, "/" at the root) and the file name.
    static func split(_ path: String) -> (folder: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        return (folder, String(path[path.index(after: slash)...]))
    }

    /// Removes the temporary file after a failed write; the target is untouched.
    func abandon() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporary)
    }
}

/// CRC-32 (IEEE 802.3, as zlib's crc32), table-driven.
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    private var state: UInt32 = 0xffff_ffff

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var c = state
        Self.table.withUnsafeBufferPointer { table in
            for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8) }
        }
        state = c
    }

    var value: UInt32 { state ^ 0xffff_ffff }
}
