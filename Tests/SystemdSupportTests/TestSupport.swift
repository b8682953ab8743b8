import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs `body` with stderr redirected into a pipe and returns what it wrote.
func captureStderr(_ body: () -> Void) throws -> String {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw POSIXFailure(call: "pipe") }
    let saved = dup(STDERR_FILENO)
    dup2(fds[1], STDERR_FILENO)
    close(fds[1])
    body()
    dup2(saved, STDERR_FILENO)
    close(saved)
    defer { close(fds[0]) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(fds[0], &chunk, chunk.count)
        if count <= 0 { break }
        output += chunk[0..<count]
    }
    return String(decoding: output, as: UTF8.self)
}

/// Sets environment variables for the duration of `body`, then restores the old values.
func withEnvironment<T>(_ values: [String: String?], _ body: () throws -> T) rethrows -> T {
    let saved = values.keys.map { key in (key, getenv(key).map { String(cString: $0) }) }
    for (key, value) in values {
        if let value { setenv(key, value, 1) } else { unsetenv(key) }
    }
    defer {
        for (key, value) in saved {
            if let value { setenv(key, value, 1) } else { unsetenv(key) }
        }
    }
    return try body()
}

/// A failed system call in test set-up.
struct POSIXFailure: Error, CustomStringConvertible {
    var call: String
    var code: Int32 = errno
    var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
}
