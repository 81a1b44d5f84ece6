using System.Text;

namespace AkkaMq.Broker;

/// <summary>Builds the stored property string (wire doc 4.2).</summary>
internal static class MessageProperties
{
    private static readonly string WaitPrefix = MessageProperty.WaitStoreMsgOk + MessageProperty.NameValueSeparator;
    private static readonly string ClusterPrefix = MessageProperty.Cluster + MessageProperty.NameValueSeparator;

    /// <summary>The property string as stored: <c>WAIT</c> dropped, <c>CLUSTER</c> added unless present.</summary>
    public static string ForStore(string? properties, string cluster)
    {
        string props = properties ?? string.Empty;
        if (props.Contains(WaitPrefix, StringComparison.Ordinal))
        {
            props = Without(props, WaitPrefix);
        }

        if (props.StartsWith(ClusterPrefix, StringComparison.Ordinal) || props.Contains(MessageProperty.PropertySeparator + ClusterPrefix, StringComparison.Ordinal))
        {
            return props;
        }

        return props.Length == 0 || props[^1] == MessageProperty.PropertySeparator
            ? string.Concat(props, ClusterPrefix, cluster)
            : string.Concat(props, MessageProperty.PropertySeparator.ToString(), ClusterPrefix, cluster);
    }

    /// <summary>The property string with <paramref name="name"/> set to <paramref name="value"/> (replacing any earlier value).</summary>
    public static string Set(string properties, string name, string value)
    {
        string prefix = name + MessageProperty.NameValueSeparator;
        string rest = properties.Contains(prefix, StringComparison.Ordinal) ? Without(properties, prefix) : properties;
        return Join(rest, prefix + value);
    }

    /// <summary>The property string without <paramref name="name"/>.</summary>
    public static string Remove(string properties, string name)
    {
        string prefix = name + MessageProperty.NameValueSeparator;
        return properties.Contains(prefix, StringComparison.Ordinal) ? Without(properties, prefix) : properties;
    }

    /// <summary>Appends <paramref name="extra"/> (the batch header's properties) to an item's properties.</summary>
    public static string Join(string item, string? extra)
    {
        if (string.IsNullOrEmpty(extra))
        {
            return item;
        }

        return item.Length == 0 || item[^1] == MessageProperty.PropertySeparator ? item + extra : item + MessageProperty.PropertySeparator + extra;
    }

    /// <summary>The value of <paramref name="name"/>, or null.</summary>
    public static string? Get(string? properties, string name)
    {
        if (string.IsNullOrEmpty(properties))
        {
            return null;
        }

        foreach (var range in properties.AsSpan().Split(MessageProperty.PropertySeparator))
        {
            var segment = properties.AsSpan()[range];
            int sep = segment.IndexOf(MessageProperty.NameValueSeparator);
            if (sep > 0 && segment[..sep].SequenceEqual(name))
            {
                return segment[(sep + 1)..].ToString();
            }
        }

        return null;
    }

    private static string Without(string props, string prefix)
    {
        var builder = new StringBuilder(props.Length);
        foreach (var range in props.AsSpan().Split(MessageProperty.PropertySeparator))
        {
            var segment = props.AsSpan()[range];
            if (segment.IsEmpty || segment.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(MessageProperty.PropertySeparator);
            }

            builder.Append(segment);
        }

        return builder.ToString();
    }
}
