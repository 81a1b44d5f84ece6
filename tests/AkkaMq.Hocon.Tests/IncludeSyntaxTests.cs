namespace AkkaMq.Hocon.Tests;

/// <summary>
/// Include statements written over several lines (HOCON spec, include syntax): whitespace,
/// newlines included, may stand inside <c>required( )</c>, <c>file( )</c>, <c>classpath( )</c>
/// and <c>url( )</c>, around the quoted name and between nested forms.
/// </summary>
public sealed class IncludeSyntaxTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("akkamq-hocon-");

    public IncludeSyntaxTests() => File.WriteAllText(Path.Combine(_dir.FullName, "child.conf"), "q = 1\n");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData("include required(\n  \"child.conf\"\n)")]
    [InlineData("include required(\n\n  \"child.conf\"   \n\n )")]
    [InlineData("include\n  required(\"child.conf\")")]
    [InlineData("include required( # why this file is needed\n  \"child.conf\" // and a comment after it\n)")]
    public void RequiredInclude_AllowsWhitespaceAndNewlinesInsideTheParentheses(string include)
    {
        JsonAssert.Equal("""{"q":1,"b":2}""", ParseMain(include + "\nb = 2"), include);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("classpath")]
    public void KindInclude_AllowsWhitespaceAndNewlinesInsideTheParentheses(string kind)
    {
        JsonAssert.Equal("""{"q":1}""", ParseMain($"include {kind}(\n  \"child.conf\"\n  )"), kind);
    }

    [Theory]
    [InlineData("include required(file(\"child.conf\"))")]
    [InlineData("include required(file( \"child.conf\" ))")]
    [InlineData("include required( file( \"child.conf\" ) )")]
    [InlineData("include required(\n  file(\n    \"child.conf\"\n  )\n)")]
    [InlineData("include required(\n  classpath(\"child.conf\"))")]
    public void RequiredAroundKind_IsReadWithOrWithoutWhitespace(string include)
    {
        JsonAssert.Equal("""{"a":{"q":1},"b":2}""", ParseMain("a {\n  " + include + "\n}, b = 2"), include);
    }

    [Fact]
    public void RequiredInclude_OverSeveralLines_StillRequiresTheFile()
    {
        var error = Assert.Throws<ConfigException>(() => ParseMain("include required(\n  file(\n    \"missing.conf\"\n  )\n)"));

        Assert.Contains("required include 'missing.conf' not found", error.Message);
    }

    [Fact]
    public void UrlInclude_OverSeveralLines_IsParsedAndThenRefused()
    {
        var error = Assert.Throws<ConfigException>(() => ParseMain("include url(\n  \"http://example.invalid/a.conf\"\n)"));

        Assert.Contains("is not supported", error.Message);
    }

    [Theory]
    [InlineData("include required (\"child.conf\")", "'(' must follow required directly")]
    [InlineData("include file (\"child.conf\")", "'(' must follow file directly")]
    [InlineData("include required(required(\"child.conf\"))", "got 'required('")]
    [InlineData("include required()", "got ')'")]
    [InlineData("include file(child.conf)", "expected a quoted file name inside file(...)")]
    [InlineData("include required(\n  file(\"child.conf\")\n", "expected ')' to close required(...), got end of file")]
    [InlineData("include file(\"child.conf\"))", "got ')'")]
    public void MalformedInclude_IsRejected(string include, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => ParseMain(include));

        Assert.Contains(expected, error.Message);
    }

    private string ParseMain(string text)
    {
        var main = Path.Combine(_dir.FullName, "main.conf");
        File.WriteAllText(main, text + "\n");
        return Config.ParseFile(main).Resolve(static _ => null).ToJson();
    }
}
