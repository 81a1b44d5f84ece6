namespace AkkaMq.Hocon.Tests;

/// <summary>
/// Conversion of numerically-indexed objects to arrays (HOCON spec): an object whose keys are
/// integers stands for an array where an array is needed, as a properties file writes a list.
/// </summary>
public sealed class NumericallyIndexedObjectTests
{
    public sealed record Cluster(IReadOnlyList<string> Seeds, int[] Ports);

    private static Config Parse(string text) => Config.ParseString(text, "test.conf").Resolve(static _ => null);

    private static string Resolve(string text) => Parse(text).ToJson();

    [Fact]
    public void PropertiesInclude_ThenPlusEquals_AppendsToTheIndexedList()
    {
        var dir = Directory.CreateTempSubdirectory("akkamq-hocon-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "list.properties"), "a.0=x\na.1=y\n");
            var main = Path.Combine(dir.FullName, "main.conf");
            File.WriteAllText(main, "include \"list.properties\"\na += z\n");

            var json = Config.ParseFile(main).Resolve(static _ => null).ToJson();

            JsonAssert.Equal("""{"a":["x","y","z"]}""", json, "properties list extended with +=");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void IndexedObject_InConcatenationWithArray_BecomesThatArray()
    {
        JsonAssert.Equal(
            """{"a":{"0":"x","1":"y"},"b":["x","y","z"],"c":["z","x","y"]}""",
            Resolve("a.0 = x\na.1 = y\nb = ${a} [z]\nc = [z] ${a}"),
            "object before and after an array");
    }

    [Fact]
    public void IndexedObject_OrdersByNumberAndIgnoresOtherKeys()
    {
        JsonAssert.Equal(
            """{"a":["w","x","y","z"]}""",
            Resolve("""a { "2" = x, "10" = y, "1" = w, foo = bar, "-1" = n, "99999999999" = big }""" + "\na += z"),
            "keys 1, 2, 10 in numeric order; foo, -1 and an index beyond 32 bits left out");
    }

    [Fact]
    public void IndexedObject_KeepsObjectValuesAsElements()
    {
        JsonAssert.Equal("""{"a":[{"q":1},"z"]}""", Resolve("a.0.q = 1\na += z"), "object element");
    }

    [Fact]
    public void IndexedObject_NotNeededAsArray_StaysAnObject()
    {
        JsonAssert.Equal("""{"a":{"0":"x","1":"y"}}""", Resolve("a.0 = x\na.1 = y"), "no conversion without a need");
    }

    [Theory]
    [InlineData("a = {}\na += z")]
    [InlineData("a { foo = bar }\na += z")]
    [InlineData("a { \"-1\" = x }\nb = ${a} [z]")]
    public void ObjectWithoutIntegerKeys_IsNotTakenAsArray(string text)
    {
        var error = Assert.Throws<ConfigException>(() => Resolve(text));

        Assert.Contains("cannot concatenate object with array", error.Message);
        Assert.Contains("integer keys", error.Message);
    }

    [Fact]
    public void GetStringList_ReadsIndexedObject()
    {
        var config = Parse("hosts.0 = a\nhosts.2 = c\nhosts.1 = b\nhosts.10 = d");

        Assert.Equal(["a", "b", "c", "d"], config.GetStringList("hosts"));
    }

    [Theory]
    [InlineData("hosts = {}")]
    [InlineData("hosts { name = a }")]
    public void GetStringList_ObjectWithoutIntegerKeys_IsRejected(string text)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(text).GetStringList("hosts"));

        Assert.Contains("expected array of strings, got object", error.Message);
    }

    [Fact]
    public void Bind_ListMembers_ReadIndexedObjects()
    {
        var config = Parse("cluster { seeds.0 = n1, seeds.1 = n2, ports { \"1\" = 9877, \"0\" = 9876 } }");

        var cluster = ConfigBinder.Bind<Cluster>(config, "cluster");

        Assert.Equal(["n1", "n2"], cluster.Seeds);
        Assert.Equal([9876, 9877], cluster.Ports);
    }

    [Fact]
    public void Bind_ListMember_FromObjectWithoutIntegerKeys_IsReported()
    {
        var config = Parse("cluster { seeds { a = n1 }, ports = [1] }");

        var error = Assert.Throws<ConfigException>(() => ConfigBinder.Bind<Cluster>(config, "cluster"));

        Assert.Contains("cluster.seeds", error.Message);
        Assert.Contains("expected array, got object", error.Message);
    }
}
