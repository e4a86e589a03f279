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

private func archive(_ pointer: OpaquePointer?) throws -> Archive {
    try Handles.borrow(pointer, .archive, as: Archive.self, "archive")
}

private func index(_ i: Int, _ count: Int, _ what: String) throws -> Int {
    guard i >= 0 && i < count else { throw CajalError.index("\(what) index \(i) is out of range for \(count) entries") }
    return i
}

private func string(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> String {
    guard let pointer else { throw CajalError(.nullArgument, "\(name) is NULL") }
    return String(cString: pointer)
}

@_cdecl("cajal_safetensors_save")
public func cajal_safetensors_save(_ path: UnsafePointer<CChar>?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
                                   _ tensors: UnsafePointer<OpaquePointer?>?, _ count: Int,
                                   _ metadataKeys: UnsafePointer<UnsafePointer<CChar>?>?,
                                   _ metadataValues: UnsafePointer<UnsafePointer<CChar>?>?, _ metadataCount: Int) -> Int32 {
    status {
        let list = try tensorList(tensors, count, "tensors")
        guard count == 0 || names != nil else { throw CajalError(.nullArgument, "names is NULL") }
        let named = try list.enumerated().map { i, t in (name: try string(names?[i], "names[\(i)]"), tensor: t) }
        let metadataCount = try checkedCount(metadataCount, "metadata", limit: maxListCount)
        guard metadataCount == 0 || (metadataKeys != nil && metadataValues != nil) else {
            throw CajalError(.nullArgument, "metadata keys or values are NULL")
        }
        var metadata: [String: String] = [:]
        for i in 0..<metadataCount {
            metadata[try string(metadataKeys?[i], "metadata key \(i)")] = try string(metadataValues?[i], "metadata value \(i)")
        }
        try SafeTensors.save(named, metadata: metadata, to: string(path, "path"))
    }
}

@_cdecl("cajal_safetensors_load")
public func cajal_safetensors_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    status {
        guard let out else { throw CajalError(.nullArgument, "output pointer is NULL") }
        let loaded = Archive(try SafeTensors.load(from: string(path, "path")))
        out.pointee = Handles.hand(loaded, .archive)
    }
}

@_cdecl("cajal_archive_free")
public func cajal_archive_free(_ a: OpaquePointer?) {
    Handles.release(a, .archive)
}

@_cdecl("cajal_archive_count")
public func cajal_archive_count(_ a: OpaquePointer?, _ tensorCount: UnsafeMutablePointer<Int>?,
                                _ metadataCount: UnsafeMutablePointer<Int>?) -> Int32 {
    status {
        let archive = try archive(a)
        tensorCount?.pointee = archive.tensors.count
        metadataCount?.pointee = archive.metadata.count
    }
}

@_cdecl("cajal_archive_tensor")
public func cajal_archive_tensor(_ a: OpaquePointer?, _ i: Int, _ name: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                 _ out: TensorOut?) -> Int32 {
    status {
        let archive = try archive(a)
        let k = try index(i, archive.tensors.count, "tensor")
        guard let out else { throw CajalError(.nullArgument, "output pointer is NULL") }
        name?.pointee = UnsafePointer(archive.names[k])
        out.pointee = handle(archive.tensors[k])
    }
}

@_cdecl("cajal_archive_metadata")
public func cajal_archive_metadata(_ a: OpaquePointer?, _ i: Int, _ key: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                   _ value: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    status {
        let archive = try archive(a)
        let k = try index(i, archive.metadata.count, "metadata")
        key?.pointee = UnsafePointer(archive.metadata[k].key)
        value?.pointee = UnsafePointer(archive.metadata[k].value)
    }
}
