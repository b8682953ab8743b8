/// The language a caller wants served in: their own (`yue-HK`), else the ones
/// it falls back to, best first (`yue`, then `zh`; `RoutingPolicy.fallbacks`),
/// else any.
struct LanguageWanted {
    enum Fit: Equatable {
        case speaks
        /// Speaks the fallback at this rank (1: the first fallback).
        case fallback(Int)
        case neither
    }

    let language: String
    let fallbacks: [String]

    func fit(_ languages: [String]) -> Fit {
        if languages.contains(language) { return .speaks }
        for (i, fallback) in fallbacks.enumerated() where languages.contains(fallback) { return .fallback(i + 1) }
        return .neither
    }
}

/// The first eligible agent in the strategy's order who speaks the caller's
/// language and the first who speaks its best fallback: the choice is the
/// speaker, else the fallback speaker, else the first eligible agent named.
struct LanguageChoice {
    var speaker: AgentID?
    var related: (id: AgentID, rank: Int)?

    mutating func consider(_ id: AgentID, _ fit: LanguageWanted.Fit) {
        switch fit {
        case .speaks: if speaker == nil { speaker = id }
        case let .fallback(rank): if related.map({ rank < $0.rank }) ?? true { related = (id, rank) }
        case .neither: break
        }
    }
}
