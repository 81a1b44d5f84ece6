using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Broker.Tests;

public sealed class UnsupportedRequestTests
{
    [Theory]
    [InlineData(RequestCode.UpdateAndCreateAclConfig, "UPDATE_AND_CREATE_ACL_CONFIG", "ACL is not implemented")]
    [InlineData(RequestCode.SuspendConsumer, "SUSPEND_CONSUMER", "updateTopicPerm")]
    [InlineData(RequestCode.RegisterFilterServer, "REGISTER_FILTER_SERVER", "SQL92")]
    [InlineData(RequestCode.SendReplyMessageV2, "SEND_REPLY_MESSAGE_V2", "request-reply messaging is not implemented")]
    public async Task Broker_AnswersCode3_WithRocketMqTextAndWhatToDoInstead(RequestCode code, string name, string instead)
    {
        await using var node = await BrokerFixture.StartAsync();

        foreach (var serializeType in new[] { SerializeType.Json, SerializeType.RocketMq })
        {
            var request = RemotingCommand.CreateRequest(code);
            request.SerializeType = serializeType;
            var response = await node.BrokerAsync(request);

            Assert.Equal((int)ResponseCode.RequestCodeNotSupported, response.Code);
            Assert.StartsWith($" request type {(int)code} not supported ({name}): ", response.Remark, StringComparison.Ordinal);
            Assert.Contains(instead, response.Remark, StringComparison.Ordinal);
        }

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2("StillServing", "x"))).Code);
    }

    [Theory]
    [InlineData(RequestCode.RegisterBroker, "REGISTER_BROKER")]
    [InlineData(RequestCode.UnregisterBroker, "UNREGISTER_BROKER")]
    [InlineData(RequestCode.QueryDataVersion, "QUERY_DATA_VERSION")]
    public async Task NameServer_AnswersBrokerRegistrationWithCode3_AndTheRouteRegistryRemark(RequestCode code, string name)
    {
        await using var node = await BrokerFixture.StartAsync();

        var response = await node.NameServerAsync(RemotingCommand.CreateRequest(code));

        Assert.Equal((int)ResponseCode.RequestCodeNotSupported, response.Code);
        Assert.Equal(
            $" request type {(int)code} not supported ({name}): AkkaMq brokers register through the cluster's route registry; external RocketMQ brokers cannot join",
            response.Remark);
    }
}
