using System.Net;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Remoting.Tests.Transport;

public sealed class HostPortTests
{
    [Theory]
    [InlineData("127.0.0.1:9876", "127.0.0.1", 9876)]
    [InlineData("0.0.0.0:0", "0.0.0.0", 0)]
    [InlineData("localhost:10911", "127.0.0.1", 10911)]
    [InlineData("[::1]:9876", "::1", 9876)]
    public void TryParse_AcceptsAddressesAndLocalhost(string text, string address, int port)
    {
        Assert.True(HostPort.TryParse(text, out var endPoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), endPoint);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("::1:9876")]
    [InlineData("broker.example:9876")]
    [InlineData(":9876")]
    [InlineData("")]
    public void TryParse_RejectsEverythingElse(string text)
    {
        Assert.False(HostPort.TryParse(text, out _));
    }

    [Fact]
    public void Parse_NamesTheSettingInItsError()
    {
        var e = Assert.Throws<ArgumentException>(() => HostPort.Parse("nowhere", "akkamq.broker.listen"));

        Assert.StartsWith("akkamq.broker.listen:", e.Message);
    }
}
