using System.Buffers;
using AkkaMq.Remoting.Protocol;
using BenchmarkDotNet.Attributes;

namespace AkkaMq.Benchmarks.Remoting;

/// <summary>
/// Frame decode and encode for a typical SEND_MESSAGE_V2 request (11 extFields, 1 KiB body) in
/// both header encodings. Decode allocates the command, its strings and the body copy;
/// encode into a reused buffer should allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class FrameCodecBenchmarks
{
    private byte[] _jsonFrame = null!;
    private byte[] _binaryFrame = null!;
    private RemotingCommand _jsonCommand = null!;
    private RemotingCommand _binaryCommand = null!;
    private readonly ArrayBufferWriter<byte> _output = new(4096);

    [GlobalSetup]
    public void Setup()
    {
        _jsonCommand = RemotingCommand.CreateRequest(RequestCode.SendMessageV2, body: new byte[1024]);
        _jsonCommand.Opaque = 12345;
        string[] keys = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"];
        string[] values = ["ProducerGroup", "TopicTest", "TBW102", "4", "1", "0", "1700000000000", "0", "TAGS\u0001TagA\u0002KEYS\u0001k1", "0", "false"];
        for (int i = 0; i < keys.Length; i++)
        {
            _jsonCommand.ExtFields[keys[i]] = values[i];
        }

        _jsonFrame = FrameEncoder.ToArray(_jsonCommand);
        _binaryCommand = Decode(_jsonFrame);
        _binaryCommand.SerializeType = SerializeType.RocketMq;
        _binaryFrame = FrameEncoder.ToArray(_binaryCommand);
    }

    [Benchmark]
    public RemotingCommand DecodeJson() => Decode(_jsonFrame);

    [Benchmark]
    public RemotingCommand DecodeBinary() => Decode(_binaryFrame);

    [Benchmark]
    public int EncodeJson()
    {
        _output.ResetWrittenCount();
        FrameEncoder.Write(_output, _jsonCommand);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int EncodeBinary()
    {
        _output.ResetWrittenCount();
        FrameEncoder.Write(_output, _binaryCommand);
        return _output.WrittenCount;
    }

    [Benchmark]
    public FrameReadStatus NeedMoreData()
    {
        var buffer = new ReadOnlySequence<byte>(_jsonFrame, 0, _jsonFrame.Length - 1);
        return FrameDecoder.TryReadFrame(ref buffer, FrameDecoder.DefaultMaxFrameLength, out _).Status;
    }

    private static RemotingCommand Decode(byte[] frame)
    {
        var buffer = new ReadOnlySequence<byte>(frame);
        FrameDecoder.TryReadFrame(ref buffer, FrameDecoder.DefaultMaxFrameLength, out var command);
        return command!;
    }
}
