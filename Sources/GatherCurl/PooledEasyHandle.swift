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
    /// The connection options (HTTP version, TLS) the handle holds since its last reset.
    let applied = AppliedConnectionOptions()

    init?() {
        guard let handle = curl_easy_init() else {
            return nil
        }
        self.handle = handle
        // TLS sessions are shared process-wide (a reset keeps the share): a new connection from
        // any handle resumes the session another one negotiated instead of a full handshake.
        if let share = gather_tls_session_share() {
            _ = gather_easy_setopt_ptr(handle, CURLOPT_SHARE, share)
        }
        let size = Int(gather_error_size)
        errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    /// libcurl's text for the last failure, else the generic text for `code`; TLS failures
    /// read `TLS: …` (see `TLSFailureText`).
    func errorText(for code: CURLcode) -> String {
        var text: String
        if errorBuffer[0] != 0 {
            text = String(cString: errorBuffer)
            while text.last == "\n" {
                text.removeLast()
            }
        } else {
            text = String(cString: curl_easy_strerror(code))
        }
        return TLSFailureText.describe(code: code, text: text) ?? text
    }

    func destroy() {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }
}

/// What `EasyHandleSetup` last applied on a handle (a box, as handles travel by value).
final class AppliedConnectionOptions {
    /// Identity matters: the same instance needs no option set again. nil: libcurl's defaults
    /// after a reset, plus HTTP/1.1.
    var options: UpstreamConnectionOptions?
}
