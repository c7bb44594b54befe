import CCurl
import CCurlShim

/// A reusable easy handle with its CURLOPT_ERRORBUFFER (which must outlive every transfer
/// the handle runs, so it travels with the handle).
struct PooledEasyHandle {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// The handle still holds every option a plain GET sets (its last transfer was one and it was
    /// not reset since): the next plain GET only sets what differs per request.
    var holdsPlainGetOptions = false

    init?() {
        guard let handle = curl_easy_init() else {
            return nil
        }
        self.handle = handle
        let size = Int(gather_error_size)
        errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    /// libcurl's text for the last failure, else the generic text for `code`.
    func errorText(for code: CURLcode) -> String {
        if errorBuffer[0] != 0 {
            var text = String(cString: errorBuffer)
            while text.last == "\n" {
                text.removeLast()
            }
            return text
        }
        return String(cString: curl_easy_strerror(code))
    }

    func destroy() {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }
}
