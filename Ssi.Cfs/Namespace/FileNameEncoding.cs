// FileNameBytes as a System.Text.Encoding, so a TextWriter (the CLI's stdout and stderr) writes escaped name bytes raw.
using System.Text;

namespace Ssi.Cfs.Namespace;

/// <summary>
/// UTF-8 for all valid text, with U+EF80..U+EFFF written as the single bytes they stand for. The encoder keeps a high
/// surrogate that ends one write for the next, since a writer may split a pair between buffers. Decoding is stateless
/// (a sequence cut between two calls decodes as escaped bytes); nothing here reads text through it.
/// </summary>
internal sealed class FileNameEncoding : Encoding
{
    // Code page 0 has no names of its own, and Encoding's would throw.
    public override string WebName => "x-ssi-file-name-bytes";
    public override string EncodingName => "UTF-8 with file-name bytes (OPTU-8)";

    public override int GetByteCount(char[] chars, int index, int count) => FileNameBytes.ByteCount(chars.AsSpan(index, count));

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        FileNameBytes.Encode(chars.AsSpan(charIndex, charCount), bytes.AsSpan(byteIndex));

    public override int GetCharCount(byte[] bytes, int index, int count) => FileNameBytes.Decode(bytes.AsSpan(index, count)).Length;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
    {
        var text = FileNameBytes.Decode(bytes.AsSpan(byteIndex, byteCount));
        text.CopyTo(chars.AsSpan(charIndex));
        return text.Length;
    }

    public override int GetMaxByteCount(int charCount) => (charCount + 1) * 3;

    public override int GetMaxCharCount(int byteCount) => byteCount + 1;

    public override Encoder GetEncoder() => new PairKeepingEncoder();

    private sealed class PairKeepingEncoder : Encoder
    {
        private char _high; // a high surrogate that ended the last call, waiting for its low half

        public override int GetByteCount(char[] chars, int index, int count, bool flush) =>
            FileNameBytes.ByteCount(Pending(chars.AsSpan(index, count), flush, out _));

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex, bool flush)
        {
            var text = Pending(chars.AsSpan(charIndex, charCount), flush, out var keep);
            var written = FileNameBytes.Encode(text, bytes.AsSpan(byteIndex));
            _high = keep;
            return written;
        }

        public override void Reset() => _high = '\0';

        /// <summary>The text to encode now: the kept high surrogate, then these chars, less a new trailing one unless flushing.</summary>
        private ReadOnlySpan<char> Pending(ReadOnlySpan<char> chars, bool flush, out char keep)
        {
            char[] joined = _high == '\0' ? [] : [_high, .. chars];
            var text = _high == '\0' ? chars : joined;
            keep = '\0';
            if (!flush && !text.IsEmpty && char.IsHighSurrogate(text[^1]))
            {
                keep = text[^1];
                text = text[..^1];
            }
            return text;
        }
    }
}
