import ArgumentParser
import CallCenterClient
import Foundation

/// Exit codes beyond ArgumentParser's own (0 success, 64 usage), from sysexits(3).
enum ExitStatus {
    /// The daemon answered with an error.
    static let remoteError = ExitCode(1)
    /// EX_UNAVAILABLE: the daemon cannot be reached, or went away.
    static let unavailable = ExitCode(69)
    /// EX_TEMPFAIL: a subscription was dropped for reading too slowly; try again.
    static let tempFail = ExitCode(75)
    /// EX_PROTOCOL: the daemon sent something that is not the protocol.
    static let protocolError = ExitCode(76)
}

/// Prints `callctl: <text>` on standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data("callctl: \(text)\n".utf8))
}

/// Runs `body`, turning client and daemon errors into a message on standard error
/// and the matching exit code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as RemoteError {
        printError("\(error.code): \(error.message)")
        throw ExitStatus.remoteError
    } catch let error as ClientError {
        printError(error.description)
        throw error.code == .badLine ? ExitStatus.protocolError : ExitStatus.unavailable
    }
}
