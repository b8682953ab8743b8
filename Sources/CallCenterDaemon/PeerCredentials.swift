import CSystemd
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The Unix credentials of a socket's peer (SO_PEERCRED), plus the supplementary
/// groups of that user, which access rules by group need.
struct PeerCredentials: Sendable, Equatable {
    var pid: Int32
    var uid: UInt32
    var gid: UInt32
    var groups: [UInt32]

    /// Reads the peer's credentials of a connected Unix socket channel.
    static func of(_ channel: any Channel) -> PeerCredentials? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let future: EventLoopFuture<callcenterd_ucred> = provider.unsafeGetSocketOption(
            level: .init(SOL_SOCKET), name: .init(callcenterd_so_peercred())
        )
        // On the channel's event loop the future is already complete.
        var result: callcenterd_ucred?
        future.whenSuccess { result = $0 }
        guard let cred = result else { return nil }
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid, groups: groups(of: cred.uid, primary: cred.gid))
    }

    /// The user's groups from the group database (the primary one included).
    static func groups(of uid: UInt32, primary: UInt32) -> [UInt32] {
        guard let pw = getpwuid(uid) else { return [primary] }
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(pw.pointee.pw_name, primary, &list, &count) < 0 {
            list = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(pw.pointee.pw_name, primary, &list, &count)
        }
        return Array(list.prefix(Int(max(0, count)))).map { UInt32($0) }
    }
}
