using System.Buffers;
using System.Buffers.Binary;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Tests.Protocol;

public sealed class FrameMalformedTests
{
    public static IEnumerable<object[]> MalformedFrames()
    {
        yield return ["negative length", Prefix(-5, 0)];
        yield return ["length below 4", new byte[] { 0, 0, 0, 3, 0, 0, 0 }];
        yield return ["length zero", new byte[] { 0, 0, 0, 0 }];
        yield return ["header longer than frame", Prefix(10, 7)];
        yield return ["unknown serialize type", Prefix(4, 2 << 24)];
        yield return ["invalid JSON", Frames.Json("{\"code\":10,")];
        yield return ["JSON not an object", Frames.Json("[1,2,3]")];
        yield return ["JSON code not a number", Frames.Json("{\"code\":\"ten\"}")];
        yield return ["JSON extFields not an object", Frames.Json("{\"code\":10,\"extFields\":5}")];
        yield return ["JSON remark is an object", Frames.Json("{\"code\":10,\"remark\":{\"code\":1}}")];
        yield return ["JSON trailing garbage", Frames.Json("{\"code\":10} x")];
        yield return ["JSON empty header", Frames.Json(string.Empty)];
        yield return ["truncated binary header", Frames.Build(SerializeType.RocketMq, [0, 10, 0, 1, 0x99, 0, 0])];
        yield return ["binary remark too long", Frames.Build(SerializeType.RocketMq, BinaryHeader(remarkLength: 100, extLength: 0))];
        yield return ["binary negative ext length", Frames.Build(SerializeType.RocketMq, BinaryHeader(remarkLength: 0, extLength: -1))];
        yield return ["binary ext entry overruns", Frames.Build(SerializeType.RocketMq, [.. BinaryHeader(0, 4), 0, 9, (byte)'a', (byte)'b'])];
    }

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public void MalformedInput_IsReportedNotThrown(string description, byte[] frame)
    {
        var buffer = new ReadOnlySequence<byte>(frame);

        var result = FrameDecoder.TryReadFrame(ref buffer, 1 << 20, out var command);

        Assert.Equal(FrameReadStatus.Malformed, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Reason), description);
        Assert.Null(command);
    }

    /// <summary>
    /// Fuzz finding: System.Text.Json's multi-segment reader threw IndexOutOfRangeException on
    /// a broken literal spread over segments, so JSON headers are parsed from one span.
    /// </summary>
    [Theory]
    [InlineData("t")]
    [InlineData("tr")]
    [InlineData("fals")]
    [InlineData("nul")]
    [InlineData("{\"code\":tru")]
    [InlineData("{\"code\":1,\"flag\":fx}")]
    public void BrokenJsonLiteral_AcrossSegments_IsMalformed(string header)
    {
        var buffer = Frames.OneBytePerSegment(Frames.Json(header));

        var result = FrameDecoder.TryReadFrame(ref buffer, 1 << 20, out _);

        Assert.Equal(FrameReadStatus.Malformed, result.Status);
    }

    /// <summary>Pinned fuzz finding (seed 42): header "f", body bytes, split right after the header.</summary>
    [Theory]
    [InlineData("f")]
    [InlineData("t")]
    [InlineData("n")]
    [InlineData("{\"code\":f")]
    public void BrokenJsonLiteral_EndingAtASegmentBoundary_IsMalformed(string header)
    {
        var frame = Frames.Json(header, [0xAB, 0x29, 0x17]);
        var buffer = Frames.SplitAt(frame, 8 + header.Length);

        var result = FrameDecoder.TryReadFrame(ref buffer, 1 << 20, out _);

        Assert.Equal(FrameReadStatus.Malformed, result.Status);
    }

    [Fact]
    public void FrameOverMax_IsMalformedBeforeTheBodyArrives()
    {
        var buffer = new ReadOnlySequence<byte>(Prefix(2000, 10));

        var result = FrameDecoder.TryReadFrame(ref buffer, 1024, out _);

        Assert.Equal(FrameReadStatus.Malformed, result.Status);
        Assert.Contains("1024", result.Reason);
    }

    [Fact]
    public void FrameExactlyAtMax_IsAccepted()
    {
        var frame = Frames.Json("{\"code\":1}", new byte[100]);
        var buffer = new ReadOnlySequence<byte>(frame);

        var result = FrameDecoder.TryReadFrame(ref buffer, frame.Length, out _);

        Assert.Equal(FrameReadStatus.Frame, result.Status);
    }

    private static byte[] Prefix(int length, int headerWord)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(bytes, length);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), headerWord);
        return bytes;
    }

    private static byte[] BinaryHeader(int remarkLength, int extLength)
    {
        var header = new byte[21];
        BinaryPrimitives.WriteInt16BigEndian(header, 10);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(13), remarkLength);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(17), extLength);
        return header;
    }
}
