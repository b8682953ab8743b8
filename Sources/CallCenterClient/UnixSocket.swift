#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A connected, non-blocking Unix stream socket: thin wrappers over the system
/// calls, retrying `EINTR`, with timeouts done by `poll(2)`.
struct UnixSocket {
    let fd: Int32
    let path: String

    /// Result of one non-blocking read or write.
    enum IOResult: Equatable {
        case bytes(Int)
        case wouldBlock
        case endOfFile
    }

    /// Opens and connects the socket at `path`, then makes it non-blocking.
    static func connect(path: String) throws(ClientError) -> UnixSocket {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty else { throw .cannotConnect(path: path, "empty socket path") }
        guard bytes.count < capacity else {
            throw .cannotConnect(path: path, "socket path is \(bytes.count) bytes, at most \(capacity - 1) fit")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }

        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .cannotConnect(path: path, errno: errno) }
        #if !os(Linux)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        #endif

        let length = socklen_t(MemoryLayout<sockaddr_un>.size)
        var result: Int32
        repeat {
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(fd, $0, length) }
            }
        } while result != 0 && errno == EINTR
        if result != 0 {
            let err = errno
            _ = systemClose(fd)
            throw .cannotConnect(path: path, errno: err)
        }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        return UnixSocket(fd: fd, path: path)
    }

    /// Reads what is available into `buffer`.
    func read(into buffer: inout LineBuffer) throws(ClientError) -> IOResult {
        while true {
            let count = buffer.append { pointer, capacity in
                systemRead(fd, pointer, capacity)
            }
            if count > 0 { return .bytes(count) }
            if count == 0 { return .endOfFile }
            let err = errno
            switch err {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case ECONNRESET: return .endOfFile
            default: throw .io(path: path, "read", errno: err)
            }
        }
    }

    /// Writes as much of `bytes` as the socket takes now. A peer that is gone is `.endOfFile`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(ClientError) -> IOResult {
        while true {
            #if os(Linux)
            let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            #else
            let count = send(fd, bytes.baseAddress, bytes.count, 0)
            #endif
            if count >= 0 { return .bytes(count) }
            let err = errno
            switch err {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EPIPE, ECONNRESET: return .endOfFile
            default: throw .io(path: path, "write", errno: err)
            }
        }
    }

    /// Waits until the socket is readable (or, with `writable`, also writable) or
    /// `deadline` passes. Returns the `revents`, or 0 on timeout.
    func wait(readable: Bool = true, writable: Bool = false, until deadline: PollDeadline) throws(ClientError) -> Int16 {
        var events: Int16 = 0
        if readable { events |= Int16(POLLIN) }
        if writable { events |= Int16(POLLOUT) }
        while true {
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let result = poll(&descriptor, 1, deadline.pollMilliseconds())
            if result > 0 { return descriptor.revents }
            if result == 0 {
                if deadline.hasPassed { return 0 }
                continue  // poll's millisecond rounding woke us a little early
            }
            let err = errno
            if err == EINTR { continue }
            throw .io(path: path, "poll", errno: err)
        }
    }

    func close() {
        _ = systemClose(fd)
    }
}

// The system calls whose names the methods above shadow.
@inline(__always) private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}
@inline(__always) private func systemRead(_ fd: Int32, _ pointer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, pointer, count)
}
@inline(__always) private func systemClose(_ fd: Int32) -> Int32 {
    close(fd)
}

/// A point on the monotonic clock after which a wait gives up; `.never` waits forever.
struct PollDeadline {
    /// Nanoseconds on `CLOCK_MONOTONIC`, or `nil` for no deadline.
    let nanoseconds: UInt64?

    static let never = PollDeadline(nanoseconds: nil)

    /// `seconds` from now; infinite means never, zero or less means "don't wait".
    static func after(seconds: Double) -> PollDeadline {
        guard seconds.isFinite else { return .never }
        let delta = seconds > 0 ? UInt64(seconds * 1e9) : 0
        return PollDeadline(nanoseconds: monotonicNanoseconds() &+ delta)
    }

    var hasPassed: Bool {
        guard let nanoseconds else { return false }
        return monotonicNanoseconds() >= nanoseconds
    }

    /// The `poll(2)` timeout that reaches this deadline (rounded up), -1 for never.
    func pollMilliseconds() -> Int32 {
        guard let nanoseconds else { return -1 }
        let now = monotonicNanoseconds()
        guard nanoseconds > now else { return 0 }
        let milliseconds = (nanoseconds - now + 999_999) / 1_000_000
        return Int32(clamping: milliseconds)
    }
}

/// Nanoseconds on the monotonic clock (for deadlines and latency measurements).
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
