// Pure tests of the wire allow-list: our types and plain data pass, anything else is refused, generics are checked deeply.
using System.Collections.Immutable;
using System.Reflection;
using Ssi.Actors.Protocol;
using Ssi.Actors.Serialization;

namespace Ssi.Tests.Actors.Serialization;

public class SsiTypeFilterTests
{
    private static bool Allowed(Type t) => SsiTypeFilter.Default.IsAllowed(t.AssemblyQualifiedName!);

    [Theory]
    [InlineData(typeof(string))]
    [InlineData(typeof(byte[]))]
    [InlineData(typeof(List<string>))]
    [InlineData(typeof(Dictionary<string, long>))]
    [InlineData(typeof(ImmutableArray<int>))]
    [InlineData(typeof(int?))]
    [InlineData(typeof(Failed))]
    [InlineData(typeof(List<Failed>))]
    public void Plain_data_and_our_types_are_allowed(Type type) => Assert.True(Allowed(type));

    [Theory]
    [InlineData(typeof(UriBuilder))]
    [InlineData(typeof(System.Collections.Specialized.StringCollection))]
    [InlineData(typeof(System.Diagnostics.ProcessStartInfo))]
    [InlineData(typeof(Func<string>))]
    [InlineData(typeof(Type))]
    [InlineData(typeof(object))]
    [InlineData(typeof(List<UriBuilder>))]
    [InlineData(typeof(Dictionary<string, List<System.Diagnostics.ProcessStartInfo>>))]
    [InlineData(typeof(FileStream))]
    public void Foreign_types_are_refused_even_inside_allowed_generics(Type type) => Assert.False(Allowed(type));

    [Theory]
    [InlineData("System.Collections.Generic.List`1[[System.String, System.Private.CoreLib,%core%]], System.Private.CoreLib,%core%", true)]
    [InlineData("System.Collections.Generic.List`1[[System.UriBuilder, System.Private.Uri,%core%]], System.Private.CoreLib,%core%", false)]
    [InlineData("System.Collections.Generic.List`1[System.String]", false)]
    [InlineData("Ssi.Actors.Protocol.Failed, Ssi.Actors, Evil=1", false)]
    [InlineData("System.String*", false)]
    [InlineData("", false)]
    public void Hyperion_name_forms_are_parsed_strictly(string name, bool expected) =>
        Assert.Equal(expected, SsiTypeFilter.Default.IsAllowed(name));

    // Type.GetType loads whatever assembly a name gives: a name of ours or of the BCL is trusted only from its real assembly.
    [Theory]
    [InlineData("Ssi.Evil, SomeOtherAssembly")]
    [InlineData("Ssi.Actors.Protocol.Failed, SomeOtherAssembly")]
    [InlineData("Ssi.Actors.Protocol.Failed, Ssi.Tests")]
    [InlineData("Ssi.Actors.Protocol.Failed, Ssi.Actors.Evil")]
    [InlineData("Ssi.Actors.Protocol.Failed")]
    [InlineData("System.String, EvilAssembly")]
    [InlineData("System.String, EvilAssembly,%core%")]
    [InlineData("System.String[], EvilAssembly")]
    [InlineData("Akka.Actor.ActorPath+Surrogate, EvilAssembly")]
    [InlineData("System.Collections.Generic.List`1[[System.String, System.Private.CoreLib,%core%]], EvilAssembly")]
    [InlineData("System.Collections.Immutable.ImmutableArray`1[[System.Int32, System.Private.CoreLib,%core%]], System.Private.CoreLib,%core%")]
    [InlineData("System.Collections.Generic.List`1[[System.String, EvilAssembly]], System.Private.CoreLib,%core%")]
    [InlineData("System.Collections.Generic.List`1[[Ssi.Evil, EvilAssembly]], System.Private.CoreLib,%core%")]
    [InlineData("Ssi.Actors.Protocol.Failed[], EvilAssembly")]
    [InlineData("System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib,%core%],[System.Collections.Generic.List`1[[Ssi.Evil, EvilAssembly]], System.Private.CoreLib,%core%]], System.Private.CoreLib,%core%")]
    public void Names_of_ours_or_of_the_BCL_from_a_foreign_assembly_are_refused(string name) =>
        Assert.False(SsiTypeFilter.Default.IsAllowed(name));

    [Theory]
    [InlineData("Ssi.Actors.Protocol.Failed, Ssi.Actors")]
    [InlineData("Ssi.Actors.Protocol.Failed, Ssi.Actors, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null")]
    [InlineData("System.String")]
    [InlineData("System.Collections.Immutable.ImmutableArray`1[[Ssi.Actors.Protocol.Failed, Ssi.Actors]], System.Collections.Immutable")]
    [InlineData("System.Collections.Generic.List`1[[System.Collections.Generic.KeyValuePair`2[[System.String, System.Private.CoreLib,%core%],[System.Int64, System.Private.CoreLib,%core%]], System.Private.CoreLib,%core%]], System.Private.CoreLib,%core%")]
    public void Names_from_their_real_assemblies_in_each_form_Hyperion_writes_are_allowed(string name) =>
        Assert.True(SsiTypeFilter.Default.IsAllowed(name));

    [Fact]
    public void Every_message_type_of_ours_and_each_of_its_fields_passes_the_filter()
    {
        var assemblies = new[] { typeof(ISsiMessage).Assembly, typeof(Ssi.Cfs.Service.FileSystemService).Assembly, typeof(Ssi.Host.Program).Assembly };
        var messages = assemblies.SelectMany(a => a.GetTypes())
            .Where(t => typeof(ISsiMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToList();
        Assert.NotEmpty(messages);
        foreach (var type in messages)
        {
            Assert.True(Allowed(type), $"{type} is refused by the wire filter");
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (field.FieldType.IsInterface || field.FieldType.IsAbstract) continue; // checked at run time as the concrete type
                Assert.True(Allowed(field.FieldType) || field.FieldType.IsEnum && field.FieldType.FullName!.StartsWith("Ssi."),
                    $"{type.Name}.{field.Name} of type {field.FieldType} is refused by the wire filter");
            }
        }
    }
}
