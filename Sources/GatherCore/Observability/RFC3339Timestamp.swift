/// `2026-11-21T05:40:35.123Z`: UTC with milliseconds, computed by hand (days to civil date,
/// H. Hinnant's algorithm) because a `DateFormatter` per log line costs more than the request.
public enum RFC3339Timestamp {
    /// Appends the timestamp for `milliseconds` since 1970-01-01T00:00:00Z (earlier is clamped).
    public static func append(millisecondsSinceEpoch milliseconds: Int64, to writer: inout JSONWriter) {
        let clamped = max(0, milliseconds)
        let days = clamped / 86_400_000
        let inDay = clamped % 86_400_000
        let (year, month, day) = civil(fromDays: days)
        appendDigits(year, count: 4, to: &writer)
        writer.writeByte(UInt8(ascii: "-"))
        appendDigits(month, count: 2, to: &writer)
        writer.writeByte(UInt8(ascii: "-"))
        appendDigits(day, count: 2, to: &writer)
        writer.writeByte(UInt8(ascii: "T"))
        appendDigits(inDay / 3_600_000, count: 2, to: &writer)
        writer.writeByte(UInt8(ascii: ":"))
        appendDigits(inDay / 60_000 % 60, count: 2, to: &writer)
        writer.writeByte(UInt8(ascii: ":"))
        appendDigits(inDay / 1000 % 60, count: 2, to: &writer)
        writer.writeByte(UInt8(ascii: "."))
        appendDigits(inDay % 1000, count: 3, to: &writer)
        writer.writeByte(UInt8(ascii: "Z"))
    }

    public static func string(millisecondsSinceEpoch milliseconds: Int64) -> String {
        var writer = JSONWriter(reservingCapacity: 24)
        append(millisecondsSinceEpoch: milliseconds, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func appendDigits(_ value: Int64, count: Int, to writer: inout JSONWriter) {
        var divisor: Int64 = 1
        for _ in 1..<count { divisor *= 10 }
        var remaining = value % (divisor * 10)
        while divisor > 0 {
            writer.writeByte(UInt8(ascii: "0") + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }
}
