using System.Text;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Tests.Protocol;

public sealed class PropertiesTextTests
{
    private static List<KeyValuePair<string, string>> Parse(string text)
    {
        Assert.True(PropertiesText.TryParse(Encoding.UTF8.GetBytes(text), out var entries, out var error), error);
        return entries;
    }

    [Fact]
    public void Encode_WritesKeyEqualsValueLines_AsRocketMqDoes()
    {
        var body = PropertiesText.Encode([new("brokerName", "broker-a"), new("listenPort", "10911")]);

        Assert.Equal("brokerName=broker-a\nlistenPort=10911\n", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void TryParse_ReadsWhatEncodeWrites_InOrder()
    {
        var entries = Parse("b=2\na=1\n");

        Assert.Equal([new("b", "2"), new("a", "1")], entries);
    }

    [Fact]
    public void TryParse_FollowsJavaPropertiesSyntax()
    {
        var entries = Parse("# comment\n! also a comment\n\n  spaced = value with spaces\ncolon:x\nwhite y\nempty=\nlong=a\\\n   b\nesc=tab\\there\\u0041\nk=1\nk=2\r\n");

        Assert.Equal("value with spaces", entries.Single(e => e.Key == "spaced").Value);
        Assert.Equal("x", entries.Single(e => e.Key == "colon").Value);
        Assert.Equal("y", entries.Single(e => e.Key == "white").Value);
        Assert.Equal(string.Empty, entries.Single(e => e.Key == "empty").Value);
        Assert.Equal("ab", entries.Single(e => e.Key == "long").Value);
        Assert.Equal("tab\thereA", entries.Single(e => e.Key == "esc").Value);
        Assert.Equal("2", entries.Single(e => e.Key == "k").Value);
        Assert.Equal(7, entries.Count);
    }

    [Fact]
    public void TryParse_EmptyBody_HasNoEntries()
    {
        Assert.Empty(Parse(string.Empty));
    }

    [Theory]
    [InlineData("k=\\u12")]
    [InlineData("k=\\uZZZZ")]
    public void TryParse_RefusesMalformedUnicodeEscapes(string text)
    {
        Assert.False(PropertiesText.TryParse(Encoding.UTF8.GetBytes(text), out _, out var error));
        Assert.Contains("\\uXXXX", error);
    }

    [Fact]
    public void TryParse_RefusesBytesThatAreNotUtf8()
    {
        Assert.False(PropertiesText.TryParse(new byte[] { (byte)'k', (byte)'=', 0xFF, 0xFE }, out _, out var error));
        Assert.Contains("UTF-8", error);
    }
}
