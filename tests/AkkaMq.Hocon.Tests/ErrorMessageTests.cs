namespace AkkaMq.Hocon.Tests;

public sealed class ErrorMessageTests
{
    private static ConfigException ParseError(string text) =>
        Assert.Throws<ConfigException>(() => Config.ParseString(text, "app.conf").Resolve(static _ => null));

    [Fact]
    public void MissingSeparator_NamesKeyLineAndColumn()
    {
        var error = ParseError("a = 1\nbroker {\n  listen [9876]\n}\n");

        Assert.Equal("app.conf:3:10: expected '=' or ':' after key 'listen', got '['", error.Message);
        Assert.Equal(new ConfigOrigin("app.conf", 3, 10), error.Origin);
    }

    [Fact]
    public void MissingValue_PointsAtWhatFollowsTheSeparator()
    {
        var error = ParseError("a {\n  b = }\n");

        Assert.StartsWith("app.conf:2:7: expected a value after key 'b'", error.Message);
    }

    [Fact]
    public void UnclosedObject_ReportsEndOfFile()
    {
        var error = ParseError("a {\n  b = 1\n");

        Assert.StartsWith("app.conf:3:1: expected '}'", error.Message);
    }

    [Fact]
    public void ReservedCharacter_IsReportedWhereItStands()
    {
        var error = ParseError("a = [1, 2]\nb = x*y\n");

        Assert.StartsWith("app.conf:2:6: ", error.Message);
        Assert.Contains("'*'", error.Message);
    }

    [Fact]
    public void InvalidEscape_IsReported()
    {
        var error = ParseError("a = \"x\\qy\"");

        Assert.StartsWith("app.conf:1:7: invalid escape '\\q'", error.Message);
    }

    [Fact]
    public void UnresolvedSubstitution_NamesPathAndPosition()
    {
        var error = ParseError("a = 1\nb = ${missing.key}\n");

        Assert.StartsWith("app.conf:2:5: b: could not resolve substitution ${missing.key}", error.Message);
        Assert.Equal("b", error.Path);
    }

    [Fact]
    public void Cycle_IsReported()
    {
        var error = ParseError("a = ${b}\nb = { c = ${a} }\n");

        Assert.Contains("cycle", error.Message);
        Assert.Matches(@"^app\.conf:\d+:\d+: ", error.Message);
    }

    [Fact]
    public void StringConcatenatedWithObject_IsRejected()
    {
        var error = ParseError("a = foo { b = 1 }");

        Assert.StartsWith("app.conf:1:", error.Message);
        Assert.Contains("a: cannot concatenate", error.Message);
    }

    [Fact]
    public void SubstitutedArrayInString_NamesFieldBeingResolved()
    {
        var error = ParseError("list = [1, 2]\nx { msg = \"items: \"${list} }\n");

        Assert.StartsWith("app.conf:2:", error.Message);
        Assert.Equal("x.msg", error.Path);
    }

    [Fact]
    public void WrongType_NamesFullPathAndOrigin()
    {
        var config = Config.ParseString("akkamq {\n  broker {\n    listen = { port = 1 }\n  }\n}", "standalone.conf").Resolve();

        var error = Assert.Throws<ConfigException>(() => config.GetConfig("akkamq").GetString("broker.listen"));

        Assert.Equal("standalone.conf:3:14: akkamq.broker.listen: expected string, got object", error.Message);
        Assert.Equal("akkamq.broker.listen", error.Path);
    }

    [Fact]
    public void MissingKey_NamesFullPath()
    {
        var config = Config.ParseString("a.b = 1", "x.conf").Resolve();

        var error = Assert.Throws<ConfigException>(() => config.GetConfig("a").GetInt("c"));

        Assert.Equal("a.c", error.Path);
        Assert.Contains("a.c: no value at this path", error.Message);
    }

    [Fact]
    public void IncludedFileError_NamesTheIncludedFile()
    {
        var dir = Directory.CreateTempSubdirectory("hocon-errors");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "main.conf"), "a = 1\ninclude \"child.conf\"\n");
            File.WriteAllText(Path.Combine(dir.FullName, "child.conf"), "x {\n  y = [1,,2]\n}\n");

            var error = Assert.Throws<ConfigException>(() => Config.ParseFile(Path.Combine(dir.FullName, "main.conf")));

            Assert.Equal(Path.Combine(dir.FullName, "child.conf"), error.Origin!.Description);
            Assert.Equal(2, error.Origin.Line);
            Assert.Equal(10, error.Origin.Column);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
