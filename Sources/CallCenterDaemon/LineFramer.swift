import NIOCore

/// Splits the byte stream into `\n`-terminated lines, refusing any line longer
/// than `maximumLength` bytes (without waiting for its end).
struct LineFramer: ByteToMessageDecoder {
    typealias InboundOut = Frame

    enum Frame {
        case line(ByteBuffer)
        /// A line passed the maximum: answer `too_large` and close.
        case tooLarge
    }

    let maximumLength: Int
    private var scanned = 0
    private var failed = false

    init(maximumLength: Int) { self.maximumLength = maximumLength }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard !failed else {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        let view = buffer.readableBytesView
        if let index = view.dropFirst(scanned).firstIndex(of: UInt8(ascii: "\n")) {
            let length = index - view.startIndex
            scanned = 0
            if length > maximumLength {
                failed = true
                context.fireChannelRead(wrapInboundOut(.tooLarge))
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return .needMoreData
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            // Tolerate CRLF.
            if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            context.fireChannelRead(wrapInboundOut(.line(line)))
            return .continue
        }
        scanned = view.count
        if view.count > maximumLength {
            failed = true
            context.fireChannelRead(wrapInboundOut(.tooLarge))
            buffer.moveReaderIndex(to: buffer.writerIndex)
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last line without its newline is still a request.
        if try decode(context: context, buffer: &buffer) == .continue { return .continue }
        if !failed, buffer.readableBytes > 0, let line = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
        return .needMoreData
    }
}
