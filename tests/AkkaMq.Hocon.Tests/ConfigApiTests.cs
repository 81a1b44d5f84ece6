namespace AkkaMq.Hocon.Tests;

public sealed class ConfigApiTests
{
    private static Config Parse(string text, Func<string, string?>? env = null) =>
        Config.ParseString(text, "test.conf").Resolve(env ?? (static _ => null));

    [Fact]
    public void WithFallback_ThisWinsAndObjectsMergeDeeply()
    {
        var app = Config.ParseString("broker { name = a, store { size = 1g } }", "app.conf");
        var reference = Config.ParseString("broker { name = default, port = 10911, store { size = 512m, dir = /d } }", "reference.conf");

        var merged = app.WithFallback(reference).Resolve();

        Assert.Equal("a", merged.GetString("broker.name"));
        Assert.Equal(10911, merged.GetInt("broker.port"));
        Assert.Equal(1L << 30, merged.GetBytes("broker.store.size"));
        Assert.Equal("/d", merged.GetString("broker.store.dir"));
    }

    [Fact]
    public void WithFallback_NonObjectHidesFallbackObject()
    {
        var merged = Config.ParseString("a = 1", "x").WithFallback(Config.ParseString("a { b = 2 }", "y")).Resolve();

        Assert.Equal(1, merged.GetInt("a"));
        Assert.False(merged.HasPath("a.b"));
    }

    [Fact]
    public void WithFallback_SubstitutionsSeeTheMergedTree()
    {
        var app = Config.ParseString("dir = /srv, store.path = ${dir}/store", "app.conf");
        var reference = Config.ParseString("dir = /var/lib, store.path = ${dir}/default", "reference.conf");

        var merged = app.WithFallback(reference).Resolve();

        Assert.Equal("/srv/store", merged.GetString("store.path"));
    }

    [Fact]
    public void WithFallback_SelfReferenceExtendsTheFallbackValue()
    {
        var app = Config.ParseString("path = ${path}\":/opt/bin\", roles += broker", "app.conf");
        var reference = Config.ParseString("path = \"/usr/bin\", roles = [namesrv]", "reference.conf");

        var merged = app.WithFallback(reference).Resolve(static _ => null);

        Assert.Equal("/usr/bin:/opt/bin", merged.GetString("path"));
        Assert.Equal(["namesrv", "broker"], merged.GetStringList("roles"));
    }

    [Fact]
    public void WithFallback_ChainsLikeLayers()
    {
        var a = Config.ParseString("x = 1", "a");
        var b = Config.ParseString("x = 2, y = 2", "b");
        var c = Config.ParseString("x = 3, y = 3, z = 3", "c");

        var merged = a.WithFallback(b).WithFallback(c).Resolve();

        Assert.Equal([1, 2, 3], new[] { merged.GetInt("x"), merged.GetInt("y"), merged.GetInt("z") });
        Assert.Equal("a", merged.OriginOf("x")!.Description);
        Assert.Equal("c", merged.OriginOf("z")!.Description);
    }

    [Fact]
    public void WithFallback_OnEmptyGivesTheFallback()
    {
        var merged = Config.Empty.WithFallback(Config.ParseString("a = 1", "x")).Resolve();

        Assert.Equal(["a"], merged.Keys);
    }

    [Fact]
    public void Resolve_UsesEnvironmentFunctionAsFallback()
    {
        var config = Parse("home = ${HOME_DIR}, path = ${?EXTRA}, bin = ${home}/bin", name => name == "HOME_DIR" ? "/h" : null);

        Assert.Equal("/h/bin", config.GetString("bin"));
        Assert.False(config.HasPath("path"));
    }

    [Fact]
    public void Resolve_SelfReferenceAppendsToEnvironmentValue()
    {
        var config = Parse("path = ${path}\":/x\"", name => name == "path" ? "/usr/bin" : null);

        Assert.Equal("/usr/bin:/x", config.GetString("path"));
    }

    [Fact]
    public void Getters_ReadTypedValues()
    {
        var config = Parse("""
            i = 42, l = 5000000000, d = 1.5, b = yes, t = 10s, ms = 250, size = 64 KiB, raw = 1024
            list = [a, 2, true], p = 3 weeks, s = hello world
            """);

        Assert.Equal(42, config.GetInt("i"));
        Assert.Equal(5_000_000_000L, config.GetLong("l"));
        Assert.Equal(1.5, config.GetDouble("d"));
        Assert.True(config.GetBoolean("b"));
        Assert.Equal(TimeSpan.FromSeconds(10), config.GetDuration("t"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetDuration("ms"));
        Assert.Equal(65536, config.GetBytes("size"));
        Assert.Equal(1024, config.GetBytes("raw"));
        Assert.Equal(["a", "2", "true"], config.GetStringList("list"));
        Assert.Equal(new ConfigPeriod(0, 0, 21), config.GetPeriod("p"));
        Assert.Equal("hello world", config.GetString("s"));
    }

    [Fact]
    public void GetInt_RejectsOutOfRange()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("a = 5000000000").GetInt("a"));

        Assert.Equal("test.conf:1:5: a: expected 32-bit integer, got 5000000000 (out of range)", error.Message);
    }

    [Fact]
    public void GetDuration_ReportsBadUnit()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("x { t = 10 parsecs }").GetDuration("x.t"));

        Assert.StartsWith("test.conf:1:9: x.t: expected duration, got '10 parsecs'", error.Message);
    }

    [Fact]
    public void OriginOf_GivesWhereTheValueWasDefined()
    {
        var config = Parse("a {\n  b = 1\n}\na.b = 2\n");

        Assert.Equal(new ConfigOrigin("test.conf", 4, 7), config.OriginOf("a.b"));
        Assert.Null(config.OriginOf("a.c"));
    }

    [Fact]
    public void GetConfig_GivesSubtreeWithItsKeys()
    {
        var sub = Parse("a { x = 1, y = 2 }, b = 3").GetConfig("a");

        Assert.Equal(["x", "y"], sub.Keys);
        Assert.True(sub.HasPath("x"));
        Assert.False(sub.HasPath("b"));
    }

    [Fact]
    public void HasPath_IsFalseForNull()
    {
        var config = Parse("a = null, b = 1");

        Assert.False(config.HasPath("a"));
        Assert.True(config.HasPath("b"));
    }

    [Fact]
    public void ToJson_WritesRootArray()
    {
        Assert.Equal("[1,\"a b\",{\"c\":null}]", Parse("[1, a b, {c: null}]").ToJson());
    }

    [Fact]
    public void Getters_RefuseUnresolvedValues()
    {
        var config = Config.ParseString("a = ${b}, b = 1", "test.conf");

        var error = Assert.Throws<ConfigException>(() => config.GetInt("a"));

        Assert.Contains("not resolved", error.Message);
    }

    [Fact]
    public void QuotedPathSegments_AreHonoured()
    {
        var config = Parse("\"a.b\" { c = 1 }");

        Assert.Equal(1, config.GetInt("\"a.b\".c"));
    }

    [Fact]
    public void ParseFile_ReportsMissingFile()
    {
        var error = Assert.Throws<ConfigException>(() => Config.ParseFile("does-not-exist.conf"));

        Assert.Contains("does-not-exist.conf", error.Message);
    }
}
