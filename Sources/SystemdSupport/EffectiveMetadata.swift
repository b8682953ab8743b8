import Logging

/// The metadata one log record carries: the handler's own, then the metadata
/// provider's, then the call's explicit metadata (later wins), plus the error.
enum EffectiveMetadata {
    static func merge(
        base: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        explicit: Logger.Metadata?,
        error: (any Error)?
    ) -> Logger.Metadata {
        var metadata = base
        if let provided = provider?.get(), !provided.isEmpty {
            metadata.merge(provided) { _, provided in provided }
        }
        if let explicit, !explicit.isEmpty {
            metadata.merge(explicit) { _, explicit in explicit }
        }
        if let error {
            metadata["error.message"] = "\(error)"
            metadata["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        return metadata
    }
}
