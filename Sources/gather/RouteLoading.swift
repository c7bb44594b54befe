import Foundation
import GatherCore
import GatherServer

/// Loads route files for the commands, printing every error as `FILE:LINE:COL: message`.
enum RouteLoading {
    static func load(_ paths: [String]) -> [Route]? {
        switch RouteFileReader.load(paths, environment: ProcessInfo.processInfo.environment) {
        case .success(let routes):
            return routes
        case .failure(let failure):
            for error in failure.errors { StandardError.print(error.description) }
            return nil
        }
    }
}
