using System.Buffers;
using System.Text;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Tests.Protocol;

public sealed class FrameFuzzTests
{
    private const int Iterations = 20_000;
    private const string Specials = "{}[]\":,\\0";

    [Fact]
    public void MutatedGoldenFrames_NeverThrow()
    {
        var random = new Random(20261122);
        var goldens = new[] { GoldenFrames.JsonSendRequest, GoldenFrames.JsonSendResponse, GoldenFrames.BinaryRequest };

        for (int i = 0; i < Iterations; i++)
        {
            var frame = Mutate(random, goldens[i % goldens.Length]);
            DecodeAll(frame, random);
        }
    }

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var random = new Random(42);

        for (int i = 0; i < Iterations; i++)
        {
            var frame = new byte[random.Next(0, 96)];
            random.NextBytes(frame);
            if (frame.Length > 8 && random.Next(2) == 0)
            {
                // Keep the length and header word plausible so the header decoders get exercised.
                frame[0] = frame[1] = 0;
                frame[2] = 0;
                frame[3] = (byte)(frame.Length - 4);
                frame[4] = (byte)random.Next(2);
                frame[5] = frame[6] = 0;
                frame[7] = (byte)random.Next(0, frame.Length - 7);
            }

            DecodeAll(frame, random);
        }
    }

    [Fact]
    public void RandomCommands_RoundTripInBothSerializeTypes()
    {
        var random = new Random(7);

        for (int i = 0; i < 2_000; i++)
        {
            var command = RandomCommand(random);

            var decoded = Frames.DecodeSingle(Frames.SplitAt(FrameEncoder.ToArray(command), random.Next(0, 20)));

            Assert.Equal(FrameEncoder.ToArray(command), FrameEncoder.ToArray(decoded));
            Assert.Equal(command.Remark, decoded.Remark);
            Assert.Equal(command.ExtFields.Count, decoded.ExtFields.Count);
        }
    }

    private static void DecodeAll(byte[] frame, Random random)
    {
        int split = frame.Length == 0 ? 0 : random.Next(0, frame.Length);
        var buffer = Frames.SplitAt(frame, split);
        for (int guard = 0; guard < 8; guard++)
        {
            var result = FrameDecoder.TryReadFrame(ref buffer, 4096, out var command);
            if (result.Status != FrameReadStatus.Frame)
            {
                Assert.True(result.Status == FrameReadStatus.NeedMoreData || result.Reason is not null);
                return;
            }

            // Anything that decodes must also encode.
            FrameEncoder.ToArray(command!);
        }
    }

    private static byte[] Mutate(Random random, byte[] golden)
    {
        var frame = (byte[])golden.Clone();
        switch (random.Next(4))
        {
            case 0:
                frame[random.Next(frame.Length)] = (byte)random.Next(256);
                break;
            case 1:
                for (int k = 0; k < 4; k++)
                {
                    frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 2:
                frame = frame.AsSpan(0, random.Next(frame.Length)).ToArray();
                break;
            default:
                frame[8 + random.Next(frame.Length - 8)] = (byte)Specials[random.Next(Specials.Length)];
                break;
        }

        return frame;
    }

    private static RemotingCommand RandomCommand(Random random)
    {
        var command = RemotingCommand.CreateRequest(random.Next(0, 400));
        command.SerializeType = (SerializeType)random.Next(2);
        command.Opaque = random.Next();
        command.Flag = random.Next(4);
        command.Language = (LanguageCode)random.Next(14);
        command.Version = random.Next(0, 500);
        command.Remark = random.Next(3) == 0 ? null : "r" + RandomText(random);
        int fields = random.Next(0, 6);
        for (int f = 0; f < fields; f++)
        {
            command.ExtFields["k" + f + RandomText(random)] = "v" + RandomText(random);
        }

        var body = new byte[random.Next(0, 64)];
        random.NextBytes(body);
        command.Body = body;
        return command;
    }

    private static string RandomText(Random random)
    {
        const string alphabet = "abcXYZ019 _-\"\\/\u0001\u0002é中😀";
        var builder = new StringBuilder();
        int length = random.Next(0, 12);
        for (int i = 0; i < length; i++)
        {
            int index = random.Next(alphabet.Length);
            builder.Append(char.IsSurrogate(alphabet[index]) ? "😀" : alphabet[index].ToString());
        }

        return builder.ToString();
    }
}
