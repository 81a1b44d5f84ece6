namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>DELETE_SUBSCRIPTIONGROUP (207) request.</summary>
public sealed class DeleteSubscriptionGroupRequestHeader : ICommandHeader<DeleteSubscriptionGroupRequestHeader>
{
    public string GroupName { get; set; } = string.Empty;

    public static HeaderTable<DeleteSubscriptionGroupRequestHeader> Table { get; } = new HeaderTable<DeleteSubscriptionGroupRequestHeader>()
        .String("groupName", static h => h.GroupName, static (h, v) => h.GroupName = v, required: true);
}
