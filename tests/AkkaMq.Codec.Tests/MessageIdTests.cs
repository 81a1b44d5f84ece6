using System.Net;

namespace AkkaMq.Codec.Tests;

public sealed class MessageIdTests
{
    private const string DocExample = "C0A8010100002A9F0000000000001A2B";

    [Fact]
    public void StoreForm_MatchesDocumentedExample_AndRoundTrips()
    {
        string id = MessageId.Create(new IPv4Endpoint(0xC0A80101, 10911), 0x1A2B);

        Assert.Equal(DocExample, id);
        Assert.True(MessageId.TryParse(id, out IPv4Endpoint host, out long offset));
        Assert.Equal((0xC0A80101u, 10911, 0x1A2BL), (host.Address, host.Port, offset));
        Assert.False(MessageId.TryParse("C0A80101", out _, out _));
    }

    [Fact]
    public void ClientForm_GivesTheSameIdAsTheStore_ForAnIPv4OrMappedHost()
    {
        var ipv4 = new IPEndPoint(IPAddress.Parse("192.168.1.1"), 10911);

        Assert.Equal(DocExample, MessageId.Create(ipv4, 0x1A2B));
        Assert.Equal(DocExample, MessageId.Create(new IPEndPoint(ipv4.Address.MapToIPv6(), 10911), 0x1A2B));
        Assert.True(MessageId.TryParseAnyHost(DocExample, out IPEndPoint host, out long offset));
        Assert.Equal((ipv4, 0x1A2BL), (host, offset));
    }

    [Fact]
    public void ClientForm_RoundTripsIPv6Hosts_WhichTheStoreFormRefuses()
    {
        var ipv6 = new IPEndPoint(IPAddress.Parse("2001:db8::5"), 10911);

        string id = MessageId.Create(ipv6, 42);

        Assert.Equal(MessageId.LengthV6, id.Length);
        Assert.True(MessageId.TryParseAnyHost(id, out IPEndPoint host, out long offset));
        Assert.Equal((ipv6, 42L), (host, offset));
        Assert.False(MessageId.TryParse(id, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("XYZ")]
    [InlineData("ZZA8010100002A9F0000000000001A2B")]
    [InlineData("C0A80101FFFFFFFF0000000000001A2B")]
    [InlineData("C0A8010100002A9F0000000000001A2")]
    public void TryParseAnyHost_Refuses_WrongLengthNonHexOrBadPort(string id)
    {
        Assert.False(MessageId.TryParseAnyHost(id, out _, out _));
    }
}
