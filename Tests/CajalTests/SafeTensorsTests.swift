import Foundation
import Testing
import Cajal

/// The Swift API saves and loads the same checkpoint format as the Python front.
struct SafeTensorsTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cajal-\(UUID().uuidString)-\(name)").path
    }

    @Test func moduleStateRoundTrip() throws {
        let model = try Linear(3, 2)
        let path = temporaryPath("linear.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.save(model.stateDict(), metadata: ["epoch": "3"], to: path)
        let (tensors, metadata) = try SafeTensors.load(from: path)
        #expect(tensors.map(\.name) == ["weight", "bias"])
        #expect(metadata["epoch"] == "3" && metadata[SafeTensors.checksumKey] != nil)
        let other = try Linear(3, 2)
        try other.loadStateDict(Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.tensor) }))
        #expect(try other.parameter("weight")!.toArray(Float.self) == model.parameter("weight")!.toArray(Float.self))
    }

    @Test func damagedFilesThrow() throws {
        let path = temporaryPath("damaged.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.save([("x", try Tensor([1.0, 2.0, 3.0] as [Double]))], to: path)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 3] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: CajalError.self) { try SafeTensors.load(from: path) }
        try Data(bytes.prefix(bytes.count - 8)).write(to: URL(fileURLWithPath: path))
        #expect(throws: CajalError.self) { try SafeTensors.load(from: path) }
        #expect(throws: CajalError.self) { try SafeTensors.load(from: path + ".missing") }
    }
}
