extension String {
    /// The message a CTLSFiles checker wrote into `buffer`: NUL-terminated, or filling it. Route
    /// loading (`tls:` blocks) and the HTTPS listener's certificate report it the same way.
    public init(checkerMessage buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
