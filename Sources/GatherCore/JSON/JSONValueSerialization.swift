extension JSONValue {
    /// Compact JSON bytes of this value.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.bytes
    }

    /// Compact JSON text of this value; meant for tests and messages, not the hot path.
    public var jsonText: String {
        String(decoding: serialized(), as: UTF8.self)
    }
}
