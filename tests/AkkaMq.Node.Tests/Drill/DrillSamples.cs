using AkkaMq.Node.Commands.Drill;

namespace AkkaMq.Node.Tests.Drill;

/// <summary>Drill results built by hand: a kill-master run with a gap in the load, and an empty one.</summary>
internal static class DrillSamples
{
    public static readonly DateTimeOffset Start = new(2026, 12, 5, 6, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// 30 seconds of load; the master is killed at 10 s, nothing is acknowledged in seconds 10 to 12
    /// (sends fail instead), a new master is elected at 12.2 s and the killed node is back by 24.5 s.
    /// The timeline is given out of order on purpose.
    /// </summary>
    public static DrillResult KillMaster(DrillVerdict verdict, string description = "kill -9 the master of group g1 under load") =>
        new(
            "kill-master",
            description,
            Start,
            TimeSpan.FromSeconds(30.25),
            [
                new(TimeSpan.FromSeconds(12.2), TimelineKind.Election, "n2 is master of g1 at epoch 3"),
                new(TimeSpan.Zero, TimelineKind.Info, "load started: 1 producer, 1 consumer"),
                new(TimeSpan.FromSeconds(10.0), TimelineKind.Fault, "killed n1 (the master)"),
                new(TimeSpan.FromSeconds(10.8), TimelineKind.Detection, "n2 sees n1 unreachable"),
                new(TimeSpan.FromSeconds(12.9), TimelineKind.FirstAck, "first SEND_OK from n2"),
                new(TimeSpan.FromSeconds(13.5), TimelineKind.ConsumerResumed, "consumer got a message written after the fault"),
                new(TimeSpan.FromSeconds(20.0), TimelineKind.Repair, "restarted n1"),
                new(TimeSpan.FromSeconds(24.5), TimelineKind.Recovered, "n1 is a follower in sync"),
            ],
            Seconds(30),
            verdict,
            ["producer ran at 200 sends/s"]);

    /// <summary>Acknowledged sends per second of <see cref="KillMaster"/>: 200, except 0 in seconds 10 to 12.</summary>
    public static int AcknowledgedIn(int second) => second is >= 10 and <= 12 ? 0 : 200;

    public static DrillVerdict PassingVerdict() =>
        new(5400, 5400, 0, 17, TimeSpan.FromMilliseconds(2900), 0, 0, []);

    public static DrillVerdict LosingVerdict(params string[] problems) =>
        new(5400, 5397, 3, 0, TimeSpan.FromMilliseconds(2900), 0, 0, problems);

    public static DrillResult Empty() =>
        new("idle", "nothing ran", Start, TimeSpan.Zero, [], [], new DrillVerdict(0, 0, 0, 0, TimeSpan.Zero, 0, 0, []), []);

    private static List<DrillSecond> Seconds(int count)
    {
        var seconds = new List<DrillSecond>();
        for (var s = 0; s < count; s++)
        {
            var acked = AcknowledgedIn(s);
            var failed = acked == 0 ? 40 : 0;
            var p99 = s == 13 ? 850.0 : 12.5;
            seconds.Add(new DrillSecond(s, acked, failed, acked == 0 ? 0 : 3.0, acked == 0 ? 0 : p99, acked == 0 ? 0 : p99 + 5, acked));
        }

        return seconds;
    }
}
