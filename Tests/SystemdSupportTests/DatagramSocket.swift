#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A stand-in for one of systemd's sockets: an `AF_UNIX` datagram socket bound
/// at a path, removed again (with any directories it made) when released.
final class DatagramSocket {
    let path: String
    private let fd: Int32
    private var madeDirectories: [String] = []

    /// A socket at `notify.sock` in a fresh temporary directory (for NOTIFY_SOCKET).
    convenience init() throws {
        var template = Array("/tmp/callcenterd-notify.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXFailure(call: "mkdtemp") }
        let directory = String(cString: made)
        try self.init(path: directory + "/notify.sock")
        madeDirectories = [directory]
    }

    /// A socket bound at `path`, creating missing parent directories.
    init(path: String) throws {
        self.path = path
        var missing: [String] = []
        var parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        while !parent.isEmpty, access(parent, F_OK) != 0 {
            missing.append(parent)
            parent = String(parent[..<(parent.lastIndex(of: "/") ?? parent.startIndex)])
        }
        for directory in missing.reversed() {
            guard mkdir(directory, 0o755) == 0 else { throw POSIXFailure(call: "mkdir \(directory)") }
        }

        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXFailure(call: "socket") }
        madeDirectories = missing

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes.prefix(raw.count - 1))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw POSIXFailure(call: "bind \(path)") }

        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram's bytes, or `nil` after two seconds without one
    /// (or at once when `wait` is false and nothing is queued).
    func receiveBytes(wait: Bool = true) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, wait ? 0 : Int32(MSG_DONTWAIT))
        guard count >= 0 else { return nil }
        return Array(buffer[0..<count])
    }

    /// The next datagram as text, or `nil` after two seconds without one.
    func receive() -> String? {
        receiveBytes().map { String(decoding: $0, as: UTF8.self) }
    }

    /// A datagram waiting right now, without blocking.
    func receiveNow() -> String? {
        receiveBytes(wait: false).map { String(decoding: $0, as: UTF8.self) }
    }

    deinit {
        close(fd)
        unlink(path)
        for directory in madeDirectories.reversed() {
            rmdir(directory)
        }
    }
}
