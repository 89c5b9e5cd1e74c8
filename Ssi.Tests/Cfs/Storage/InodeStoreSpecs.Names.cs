// Store specs of names as bytes: names decoded from invalid UTF-8 stay apart and come back as they went in.
using Ssi.Cfs.Inodes;
using Ssi.Cfs.Namespace;

namespace Ssi.Tests.Cfs.Storage;

public abstract partial class InodeStoreSpecs
{
    [SkippableFact]
    public void Names_of_invalid_UTF8_bytes_are_kept_apart_and_read_back_byte_for_byte()
    {
        byte[][] raw = [[0xFE, 0xFF], [0xFF, 0xFE], [.. Enumerable.Repeat((byte)0xFF, 255)]];
        var made = raw.Select(bytes => File(Root, FileNameBytes.Decode(bytes)).Ino).ToList();

        Assert.Equal(3, made.Distinct().Count());
        Assert.Equal(made, raw.Select(bytes => Store.Lookup(Root, FileNameBytes.Decode(bytes)).Value));
        using var other = OpenStore(); // a second store, so the names come back from the database
        var listed = other.ReadDirectory(Root).Value.Select(e => Convert.ToHexString(FileNameBytes.Encode(e.Name))).Order();
        Assert.Equal(raw.Select(Convert.ToHexString).Order(), listed); // the server's collation may order PUA its own way
    }
}
