/// The version of callcenterd and callctl (`--version`), reported by `hello`.
public enum DaemonVersion {
    public static let string = "0.1.0"
}
