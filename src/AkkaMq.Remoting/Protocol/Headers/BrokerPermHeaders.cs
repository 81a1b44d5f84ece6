namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>WIPE_WRITE_PERM_OF_BROKER (205) and ADD_WRITE_PERM_OF_BROKER (327) request: the broker group's name.</summary>
public sealed class BrokerWritePermRequestHeader : ICommandHeader<BrokerWritePermRequestHeader>
{
    public string BrokerName { get; set; } = string.Empty;

    public static HeaderTable<BrokerWritePermRequestHeader> Table { get; } = new HeaderTable<BrokerWritePermRequestHeader>()
        .String("brokerName", static h => h.BrokerName, static (h, v) => h.BrokerName = v, required: true);
}

/// <summary>WIPE_WRITE_PERM_OF_BROKER (205) response: how many of the group's topics were changed.</summary>
public sealed class WipeWritePermResponseHeader : ICommandHeader<WipeWritePermResponseHeader>
{
    public int WipeTopicCount { get; set; }

    public static HeaderTable<WipeWritePermResponseHeader> Table { get; } = new HeaderTable<WipeWritePermResponseHeader>()
        .Int32("wipeTopicCount", static h => h.WipeTopicCount, static (h, v) => h.WipeTopicCount = v, required: true);
}

/// <summary>ADD_WRITE_PERM_OF_BROKER (327) response: how many of the group's topics were changed.</summary>
public sealed class AddWritePermResponseHeader : ICommandHeader<AddWritePermResponseHeader>
{
    public int AddTopicCount { get; set; }

    public static HeaderTable<AddWritePermResponseHeader> Table { get; } = new HeaderTable<AddWritePermResponseHeader>()
        .Int32("addTopicCount", static h => h.AddTopicCount, static (h, v) => h.AddTopicCount = v, required: true);
}
