// The file-name codec: any bytes to a string and back unchanged, valid UTF-8 as itself, and text writers that write it raw.
using System.Text;
using Ssi.Cfs.Namespace;

namespace Ssi.Tests.Cfs.Namespace;

public class FileNameBytesTests
{
    private static readonly byte[] FfFe = [0xFF, 0xFE], FeFf = [0xFE, 0xFF];

    [Fact]
    public void Random_byte_strings_come_back_byte_for_byte()
    {
        var random = new Random(11);
        // Bytes from a few pools, so valid sequences, cut sequences and stray continuation bytes all occur.
        byte[][] pools = [[.. "az.-".Select(c => (byte)c)], [0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xEE, 0xEF, 0xF0, 0xF4, 0xFF], [0x9F, 0xA9, 0xBD, 0xBE, 0x82, 0xAC]];
        for (var round = 0; round < 5000; round++)
        {
            var bytes = new byte[random.Next(1, 24)];
            for (var i = 0; i < bytes.Length; i++)
            {
                var pool = pools[random.Next(pools.Length)];
                bytes[i] = random.Next(4) == 0 ? (byte)random.Next(1, 256) : pool[random.Next(pool.Length)];
                if (bytes[i] is 0 or (byte)'/') bytes[i] = (byte)'x';
            }
            var name = FileNameBytes.Decode(bytes);
            Assert.Equal(bytes, FileNameBytes.Encode(name));
            Assert.Equal(bytes.Length, FileNameBytes.ByteCount(name));
            Assert.Equal(name, FileNameBytes.Decode(FileNameBytes.Encode(name)));
        }
    }

    [Fact]
    public void Names_that_differ_only_in_invalid_bytes_stay_different()
    {
        Assert.Equal("\uEFFF\uEFFE", FileNameBytes.Decode(FfFe));
        Assert.Equal("\uEFFE\uEFFF", FileNameBytes.Decode(FeFf));
        Assert.NotEqual(Encoding.UTF8.GetString(FfFe), FileNameBytes.Decode(FfFe)); // UTF-8 makes both "\uFFFD\uFFFD"
    }

    [Theory]
    [InlineData("motd")]
    [InlineData("héllo wörld ✓")]
    [InlineData("emoji 😀 and \uFFFD itself")]
    public void Valid_UTF8_is_itself(string text)
    {
        Assert.Equal(text, FileNameBytes.Decode(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(Encoding.UTF8.GetBytes(text), FileNameBytes.Encode(text));
    }

    [Fact]
    public void A_name_holding_a_character_of_the_escape_range_still_round_trips()
    {
        var bytes = Encoding.UTF8.GetBytes("a\uEF80b\uEFFF"); // valid UTF-8, but its code points are the escapes'
        var name = FileNameBytes.Decode(bytes);
        Assert.Equal("a\uEFEE\uEFBE\uEF80b\uEFEE\uEFBF\uEFBF", name);
        Assert.Equal(bytes, FileNameBytes.Encode(name));
    }

    [Fact]
    public void A_text_writer_writes_escaped_bytes_raw_even_when_a_surrogate_pair_is_split_between_writes()
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, FileNameBytes.Encoding) { AutoFlush = true })
            foreach (var c in FileNameBytes.Decode(FfFe) + "é😀\n") writer.Write(c); // each char flushed on its own
        byte[] expected = [0xFF, 0xFE, .. Encoding.UTF8.GetBytes("é😀\n")];
        Assert.Equal(expected, stream.ToArray());
    }
}
