using System.Text;

namespace AkkaMq.Store.Tests;

/// <summary>
/// RocketMQ 4.9's store limits: the body up to maxMessageSize, the whole record up to
/// maxMessageSize + 64 KiB (and, here, what one commit-log segment holds), properties up to
/// 32767 bytes, the topic up to 127.
/// </summary>
public sealed class MessageSizeLimitTests
{
    [Fact]
    public void MaxRecordSize_IsTheBodyLimitPlus64KiB_WithinASegment()
    {
        Assert.Equal(4 * 1024 * 1024 + 64 * 1024, new StoreSettings { Dir = "d", CommitLogSegmentSize = 1L << 30 }.MaxRecordSize);
        Assert.Equal(8192 - 8, new StoreSettings { Dir = "d", CommitLogSegmentSize = 8192, MaxMessageSize = 4096 }.MaxRecordSize);
    }

    [Theory]
    [InlineData(4095, AppendStatus.Ok)]
    [InlineData(4096, AppendStatus.Ok)]
    [InlineData(4097, AppendStatus.MessageTooLarge)]
    public void Body_UpToMaxMessageSize_IsStored(int bodyLength, AppendStatus expected)
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Settings(dir.Path));

        var result = store.AppendOne(Message("T", bodyLength, "TAGS\u0001a"));

        Assert.Equal(expected, result.Status);
    }

    [Theory]
    [InlineData(-1, AppendStatus.Ok)]
    [InlineData(0, AppendStatus.Ok)]
    [InlineData(1, AppendStatus.MessageTooLarge)]
    public void WholeRecord_UpToMaxRecordSize_IsStored(int overLimit, AppendStatus expected)
    {
        using var dir = new TempDir();
        var settings = Settings(dir.Path);
        using MessageStore store = MessageStore.Open(settings);
        int propertiesLength = settings.MaxRecordSize + overLimit - MessageRecordLayout.CalcSize(4096, 1, 0);

        var result = store.AppendOne(Message("T", 4096, "KEYS\u0001" + new string('k', propertiesLength - 5)));

        Assert.Equal(expected, result.Status);
        if (expected == AppendStatus.Ok)
        {
            Assert.Equal(settings.MaxRecordSize + overLimit, result.StoredSize);
        }
    }

    [Theory]
    [InlineData(32767, AppendStatus.Ok)]
    [InlineData(32768, AppendStatus.MessageTooLarge)]
    public void Properties_UpTo32767Bytes_AreStored(int propertiesLength, AppendStatus expected)
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Settings(dir.Path) with { CommitLogSegmentSize = 1 << 20 });

        var result = store.AppendOne(Message("T", 10, "KEYS\u0001" + new string('k', propertiesLength - 5)));

        Assert.Equal(expected, result.Status);
    }

    [Theory]
    [InlineData(127, AppendStatus.Ok)]
    [InlineData(128, AppendStatus.MessageTooLarge)]
    public void Topic_UpTo127Bytes_IsStored(int topicLength, AppendStatus expected)
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Settings(dir.Path));

        var result = store.AppendOne(Message(new string('t', topicLength), 10, string.Empty));

        Assert.Equal(expected, result.Status);
    }

    [Fact]
    public void ARecordBiggerThanMaxMessageSize_ReadsBack_AfterReopening()
    {
        using var dir = new TempDir();
        var settings = Settings(dir.Path);
        var message = Message("T", 4096, "KEYS\u0001" + new string('k', 3000));
        using (MessageStore store = MessageStore.Open(settings))
        {
            Assert.Equal(AppendStatus.Ok, store.AppendOne(message).Status);
            store.Flush();
        }

        using MessageStore reopened = MessageStore.Open(settings);
        var entry = Assert.Single(reopened.ReadAll("T", 0));
        var buffer = new byte[settings.MaxRecordSize];
        Assert.True(reopened.TryReadMessage(entry.CommitLogOffset, buffer, out int size));
        Assert.Equal(message.Body.ToArray(), StoredMessage.Decode(buffer.AsSpan(0, size)).Body);
    }

    private static StoreSettings Settings(string dir) => Msg.Small(dir) with { CommitLogSegmentSize = 8192, MaxMessageSize = 4096 };

    private static MessageToStore Message(string topic, int bodyLength, string properties) =>
        new(topic, 0, 0, Encoding.ASCII.GetBytes(new string('b', bodyLength)), properties, 1_700_000_000_000, Msg.Born, Msg.Store);
}
