/// Splits a `text/event-stream` body into its events (enough of the format for the tests).
enum ServerSentEvents {
    struct Event {
        var event: String
        var data: String
    }

    static func parse(_ text: String) -> [Event] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var event = "message"
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix("event:") { event = line.dropFirst(6).trimmingCharacters(in: .whitespaces) }
                if line.hasPrefix("data:") { data.append(String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces)) }
            }
            return data.isEmpty ? nil : Event(event: event, data: data.joined(separator: "\n"))
        }
    }
}

import Foundation
