/// When a fan-out answers (contract: "Completion rules").
public enum CompletionRule: String, Sendable, Equatable {
    case all
    case quorum
    case first
}
