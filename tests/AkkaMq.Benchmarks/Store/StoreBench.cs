using AkkaMq.Store;

namespace AkkaMq.Benchmarks.Store;

/// <summary>Shared pieces of the store benchmarks: 1 KiB records, a scratch directory on the benchmark disk.</summary>
internal static class StoreBench
{
    public const int RecordSize = 1024;
    public const string Topic = "bench";

    /// <summary>Body size that makes the stored record exactly 1 KiB (91 fixed + topic + body, no properties).</summary>
    public static readonly byte[] Body = CreateBody();

    public static MessageToStore Message(int queueId) =>
        new(Topic, queueId, 0, Body, "", 1, new IPv4Endpoint(0x7F000001, 1), new IPv4Endpoint(0x7F000001, 10911));

    /// <summary>Scratch directory on the same disk as the repository (override with AKKAMQ_BENCH_DIR).</summary>
    public static string NewDir(string name)
    {
        string root = Environment.GetEnvironmentVariable("AKKAMQ_BENCH_DIR") ?? Path.Combine(Path.GetTempPath(), "akkamq-bench");
        string dir = Path.Combine(root, name + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static byte[] CreateBody()
    {
        var body = new byte[RecordSize - MessageRecordLayout.FixedSize - Topic.Length];
        new Random(1).NextBytes(body);
        return body;
    }
}
