@testable import CallCenterDaemon
import XCTest

/// Agent tokens: 256 random bits as 64 lowercase hex digits; the store keeps only their SHA-256.
final class TokenTests: XCTestCase {
    func testTokensAre64HexDigitsAndDiffer() {
        let tokens = (0..<200).map { _ in Engine.newToken() }
        for token in tokens {
            XCTAssertEqual(token.count, 64, token)
            XCTAssertTrue(token.allSatisfy { $0.isHexDigit && !$0.isUppercase }, token)
        }
        XCTAssertEqual(Set(tokens).count, tokens.count)
        // Each token is four 16-digit draws; a draw below 2^60 (one in 16) has a leading
        // zero, so 800 draws without the padding would have failed the count above.
        XCTAssertEqual(Engine.hash(tokens[0]).count, 64)
        XCTAssertTrue(Engine.constantTimeEqual(Engine.hash(tokens[0]), Engine.hash(tokens[0])))
        XCTAssertFalse(Engine.constantTimeEqual(Engine.hash(tokens[0]), Engine.hash(tokens[1])))
    }
}
