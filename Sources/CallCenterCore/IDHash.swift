/// The seed of every `IDMap`, random per process so that ids cannot be chosen to
/// collide. (`Dictionary` also varies it per table, against the slow-down of
/// inserting one table's keys into another in slot order; an `IDMap` iterates in
/// insertion order, not slot order, so one seed serves.)
@usableFromInline
let idHashSeed: UInt64 = {
    var generator = SystemRandomNumberGenerator()
    return generator.next()
}()

/// The hash `IDMap` uses (not generic, so it is compiled once).
@usableFromInline
enum IDHash {
    @inlinable
    static func hash(_ key: String, seed: UInt64) -> UInt64 {
        var key = key
        var ascii = true
        let h = key.withUTF8 { mix($0, seed: seed, ascii: &ascii) }
        return ascii ? h : nfcHash(key, seed: seed)
    }

    /// `String ==` is canonical equivalence ("Jos\u{E9}" == "Jose\u{301}", "\u{212A}" == "K"),
    /// so a non-ASCII key hashes its NFC form, as `String.hash(into:)` does (ASCII is its own NFC).
    @usableFromInline @inline(never)
    static func nfcHash(_ key: String, seed: UInt64) -> UInt64 {
        var ascii = false
        return key._nfcCodeUnits.withUnsafeBufferPointer { mix($0, seed: seed, ascii: &ascii) }
    }

    /// A seeded multiply-mix (the folded 128-bit product of wyhash). Keys of up
    /// to 16 bytes, the usual ids, are read in at most four overlapping loads, as
    /// wyhash does, with no byte loop; longer ones 8 bytes at a time and an
    /// overlapping last word. `ascii` tells whether every byte was below 0x80.
    @usableFromInline
    static func mix(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64, ascii: inout Bool) -> UInt64 {
        let k0: UInt64 = 0xA076_1D64_78BD_642F, k1: UInt64 = 0xE703_7ED1_A0B4_28DB
        @inline(__always) func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let product = a.multipliedFullWidth(by: b)
            return product.high ^ product.low
        }
        let n = bytes.count
        var h = seed ^ (UInt64(n) &* k0)
        guard n > 0, let base = bytes.baseAddress else { return fold(h ^ k0, h ^ k1) }
        let raw = UnsafeRawPointer(base)
        @inline(__always) func load32(_ at: Int) -> UInt64 { UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
        @inline(__always) func load64(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        var a: UInt64, b: UInt64
        if n < 4 {
            // bytes 0, n/2 and n-1: every byte of a key of 1 to 3
            a = UInt64(base[0]) << 16 | UInt64(base[n >> 1]) << 8 | UInt64(base[n - 1])
            b = 0
            ascii = a & 0x80_8080 == 0
        } else if n <= 16 {
            // [0, 4), [n-4, n) and, from 8 bytes on, [4, 8) and [n-8, n-4): every byte
            let middle = (n >> 3) << 2
            a = load32(0) << 32 | load32(middle)
            b = load32(n - 4) << 32 | load32(n - 4 - middle)
            ascii = (a | b) & 0x8080_8080_8080_8080 == 0
        } else {
            var offset = 0, high: UInt64 = 0
            while n - offset > 16 {
                let word = load64(offset) ^ k1, other = load64(offset + 8)
                high |= word ^ k1 | other
                h = fold(word, other ^ h)
                offset += 16
            }
            a = load64(n - 16)
            b = load64(n - 8)
            ascii = (high | a | b) & 0x8080_8080_8080_8080 == 0
        }
        return fold(a ^ k1, b ^ h) ^ fold(h ^ k0, k1 ^ UInt64(n))
    }
}
