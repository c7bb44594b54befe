import Foundation
import NIOCore

extension JSONWriter {
    /// Room reserved in the answer's buffer that a run of small pieces (items, their commas and
    /// tails) is copied into with plain `memcpy`s: every `ByteBuffer` write checks uniqueness,
    /// capacity and exclusivity, and a merged list would otherwise pay that four or five times an
    /// item. Writing past the room reserved traps (it is a bound the caller computed wrongly),
    /// it never runs over.
    struct RawOutput {
        private let base: UnsafeMutableRawPointer
        let capacity: Int
        private(set) var count = 0

        fileprivate init(base: UnsafeMutableRawPointer, capacity: Int) {
            self.base = base
            self.capacity = capacity
        }

        var remaining: Int { capacity - count }

        mutating func append(_ bytes: UnsafeRawBufferPointer) {
            guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
            precondition(bytes.count <= capacity - count, "RawOutput: more bytes than reserved")
            (base + count).copyMemory(from: from, byteCount: bytes.count)
            count += bytes.count
        }

        mutating func append(_ byte: UInt8) {
            precondition(count < capacity, "RawOutput: more bytes than reserved")
            base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
            count += 1
        }

        mutating func append(_ text: StaticString) {
            append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        /// As `JSONWriter.writeDouble`: the shortest round-trip text, `null` when not finite; at
        /// most `JSONWriter.maximumDoubleLength` bytes.
        mutating func appendDouble(_ number: Double) {
            guard number.isFinite else {
                append("null")
                return
            }
            var text = DoubleText()
            number.write(to: &text)
            withUnsafeBytes(of: &text.storage) { append(UnsafeRawBufferPointer(rebasing: $0[0..<text.length])) }
        }
    }

    /// The most bytes `writeDouble` and `RawOutput.appendDouble` write.
    static var maximumDoubleLength: Int { 32 }

    /// Reserves `maximumCount` bytes and lets `body` fill any part of them through a
    /// `RawOutput`; the writer then holds what `body` wrote. One `ByteBuffer` call for the run.
    mutating func withRawOutput(maximumCount: Int, _ body: (inout RawOutput) -> Void) {
        guard maximumCount > 0 else { return }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: maximumCount) { room in
            var output = RawOutput(base: room.baseAddress!, capacity: min(maximumCount, room.count))
            body(&output)
            return output.count
        }
    }
}
