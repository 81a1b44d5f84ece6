namespace AkkaMq.Actors.TestKit;

/// <summary>
/// The deadline of the innermost <c>Within</c> block on this async flow; expectations inside it
/// wait at most until then.
/// </summary>
internal static class WithinScope
{
    private static readonly AsyncLocal<DateTime?> s_deadline = new();

    public static DateTime? Deadline
    {
        get => s_deadline.Value;
        set => s_deadline.Value = value;
    }

    /// <summary><paramref name="max"/>, shortened to what is left of the enclosing Within block.</summary>
    public static TimeSpan Remaining(TimeSpan max)
    {
        if (s_deadline.Value is not DateTime deadline)
        {
            return max;
        }

        TimeSpan left = deadline - DateTime.UtcNow;
        if (left < TimeSpan.Zero)
        {
            left = TimeSpan.Zero;
        }

        return left < max ? left : max;
    }
}
