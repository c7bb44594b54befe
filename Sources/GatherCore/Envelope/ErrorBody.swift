/// The body of a gateway-made error answer (404, 4xx on bad client input): `{"error":"..."}`.
public enum ErrorBody {
    public static func json(_ message: String) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: message.utf8.count + 16)
        writer.writeRaw("{\"error\":")
        writer.writeString(message)
        writer.writeByte(UInt8(ascii: "}"))
        return writer.bytes
    }
}
