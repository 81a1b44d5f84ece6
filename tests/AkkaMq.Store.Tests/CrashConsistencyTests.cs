using System.Diagnostics;
using System.Globalization;

namespace AkkaMq.Store.Tests;

/// <summary>
/// A child process appends through the group-commit front and prints each acknowledged record;
/// it is killed with SIGKILL at random points. After each kill the store recovers and must hold
/// every acknowledged record intact, serve nothing past the torn point, and keep going.
/// </summary>
public sealed class CrashConsistencyTests
{
    private const long SegmentSize = 64 * 1024;

    private sealed record Ack(long Offset, int Size, string Id);

    [Fact]
    [Trait("Category", "Slow")]
    public async Task KilledWriter_LosesNoAcknowledgedRecord()
    {
        using var dir = new TempDir();
        var acks = new List<Ack>();
        var rnd = new Random(12345);
        for (int run = 0; run < 6; run++)
        {
            int before = acks.Count;
            acks.AddRange(await RunAndKill(dir.Path, run, rnd.Next(100, 700)));
            Assert.True(acks.Count > before, $"run {run} acknowledged nothing");
            VerifyRecovered(dir.Path, acks);
        }
    }

    private static async Task<List<Ack>> RunAndKill(string dir, int run, int killAfterMs)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "AkkaMq.Store.CrashWriter.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { dll, dir, SegmentSize.ToString(CultureInfo.InvariantCulture), run.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }
        using Process p = Process.Start(psi)!;
        Task<string> errors = p.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        string? first = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (first != "READY")
        {
            p.Kill();
            Assert.Fail($"child said {first}; stderr: {await errors}");
        }
        Task<string> rest = p.StandardOutput.ReadToEndAsync();
        try
        {
            await Task.Delay(killAfterMs);
        }
        finally
        {
            p.Kill(); // SIGKILL on Unix
        }
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        lines.AddRange((await rest.WaitAsync(TimeSpan.FromSeconds(30))).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var acks = new List<Ack>();
        foreach (string line in lines)
        {
            string[] f = line.Split(' ');
            // The last line may itself be torn by the kill; only whole ACK lines count.
            if (f.Length == 4 && f[0] == "ACK" && f[3].Count(c => c == '-') == 2)
            {
                acks.Add(new Ack(long.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), f[3]));
            }
            Assert.False(line.StartsWith("FAIL", StringComparison.Ordinal), line);
        }
        return acks;
    }

    private static void VerifyRecovered(string dir, List<Ack> acks)
    {
        var settings = new StoreSettings
        {
            Dir = dir,
            CommitLogSegmentSize = SegmentSize,
            ConsumeQueueEntriesPerFile = 1000,
            IndexHashSlots = 101,
            IndexEntriesPerFile = 2000,
            FlushMode = FlushMode.GroupCommit,
            // Tests must not depend on how full the machine's disk is; the watermark has its own test.
            DiskWatermarkRatio = 1.0,
            MaxMessageSize = 16 * 1024,
        };
        using MessageStore store = MessageStore.Open(settings);
        Assert.Null(store.Corruption);
        foreach (Ack a in acks)
        {
            Assert.True(store.TryGetMessage(a.Offset, a.Size, out StoredBytes b), $"acknowledged {a.Id} at {a.Offset} missing");
            using (b)
            {
                StoredMessage m = StoredMessage.Decode(b.Span);
                Assert.Equal(a.Id, m.Keys);
                Assert.Equal(CrashMessages.Body(a.Id, CrashMessages.BodyLength(a.Id)), m.Body);
            }
        }
        Assert.True(acks.Max(a => a.Offset + a.Size) <= store.MaxPhysicalOffset);
        Assert.Equal(CountRecords(store), Enumerable.Range(0, 4).Sum(q => store.GetMaxOffset("crash", q)));
        for (int q = 0; q < 4; q++)
        {
            foreach (QueueEntry e in store.ReadAll("crash", q))
            {
                Assert.True(store.TryGetMessage(e.CommitLogOffset, e.Size, out StoredBytes b));
                using (b)
                {
                    Assert.Equal(e.QueueOffset, MessageRecordLayout.ReadQueueOffset(b.Span));
                }
            }
        }
        Assert.Single(store.QueryByKey("crash", acks[^1].Id, 0, long.MaxValue, 4));
    }

    /// <summary>Walks the whole log; every record it can read must be whole (TryReadMessage checks size and magic).</summary>
    private static long CountRecords(MessageStore store)
    {
        long count = 0;
        long pos = store.MinPhysicalOffset;
        var buf = new byte[128 * 1024];
        while (pos < store.MaxPhysicalOffset)
        {
            if (store.TryReadMessage(pos, buf, out int size))
            {
                Assert.Equal(RecordCheck.Valid, MessageRecordLayout.Check(buf.AsSpan(0, size), pos, int.MaxValue, out _));
                count++;
                pos += size;
            }
            else
            {
                pos = ((pos / SegmentSize) + 1) * SegmentSize;
            }
        }
        return count;
    }
}
