import CCurl

/// One transfer thread's idle easy handles. Reusing them keeps libcurl's per-handle buffers
/// warm; connections live in the multi handle's cache either way.
final class EasyHandlePool {
    private var idle: [PooledEasyHandle] = []
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        idle.reserveCapacity(min(capacity, 64))
    }

    func acquire() -> PooledEasyHandle? {
        if let reused = idle.popLast() {
            return reused
        }
        return PooledEasyHandle()
    }

    /// Resets the handle (dropping the finished transfer's options) and keeps it, or frees it
    /// when the pool is full.
    func release(_ easy: PooledEasyHandle) {
        guard idle.count < capacity else {
            easy.destroy()
            return
        }
        curl_easy_reset(easy.handle)
        easy.errorBuffer[0] = 0
        idle.append(easy)
    }

    func destroyAll() {
        for easy in idle {
            easy.destroy()
        }
        idle.removeAll()
    }
}
