using System.Text;
using AkkaMq.Store;

namespace AkkaMq.Broker.Filtering;

/// <summary>
/// A TAG subscription: the consume queue filters by tag hash code; <see cref="Matches"/> then
/// checks the exact tag, since different tags can share a hash.
/// </summary>
internal sealed class TagFilter
{
    public static readonly TagFilter All = new([], []);

    private readonly byte[][] _tags;

    private TagFilter(int[] codes, byte[][] tags)
    {
        Codes = codes;
        _tags = tags;
    }

    /// <summary>Hash codes to pass; empty = every message.</summary>
    public int[] Codes { get; }

    /// <summary><c>*</c> or empty = all; otherwise tags separated by <c>||</c>.</summary>
    public static TagFilter Parse(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression) || expression.Trim() == "*")
        {
            return All;
        }

        var tags = new List<byte[]>();
        var codes = new List<int>();
        foreach (var part in expression.Split("||", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            tags.Add(Encoding.UTF8.GetBytes(part));
            codes.Add(PropertyString.TagsCode(part));
        }

        return tags.Count == 0 ? All : new TagFilter([.. codes], [.. tags]);
    }

    public bool Matches(ReadOnlySpan<byte> record)
    {
        if (_tags.Length == 0)
        {
            return true;
        }

        if (!PropertyString.TryGetValue(MessageRecordLayout.Properties(record), PropertyString.TagsKey, out var tag))
        {
            return false;
        }

        foreach (var wanted in _tags)
        {
            if (tag.SequenceEqual(wanted))
            {
                return true;
            }
        }

        return false;
    }
}
