namespace AkkaMq.Client;

/// <summary>
/// A message to send: topic, body, user flag and the property map that carries tags, keys,
/// delay level and everything else (wire doc 4.2, 4.6). <see cref="MessageExt"/> extends it with
/// what the broker stored, which is why this class is not sealed.
/// </summary>
public class Message
{
    private Dictionary<string, string>? _properties;

    /// <summary>A new message; like Java's, it starts with <c>WAIT=true</c>.</summary>
    public Message(string topic, byte[] body)
        : this(topic, body, waitStoreMsgOk: true)
    {
    }

    public Message(string topic, string? tags, byte[] body)
        : this(topic, body)
    {
        Tags = tags;
    }

    /// <summary>For <see cref="MessageExt"/>: decoded messages carry exactly the stored properties.</summary>
    private protected Message(string topic, byte[] body, bool waitStoreMsgOk)
    {
        Topic = topic;
        Body = body;
        if (waitStoreMsgOk)
        {
            Map[MessageProperty.WaitStoreMsgOk] = "true";
        }
    }

    public string Topic { get; set; }

    public byte[] Body { get; set; }

    /// <summary>User flag, stored as the record's FLAG.</summary>
    public int Flag { get; set; }

    /// <summary>All properties; keys from <see cref="MessageProperty"/> have special meaning.</summary>
    public IDictionary<string, string> Properties => Map;

    /// <summary>Whether the property map exists yet (a decoded message builds it on first use).</summary>
    private protected bool PropertiesLoaded => _properties is not null;

    /// <summary>The map, built once: readers racing to build it all get the one that was published first.</summary>
    internal Dictionary<string, string> Map =>
        _properties ?? Interlocked.CompareExchange(ref _properties, LoadProperties(), null) ?? _properties;

    public string? Tags
    {
        get => GetProperty(MessageProperty.Tags);
        set => SetProperty(MessageProperty.Tags, value);
    }

    /// <summary>Business keys, space-separated on the wire (indexed by the broker).</summary>
    public string? Keys
    {
        get => GetProperty(MessageProperty.Keys);
        set => SetProperty(MessageProperty.Keys, value);
    }

    /// <summary>Delay level 1..18 (1s 5s 10s 30s 1m …); 0 = deliver at once.</summary>
    public int DelayTimeLevel
    {
        get => int.TryParse(GetProperty(MessageProperty.DelayTimeLevel), System.Globalization.CultureInfo.InvariantCulture, out int level) ? level : 0;
        set => SetProperty(MessageProperty.DelayTimeLevel, value > 0 ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The <c>WAIT</c> property: reply only after flush/replication (default true).</summary>
    public bool WaitStoreMsgOk
    {
        get => GetProperty(MessageProperty.WaitStoreMsgOk) is not "false";
        set => SetProperty(MessageProperty.WaitStoreMsgOk, value ? "true" : "false");
    }

    /// <summary>The client-generated unique id (<c>UNIQ_KEY</c>), set by the producer on send.</summary>
    public string? UniqueKey => GetProperty(MessageProperty.UniqueClientMessageIdKey);

    public string? GetProperty(string key) => Map.TryGetValue(key, out var value) ? value : null;

    /// <summary>Sets a property; null removes it.</summary>
    public void SetProperty(string key, string? value)
    {
        if (value is null)
        {
            Map.Remove(key);
        }
        else
        {
            Map[key] = value;
        }
    }

    /// <summary>The property map at first use: empty here; a decoded message parses its stored property string.</summary>
    private protected virtual Dictionary<string, string> LoadProperties() => new(StringComparer.Ordinal);

    public override string ToString() =>
        "Message [topic=" + Topic + ", flag=" + Flag + ", properties=" + Map.Count + ", body=" + Body.Length + "B]";
}
