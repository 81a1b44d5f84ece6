using System.Globalization;
using AkkaMq.Cluster.Routing;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>
/// RocketMQ's delay levels (wire doc 6.5): a message with <c>DELAY</c> = n &gt; 0 is parked in
/// <c>SCHEDULE_TOPIC_XXXX</c> queue n − 1 with <c>REAL_TOPIC</c>/<c>REAL_QID</c> saved, and the
/// <see cref="ScheduleActor"/> re-writes it to its real queue when the level's delay has passed.
/// </summary>
internal static class DelayLevels
{
    /// <summary>RocketMQ's default delays, <c>1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h</c> = levels 1..18.</summary>
    public static readonly TimeSpan[] Delays =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(4),
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(8),
        TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2),
    ];

    /// <summary>Queues of the schedule topic, one per level: the most levels a broker can be configured with.</summary>
    public const int ScheduleQueues = 18;

    public static int MaxLevel => ScheduleQueues;

    /// <summary>The configured delays (<c>message-delay-levels</c>), or RocketMQ's defaults when none are set.</summary>
    public static IReadOnlyList<TimeSpan> Resolve(IReadOnlyList<TimeSpan>? configured) =>
        configured is { Count: > 0 } ? configured : Delays;

    /// <summary>
    /// How long a message parked in schedule queue <paramref name="queue"/> (level − 1) waits; a level
    /// above the configured ones waits as long as the last one, as RocketMQ clamps to its highest level.
    /// </summary>
    public static TimeSpan DelayOf(IReadOnlyList<TimeSpan> delays, int queue) => delays[Math.Min(queue, delays.Count - 1)];

    /// <summary>
    /// Parks <paramref name="message"/> in the schedule topic when its properties ask for a delay;
    /// returns it unchanged otherwise. Levels above the last clamp to the last.
    /// </summary>
    public static MessageToStore Park(MessageToStore message)
    {
        if (message.Topic == TopicNames.Schedule
            || MessageProperties.Get(message.Properties, MessageProperty.DelayTimeLevel) is not { } text
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int level)
            || level <= 0)
        {
            return message;
        }

        level = Math.Min(level, MaxLevel);
        string props = MessageProperties.Set(message.Properties, MessageProperty.DelayTimeLevel, level.ToString(CultureInfo.InvariantCulture));
        props = MessageProperties.Set(props, MessageProperty.RealTopic, message.Topic);
        props = MessageProperties.Set(props, MessageProperty.RealQueueId, message.QueueId.ToString(CultureInfo.InvariantCulture));
        return message with { Topic = TopicNames.Schedule, QueueId = level - 1, Properties = props };
    }
}
