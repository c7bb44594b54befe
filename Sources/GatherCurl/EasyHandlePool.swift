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

    /// Keeps the handle, or frees it when the pool is full. A handle whose transfer was a plain
    /// GET keeps its options (the next plain GET overwrites every per-request one; anything else
    /// resets it first); any other is reset here, dropping the finished transfer's options.
    func release(_ easy: PooledEasyHandle, keepingPlainGetOptions: Bool) {
        guard idle.count < capacity else {
            easy.destroy()
            return
        }
        var kept = easy
        if !keepingPlainGetOptions {
            curl_easy_reset(kept.handle)
        }
        kept.holdsPlainGetOptions = keepingPlainGetOptions
        kept.errorBuffer[0] = 0
        idle.append(kept)
    }

    func destroyAll() {
        for easy in idle {
            easy.destroy()
        }
        idle.removeAll()
    }
}
