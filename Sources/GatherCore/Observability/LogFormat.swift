/// How log lines are written: `text` for people (`key=value` after the message), `json` for
/// log shippers (one object per line).
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}
