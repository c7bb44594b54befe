import CCurlShim
import NIOCore

/// How many CPUs this process may run on. NIO's `System.coreCount` honours cgroup limits but
/// not the affinity mask, so a gateway started under `taskset -c 0` would run two event loops
/// (and their hops) on one core.
enum UsableCores {
    static var count: Int {
        count(affinity: affinityCount(), system: System.coreCount)
    }

    /// The smaller of the affinity mask's size and the system's count; the system's when the
    /// mask could not be read.
    static func count(affinity: Int?, system: Int) -> Int {
        let system = max(system, 1)
        guard let affinity, affinity > 0 else { return system }
        return min(affinity, system)
    }

    /// CPUs in this thread's affinity mask (sched_getaffinity), nil when it cannot be read.
    static func affinityCount() -> Int? {
        let count = Int(gather_affinity_cpu_count())
        return count > 0 ? count : nil
    }
}
