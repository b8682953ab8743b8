import XCTest
import CallCenterWire

/// Where the socket and the database go when nothing says otherwise.
final class DefaultPathsTests: XCTestCase {
    /// The rule for root, users with and without XDG directories, and systemd-made directories.
    func testResolveTable() {
        let table: [(String, [String: String], UInt32, String, String, UInt)] = [
            ("root", ["HOME": "/root"], 0,
             "/run/callcenterd/callcenterd.sock", "/var/lib/callcenterd/callcenterd.sqlite", #line),
            ("root ignores XDG", ["XDG_RUNTIME_DIR": "/run/user/0", "XDG_STATE_HOME": "/root/.st"], 0,
             "/run/callcenterd/callcenterd.sock", "/var/lib/callcenterd/callcenterd.sqlite", #line),
            ("user with XDG", ["HOME": "/home/li", "XDG_RUNTIME_DIR": "/run/user/1000", "XDG_STATE_HOME": "/home/li/.state"], 1000,
             "/run/user/1000/callcenterd/callcenterd.sock", "/home/li/.state/callcenterd/callcenterd.sqlite", #line),
            ("user without XDG", ["HOME": "/home/li"], 1000,
             "/tmp/callcenterd-1000/callcenterd.sock", "/home/li/.local/state/callcenterd/callcenterd.sqlite", #line),
            ("user with empty XDG", ["HOME": "/home/li", "XDG_RUNTIME_DIR": "", "XDG_STATE_HOME": ""], 1000,
             "/tmp/callcenterd-1000/callcenterd.sock", "/home/li/.local/state/callcenterd/callcenterd.sqlite", #line),
            ("user without HOME", [:], 1001,
             "/tmp/callcenterd-1001/callcenterd.sock", "/tmp/.local/state/callcenterd/callcenterd.sqlite", #line),
            ("systemd dirs as root", ["RUNTIME_DIRECTORY": "/run/ccd", "STATE_DIRECTORY": "/var/lib/ccd"], 0,
             "/run/ccd/callcenterd.sock", "/var/lib/ccd/callcenterd.sqlite", #line),
            ("systemd dirs beat XDG for a user", ["RUNTIME_DIRECTORY": "/run/ccd", "STATE_DIRECTORY": "/var/lib/ccd",
                                                  "XDG_RUNTIME_DIR": "/run/user/990", "HOME": "/home/svc"], 990,
             "/run/ccd/callcenterd.sock", "/var/lib/ccd/callcenterd.sqlite", #line),
            ("systemd lists: the first directory", ["RUNTIME_DIRECTORY": "/run/a:/run/b", "STATE_DIRECTORY": "/var/lib/a:/var/lib/b"], 0,
             "/run/a/callcenterd.sock", "/var/lib/a/callcenterd.sqlite", #line),
            ("only the state directory from systemd", ["STATE_DIRECTORY": "/var/lib/ccd"], 0,
             "/run/callcenterd/callcenterd.sock", "/var/lib/ccd/callcenterd.sqlite", #line),
            ("empty systemd variables are ignored", ["RUNTIME_DIRECTORY": "", "STATE_DIRECTORY": ""], 0,
             "/run/callcenterd/callcenterd.sock", "/var/lib/callcenterd/callcenterd.sqlite", #line),
        ]
        for (name, environment, uid, socket, database, line) in table {
            let paths = DefaultPaths.resolve(environment: environment, uid: uid)
            XCTAssertEqual(paths.socket, socket, name, line: line)
            XCTAssertEqual(paths.database, database, name, line: line)
        }
    }
}
