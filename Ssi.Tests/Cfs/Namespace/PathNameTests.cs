// Path parsing: absolute and relative paths, "." dropped but as the last name, ".." kept for the walk, Unix limits enforced.
using Ssi.Actors.Errors;
using Ssi.Cfs.Namespace;

namespace Ssi.Tests.Cfs.Namespace;

public class PathNameTests
{
    [Theory]
    [InlineData("/", new string[0], false)]
    [InlineData("/etc/motd", new[] { "etc", "motd" }, false)]
    [InlineData("//etc///./motd/", new[] { "etc", "motd" }, true)]
    [InlineData("/a/../b", new[] { "a", "..", "b" }, false)]
    [InlineData("/tmp/./.", new[] { "tmp", "." }, false)]
    [InlineData("/tmp/./", new[] { "tmp", "." }, true)]
    public void Absolute_paths_split_into_names(string path, string[] names, bool trailingSlash)
    {
        var parsed = PathName.Parse(path).Value;
        Assert.Equal(names, parsed.Components);
        Assert.Equal(trailingSlash, parsed.TrailingSlash);
    }

    [Fact]
    public void Relative_paths_start_from_the_working_directory_and_need_one()
    {
        var cwd = PathName.Parse("/home/ann").Value;
        Assert.Equal(new[] { "home", "ann", "notes" }, PathName.Parse("./notes", cwd).Value.Components);
        Assert.Equal(Errno.EINVAL, PathName.Parse("notes").Error);
    }

    [Theory]
    [InlineData("", Errno.ENOENT)]
    [InlineData("/a\0b", Errno.EINVAL)]
    public void Empty_paths_and_NUL_are_refused(string path, Errno expected) => Assert.Equal(expected, PathName.Parse(path).Error);

    [Fact]
    public void Names_over_255_bytes_and_paths_over_4095_are_too_long()
    {
        Assert.True(PathName.Parse("/" + new string('a', 255)).IsOk);
        Assert.Equal(Errno.ENAMETOOLONG, PathName.Parse("/" + new string('a', 256)).Error);
        Assert.Equal(Errno.ENAMETOOLONG, PathName.Parse("/" + new string('é', 128)).Error); // 256 bytes in UTF-8
        Assert.Equal(Errno.ENAMETOOLONG, PathName.Parse(string.Concat(Enumerable.Repeat("/abcdefg", 512))).Error);
    }

    [Fact]
    public void A_name_is_as_long_as_its_bytes_so_255_invalid_bytes_fit()
    {
        var raw = FileNameBytes.Decode(Enumerable.Repeat((byte)0xFF, 255).ToArray()); // 765 bytes if it were UTF-8
        Assert.True(PathName.Parse("/" + raw).IsOk);
        Assert.Null(PathName.CheckName(raw));
        Assert.Equal(Errno.ENAMETOOLONG, PathName.CheckName(raw + "\uEFFF"));
    }

    [Fact]
    public void Split_gives_the_parent_and_the_last_name()
    {
        var (parent, name) = PathName.Parse("/home/ann/notes").Value.Split()!.Value;
        Assert.Equal("/home/ann", parent.ToString());
        Assert.Equal("notes", name);
        Assert.Null(PathName.Root.Split());
    }
}
