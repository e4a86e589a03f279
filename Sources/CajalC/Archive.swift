import Glibc
import Cajal

// safetensors checkpoints. A loaded file is a cajal_archive handle: its names,
// tensors and metadata are read by index, and its strings live until it is freed.

/// The result of SafeTensors.load with C copies of its strings.
final class Archive {
    let tensors: [Tensor]
    let names: [UnsafeMutablePointer<CChar>]
    let metadata: [(key: UnsafeMutablePointer<CChar>, value: UnsafeMutablePointer<CChar>)]

    init(_ loaded: (tensors: [(name: String, tensor: Tensor)], metadata: [String: String])) {
        tensors = loaded.tensors.map(\.tensor)
        names = loaded.tensors.map { strdup($0.name) }
        metadata = loaded.metadata.sorted { $0.key < $1.key }.map { (strdup($0.key), strdup($0.value)) }
    }

    deinit {
        for name in names { free(name) }
        for (key, value) in metadata { free(key); free(value) }
    }
}

func archiveArgument(_ pointer: OpaquePointer?) throws -> Archive {
    try Handles.borrow(pointer, .archive, as: Archive.self, "archive")
}

func archiveIndex(_ i: Int, _ count: Int, _ what: String) throws -> Int {
    guard i >= 0 && i < count else { throw CajalError.index("\(what) index \(i) is out of range for \(count) entries") }
    return i
}

func stringArgument(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> String {
    guard let pointer else { throw CajalError(.nullArgument, "\(name) is NULL") }
    return String(cString: pointer)
}
