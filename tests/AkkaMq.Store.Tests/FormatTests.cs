using System.Text;

namespace AkkaMq.Store.Tests;

public sealed class FormatTests
{
    [Fact]
    public void PropertyString_HashesLikeJavaStringHashCode()
    {
        // "TagA".hashCode() == 2598919 in Java; "中".hashCode() == 20013.
        Assert.Equal(2598919, PropertyString.TagsCode("TagA"));
        Assert.Equal(20013, PropertyString.TagsCode("中"));
        Assert.Equal(2598919L, PropertyString.TagsCode("KEYS\u0001k1\u0002TAGS\u0001TagA"u8));
        Assert.Equal(0L, PropertyString.TagsCode("x\u0002KEYS\u0001k1\u0002"u8));
    }

    [Fact]
    public void PropertyString_SkipsShortAndSeparatorlessSegments()
    {
        Assert.True(PropertyString.TryGetValue("ab\u0002TAGS\u0002TAGS\u0001v\u0002"u8, "TAGS"u8, out ReadOnlySpan<byte> v));
        Assert.Equal("v", Encoding.UTF8.GetString(v));
        Assert.False(PropertyString.TryGetValue("TAGSX\u0001v"u8, "TAGS"u8, out _));
    }

    [Fact]
    public void Encode_WritesDocumentedLayout()
    {
        MessageToStore m = Msg.Create("T", 3, "body", tags: "a");
        int props = Encoding.UTF8.GetByteCount(m.Properties);
        int size = MessageRecordLayout.CalcSize(4, 1, props);
        Assert.Equal(91 + 4 + 1 + props, size);
        var buf = new byte[size];
        MessageRecordLayout.Encode(buf, m, 1, props, 4096, 9, 1234);
        Assert.Equal(new byte[] { 0xDA, 0xA3, 0x20, 0xA7 }, buf[4..8]);
        Assert.Equal(RecordCheck.Valid, MessageRecordLayout.Check(buf, 4096, 1 << 20, out int checkedSize));
        Assert.Equal(size, checkedSize);
        Assert.Equal(RecordCheck.Corrupt, MessageRecordLayout.Check(buf, 4097, 1 << 20, out _));
        StoredMessage d = StoredMessage.Decode(buf);
        Assert.Equal(("T", 3, 9L, 4096L, 1234L, "a", "body"), (d.Topic, d.QueueId, d.QueueOffset, d.CommitLogOffset, d.StoreTimestamp, d.Tags, Encoding.UTF8.GetString(d.Body)));
        Assert.Equal(Msg.Store, d.StoreHost);
        buf[MessageRecordLayout.BodyOffset] ^= 1;
        Assert.Equal(RecordCheck.Corrupt, MessageRecordLayout.Check(buf, 4096, 1 << 20, out _));
    }
}
