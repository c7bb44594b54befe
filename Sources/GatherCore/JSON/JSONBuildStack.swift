/// The elements of the containers `JSONReader` is inside, on one growable stack: a finished
/// container moves its elements off the top into an array of exactly its size. Growing every
/// container's own array instead costs log2(n) reallocations each (an object of four members
/// allocates three times), which was most of the parser's malloc traffic.
///
/// Elements are moved, never copied, so no reference counting happens on the way. Whatever is
/// still on the stack when parsing fails is released by `deinit`.
final class JSONBuildStack<Element> {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(initialCapacity: Int = 64) {
        capacity = max(initialCapacity, 4)
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func push(_ element: Element) {
        if count == capacity {
            grow()
        }
        (storage + count).initialize(to: element)
        count += 1
    }

    /// Moves the elements from `base` to the top into a new array, emptying that part of the stack.
    func popArray(from base: Int) -> [Element] {
        let length = count - base
        guard length > 0 else {
            return []
        }
        let source = storage + base
        let result = [Element](unsafeUninitializedCapacity: length) { buffer, initialized in
            if let destination = buffer.baseAddress {
                destination.moveInitialize(from: source, count: length)
            }
            initialized = length
        }
        count = base
        return result
    }

    private func grow() {
        let larger = capacity * 2
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: larger)
        moved.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = moved
        capacity = larger
    }
}
