import Foundation

/// Writes request objects as one JSON line, much faster than `JSONSerialization`
/// on Linux (which matters when `callctl bench` pipelines 100k requests).
///
/// Takes what `JSONSerialization` takes: `String`, `Bool`, numbers (Swift or
/// `NSNumber`), `NSNull`, `nil`, arrays and `[String: …]` dictionaries of those.
/// Object keys come out in dictionary order; strings are escaped per RFC 8259.
enum JSONLineEncoder {
    /// A value that JSON cannot hold (a `Date`, a NaN, …), described for the error.
    struct Unencodable: Error {
        var description: String
    }

    /// `object` as JSON bytes followed by `\n`.
    static func line(_ object: [String: Any]) throws(Unencodable) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try encode(object, into: &out)
        out.append(0x0A)
        return out
    }

    static func encode(_ value: Any?, into out: inout [UInt8]) throws(Unencodable) {
        // Common Swift types first: testing a String against a class such as NSNull
        // or NSNumber bridges it to an object first, which costs more than the encoding.
        if let value, type(of: value) is NSNumber.Type, let number = value as? NSNumber {
            // Decoded by JSONSerialization: only the NSNumber's own type tells 1 from true.
            return try self.number(number, into: &out)
        }
        switch value {
        case nil:
            out.append(contentsOf: "null".utf8)
        case let text as String:
            string(text, into: &out)
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, element) in object {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                string(key, into: &out)
                out.append(UInt8(ascii: ":"))
                try encode(element, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try encode(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let flag as Bool:
            out.append(contentsOf: (flag ? "true" : "false").utf8)
        case let integer as Int:
            out.append(contentsOf: String(integer).utf8)
        case let double as Double:
            try self.double(double, into: &out)
        case is NSNull:
            out.append(contentsOf: "null".utf8)
        case let number as NSNumber:
            try self.number(number, into: &out)
        case let other?:
            // A nil Optional wrapped in Any is null (a non-nil one was unwrapped by the casts above).
            let mirror = Mirror(reflecting: other)
            if mirror.displayStyle == .optional, mirror.children.isEmpty {
                return out.append(contentsOf: "null".utf8)
            }
            throw Unencodable(description: "\(type(of: other)) is not a JSON value")
        }
    }

    private static func number(_ number: NSNumber, into out: inout [UInt8]) throws(Unencodable) {
        switch String(cString: number.objCType) {
        case "c", "B":
            out.append(contentsOf: (number.boolValue ? "true" : "false").utf8)
        case "f", "d":
            try double(number.doubleValue, into: &out)
        case "Q", "L", "I", "S", "C":
            out.append(contentsOf: String(number.uint64Value).utf8)
        default:
            out.append(contentsOf: String(number.int64Value).utf8)
        }
    }

    private static func double(_ double: Double, into out: inout [UInt8]) throws(Unencodable) {
        guard double.isFinite else { throw Unencodable(description: "\(double) is not a JSON number") }
        out.append(contentsOf: "\(double)".utf8)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
