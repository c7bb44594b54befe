import CCurl
import CCurlShim

/// The C function pointers handed to libcurl. Userdata pointers are unretained: the transfer
/// thread keeps transfers (and itself) alive for as long as libcurl can call back.
enum CurlCallbacks {
    static let write: gather_data_callback = { data, size, count, userdata in
        guard let userdata else {
            return 0
        }
        let (length, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow else {
            return 0
        }
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        let accepted = transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
        return accepted ? length : 0
    }

    static let header: gather_data_callback = { data, size, count, userdata in
        guard let userdata else {
            return 0
        }
        let (length, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow else {
            return 0
        }
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        let accepted = transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
        return accepted ? length : 0
    }

    static let socket: curl_socket_callback = { _, socket, what, userp, socketp in
        guard let userp else {
            return -1
        }
        let thread = Unmanaged<TransferThread>.fromOpaque(userp).takeUnretainedValue()
        thread.socketChanged(socket, what: what, known: socketp != nil)
        return 0
    }

    /// Tells the thread before the socket goes (its epoll bookkeeping must not outlive it), then
    /// closes it as libcurl would.
    static let closeSocket: curl_closesocket_callback = { clientp, socket in
        if let clientp {
            Unmanaged<TransferThread>.fromOpaque(clientp).takeUnretainedValue().socketClosed(socket)
        }
        return gather_close_socket(socket)
    }

    static let timer: curl_multi_timer_callback = { _, timeoutMilliseconds, userp in
        guard let userp else {
            return -1
        }
        let thread = Unmanaged<TransferThread>.fromOpaque(userp).takeUnretainedValue()
        thread.timerChanged(timeoutMilliseconds)
        return 0
    }
}
