namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// What one run of a drill saw: the scenario, when it ran, the timeline of what happened, the load
/// second by second and the verdict. The text summary and the HTML report are drawn from it.
/// </summary>
public sealed record DrillResult(
    string Scenario,
    string Description,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    IReadOnlyList<TimelineEvent> Timeline,
    IReadOnlyList<DrillSecond> Seconds,
    DrillVerdict Verdict,
    IReadOnlyList<string> Notes);

/// <summary>The kinds of timeline events, in the order a failover usually shows them.</summary>
public enum TimelineKind
{
    /// <summary>Load started, a node started or stopped on purpose: context.</summary>
    Info,

    /// <summary>The fault was injected (process killed, disk pulled, link cut, process paused).</summary>
    Fault,

    /// <summary>A surviving node saw the fault (the failed node unreachable, or gone).</summary>
    Detection,

    /// <summary>The Controller named a new master (a node reports itself master of a higher epoch).</summary>
    Election,

    /// <summary>The first write acknowledged by the group after the fault.</summary>
    FirstAck,

    /// <summary>The consumer received a message of the group written after the fault.</summary>
    ConsumerResumed,

    /// <summary>The fault was undone (process restarted or resumed, link restored).</summary>
    Repair,

    /// <summary>The repaired node is back in its role (a follower in sync, or serving again).</summary>
    Recovered,
}

/// <summary>One event on the timeline, <paramref name="At"/> from the start of the load.</summary>
public sealed record TimelineEvent(TimeSpan At, TimelineKind Kind, string What);

/// <summary>
/// One second of load, <paramref name="Second"/> counted from the start: sends acknowledged and
/// failed in it, the latency of the acknowledged ones (milliseconds; 0 when none) and the distinct
/// messages first consumed in it.
/// </summary>
public sealed record DrillSecond(int Second, int Acknowledged, int Failed, double P50Ms, double P99Ms, double MaxMs, int Consumed);

/// <summary>
/// The accounting of every message: acknowledged (SEND_OK), consumed (distinct), lost (acknowledged
/// and never consumed — must be 0), duplicates (deliveries beyond the first), the longest time
/// one broker group went without an acknowledged send (the worst group's), committed consumer offsets that went back, messages of one producer
/// consumed out of their acknowledged order on a queue, and anything else that broke a promise.
/// </summary>
public sealed record DrillVerdict(
    long Acknowledged,
    long Consumed,
    long Lost,
    long Duplicates,
    TimeSpan LongestUnavailable,
    int OffsetsRewound,
    int OrderViolations,
    IReadOnlyList<string> Problems)
{
    /// <summary>Nothing acknowledged was lost, no offset went back, order held and no other promise broke.</summary>
    public bool Passed => Lost == 0 && OffsetsRewound == 0 && OrderViolations == 0 && Problems.Count == 0;
}
