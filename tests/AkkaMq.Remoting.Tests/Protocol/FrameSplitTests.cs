using System.Buffers;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Tests.Protocol;

public sealed class FrameSplitTests
{
    [Theory]
    [MemberData(nameof(GoldenFrames.Names), MemberType = typeof(GoldenFrames))]
    public void Frame_SplitAtEveryOffset_DecodesIdentically(string name)
    {
        var golden = GoldenFrames.ByName(name);

        for (int offset = 0; offset <= golden.Length; offset++)
        {
            var command = Frames.DecodeSingle(Frames.SplitAt(golden, offset));

            Assert.Equal(golden, FrameEncoder.ToArray(command));
        }
    }

    [Theory]
    [MemberData(nameof(GoldenFrames.Names), MemberType = typeof(GoldenFrames))]
    public void Frame_OneBytePerSegment_DecodesIdentically(string name)
    {
        var golden = GoldenFrames.ByName(name);

        var command = Frames.DecodeSingle(Frames.OneBytePerSegment(golden));

        Assert.Equal(golden, FrameEncoder.ToArray(command));
    }

    [Theory]
    [MemberData(nameof(GoldenFrames.Names), MemberType = typeof(GoldenFrames))]
    public void EveryProperPrefix_NeedsMoreData_AndConsumesNothing(string name)
    {
        var golden = GoldenFrames.ByName(name);

        for (int length = 0; length < golden.Length; length++)
        {
            var buffer = Frames.OneBytePerSegment(golden.AsSpan(0, length).ToArray());
            long before = buffer.Length;

            var result = FrameDecoder.TryReadFrame(ref buffer, FrameDecoder.DefaultMaxFrameLength, out var command);

            Assert.Equal(FrameReadResult.NeedMoreData, result);
            Assert.Null(command);
            Assert.Equal(before, buffer.Length);
        }
    }

    [Fact]
    public void ByteAtATimeFeed_LikeAPipe_YieldsEveryFrameOnce()
    {
        var stream = GoldenFrames.BinaryRequest.Concat(GoldenFrames.JsonSendResponse).Concat(GoldenFrames.JsonSendRequest).ToArray();
        var pending = new List<byte>();
        var codes = new List<int>();

        foreach (byte b in stream)
        {
            pending.Add(b);
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            while (FrameDecoder.TryReadFrame(ref buffer, FrameDecoder.DefaultMaxFrameLength, out var command).Status == FrameReadStatus.Frame)
            {
                codes.Add(command!.Code);
            }

            pending = [.. buffer.ToArray()];
        }

        Assert.Equal([14, 0, 310], codes);
        Assert.Empty(pending);
    }
}
