using System.Text;
using Akka.TestKit;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.NameServer.Tests;

/// <summary>
/// getSyncStateSet (1006) and electMaster (1002) as a nameserver answers them, with a probe standing in for the
/// Controller and answering its contract messages.
/// </summary>
public sealed class ControllerAdminProcessorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(300);

    private readonly TestProbe _controller;
    private readonly ControllerAdminProcessor _processor;

    public ControllerAdminProcessorTests()
    {
        _controller = CreateTestProbe();
        _processor = new ControllerAdminProcessor(_controller.Ref) { ReadTimeout = Silence, ElectTimeout = Silence };
    }

    private static BrokerMemberState Member(long id, bool online) =>
        new(id, "node-" + id, "akka.tcp://C@10.0.0." + id + ":2552", "10.0.0." + id + ":10911", "10.0.0." + id + ":10912", online, 0, 0);

    private static RemotingCommand SyncStateRequest(params string[] names) =>
        RemotingCommand.CreateRequest(ControllerAdminProcessor.ControllerGetSyncStateData, body: BrokerReplicasInfoBody.EncodeBrokerNames(names));

    private static RemotingCommand ElectRequest(string brokerName, long brokerId) =>
        CommandHeader.CreateRequest((RequestCode)ControllerAdminProcessor.ControllerElectMaster,
            new ElectMasterRequestHeader { ClusterName = "C", BrokerName = brokerName, BrokerId = brokerId, DesignateElect = true });

    [Fact]
    public async Task SyncState_ListsTheSetMembersInSync_TheOthersNotInSync_InRocketMqFieldNames()
    {
        var answer = _processor.GetSyncStateDataAsync(SyncStateRequest("broker-a"), CancellationToken.None).AsTask();
        Assert.Equal("broker-a", _controller.ExpectMsg<GetSyncStateSet>().Group);
        _controller.Reply(new SyncStateSetState("broker-a", 1, "10.0.0.1:10911", new SyncStateSet(3, 7, [1]), [Member(1, true), Member(2, false)], null));

        var response = await answer;

        Assert.Equal((int)ResponseCode.Success, response!.Code);
        Assert.Equal(
            "{\"replicasInfoTable\":{\"broker-a\":{\"inSyncReplicas\":[{\"alive\":true,\"brokerAddress\":\"10.0.0.1:10911\",\"brokerId\":1,\"brokerName\":\"broker-a\"}],"
            + "\"masterAddress\":\"10.0.0.1:10911\",\"masterBrokerId\":1,\"masterEpoch\":3,"
            + "\"notInSyncReplicas\":[{\"alive\":false,\"brokerAddress\":\"10.0.0.2:10911\",\"brokerId\":2,\"brokerName\":\"broker-a\"}],\"syncStateSetEpoch\":7}}}",
            Encoding.UTF8.GetString(response.Body.Span));
        var info = BrokerReplicasInfoBody.Decode(response.Body.Span).ReplicasInfoTable["broker-a"];
        Assert.Equal(1, info.MasterBrokerId);
        Assert.Null(info.NoMasterReason);
    }

    [Fact]
    public async Task SyncState_WithoutAMaster_SaysWhyInNoMasterReason()
    {
        var answer = _processor.GetSyncStateDataAsync(SyncStateRequest("broker-a"), CancellationToken.None).AsTask();
        _controller.ExpectMsg<GetSyncStateSet>();
        _controller.Reply(new SyncStateSetState("broker-a", -1, null, new SyncStateSet(4, 9, [1]), [Member(1, false), Member(2, true)],
            "no in-sync member is online and unclean election is off"));

        var response = await answer;

        var info = BrokerReplicasInfoBody.Decode(response!.Body.Span).ReplicasInfoTable["broker-a"];
        Assert.Null(info.MasterBrokerId);
        Assert.Null(info.MasterAddress);
        Assert.Equal("no in-sync member is online and unclean election is off", info.NoMasterReason);
        Assert.Equal([1L], info.InSyncReplicas.Select(r => r.BrokerId));
        Assert.Equal([2L], info.NotInSyncReplicas.Select(r => r.BrokerId));
    }

    [Fact]
    public async Task SyncState_OfOnlyUnknownGroups_IsRocketMqsNeedToBeRegistered_WithTheControllersReason()
    {
        var answer = _processor.GetSyncStateDataAsync(SyncStateRequest("nope"), CancellationToken.None).AsTask();
        _controller.ExpectMsg<GetSyncStateSet>();
        _controller.Reply(new ControlRefused("unknown broker group nope"));

        var response = await answer;

        Assert.Equal(ControllerAdminProcessor.ControllerBrokerNeedToBeRegistered, response!.Code);
        Assert.Contains("Broker-set: nope hasn't been registered in controller", response.Remark);
        Assert.Contains("unknown broker group nope", response.Remark);
    }

    [Fact]
    public async Task SyncState_OfKnownAndUnknownGroups_AnswersTheKnown_AndNamesTheUnknownInTheRemark()
    {
        var answer = _processor.GetSyncStateDataAsync(SyncStateRequest("broker-a", "nope"), CancellationToken.None).AsTask();
        for (int i = 0; i < 2; i++)
        {
            var ask = _controller.ExpectMsg<GetSyncStateSet>();
            _controller.Reply(ask.Group == "broker-a"
                ? new SyncStateSetState("broker-a", 1, "10.0.0.1:10911", new SyncStateSet(1, 1, [1]), [Member(1, true)], null)
                : new ControlRefused("unknown broker group nope"));
        }

        var response = await answer;

        Assert.Equal((int)ResponseCode.Success, response!.Code);
        Assert.Equal(["broker-a"], BrokerReplicasInfoBody.Decode(response.Body.Span).ReplicasInfoTable.Keys);
        Assert.Contains("nope", response.Remark);
    }

    [Fact]
    public async Task SyncState_WhenTheControllerIsSilent_IsASystemErrorInTime()
    {
        var response = await _processor.GetSyncStateDataAsync(SyncStateRequest("broker-a"), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((int)ResponseCode.SystemError, response!.Code);
        Assert.Contains("the controller did not answer GetSyncStateSet of broker-a", response.Remark);
    }

    [Fact]
    public async Task SyncState_WithABodyThatIsNotAListOfNames_IsAnInvalidRequest()
    {
        var request = RemotingCommand.CreateRequest(ControllerAdminProcessor.ControllerGetSyncStateData, body: "{\"a\":1}"u8.ToArray());

        var response = await _processor.GetSyncStateDataAsync(request, CancellationToken.None);

        Assert.Equal(ControllerAdminProcessor.ControllerInvalidRequest, response!.Code);
        Assert.Contains("JSON list of broker names", response.Remark);
        _controller.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Elect_OfAKnownMember_AnswersTheNewMasterInRocketMqsHeader_AndTheMembersInTheBody()
    {
        var answer = _processor.ElectMasterAsync(ElectRequest("broker-a", 2), CancellationToken.None).AsTask();
        Assert.Equal("broker-a", _controller.ExpectMsg<GetControllerState>().Group);
        _controller.Reply(new ControllerState([new BrokerGroupState("broker-a", 1, 3, [Member(1, true), Member(2, true)])]));
        Assert.Equal(new ElectMaster("broker-a", 2), _controller.ExpectMsg<ElectMaster>());
        _controller.Reply(new MasterElected("broker-a", 2, 4, "10.0.0.2:10911", new SyncStateSet(4, 8, [2])));

        var response = await answer;

        Assert.Equal((int)ResponseCode.Success, response!.Code);
        var header = CommandHeader.Decode<ElectMasterResponseHeader>(response);
        Assert.Equal((2L, "10.0.0.2:10911", 4, 8), (header.MasterBrokerId!.Value, header.MasterAddress, header.MasterEpoch!.Value, header.SyncStateSetEpoch!.Value));
        Assert.Equal("{\"brokerAddrs\":{\"1\":\"10.0.0.1:10911\",\"2\":\"10.0.0.2:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"C\",\"syncStateSet\":[2]}",
            Encoding.UTF8.GetString(response.Body.Span));
    }

    [Fact]
    public async Task Elect_WithBrokerIdMinusOne_LetsTheControllerChoose()
    {
        var answer = _processor.ElectMasterAsync(ElectRequest("broker-a", -1), CancellationToken.None).AsTask();
        _controller.ExpectMsg<GetControllerState>();
        _controller.Reply(new ControllerState([new BrokerGroupState("broker-a", 1, 3, [Member(1, true), Member(2, true)])]));
        Assert.Equal(new ElectMaster("broker-a", null), _controller.ExpectMsg<ElectMaster>());
        _controller.Reply(new MasterElected("broker-a", 2, 4, "10.0.0.2:10911", new SyncStateSet(4, 8, [2])));

        Assert.Equal((int)ResponseCode.Success, (await answer)!.Code);
    }

    [Fact]
    public async Task Elect_OfAnUnknownGroupOrMember_IsNeedToBeRegistered_AndElectsNothing()
    {
        var unknownGroup = _processor.ElectMasterAsync(ElectRequest("nope", 0), CancellationToken.None).AsTask();
        _controller.ExpectMsg<GetControllerState>();
        _controller.Reply(new ControllerState([]));
        var groupResponse = await unknownGroup;

        var unknownMember = _processor.ElectMasterAsync(ElectRequest("broker-a", 5), CancellationToken.None).AsTask();
        _controller.ExpectMsg<GetControllerState>();
        _controller.Reply(new ControllerState([new BrokerGroupState("broker-a", 1, 3, [Member(1, true)])]));
        var memberResponse = await unknownMember;

        Assert.Equal((ControllerAdminProcessor.ControllerBrokerNeedToBeRegistered, "Broker-set: nope hasn't been registered in controller"), (groupResponse!.Code, groupResponse.Remark));
        Assert.Equal((ControllerAdminProcessor.ControllerBrokerNeedToBeRegistered, "BrokerId: 5 hasn't been registered in broker-set: broker-a"), (memberResponse!.Code, memberResponse.Remark));
        _controller.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Elect_RefusedByTheController_IsElectMasterFailed_WithTheReason()
    {
        var answer = _processor.ElectMasterAsync(ElectRequest("broker-a", 2), CancellationToken.None).AsTask();
        _controller.ExpectMsg<GetControllerState>();
        _controller.Reply(new ControllerState([new BrokerGroupState("broker-a", 1, 3, [Member(1, true), Member(2, false)])]));
        _controller.ExpectMsg<ElectMaster>();
        _controller.Reply(new ControlRefused("member 2 is offline"));

        var response = await answer;

        Assert.Equal(ControllerAdminProcessor.ControllerElectMasterFailed, response!.Code);
        Assert.Equal("Failed to elect a new master for broker-set broker-a: member 2 is offline", response.Remark);
    }

    [Fact]
    public async Task Elect_WhenTheControllerDoesNotAnswerTheElection_IsASystemErrorInTime_SayingItMayStillComplete()
    {
        var answer = _processor.ElectMasterAsync(ElectRequest("broker-a", 2), CancellationToken.None).AsTask();
        _controller.ExpectMsg<GetControllerState>();
        _controller.Reply(new ControllerState([new BrokerGroupState("broker-a", 1, 3, [Member(1, true), Member(2, true)])]));
        _controller.ExpectMsg<ElectMaster>();

        var response = await answer.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((int)ResponseCode.SystemError, response!.Code);
        Assert.Contains("the controller did not answer ElectMaster of broker-a", response.Remark);
        Assert.Contains("may still complete", response.Remark);
    }

    [Fact]
    public async Task Elect_WithoutABrokerId_OrWithABadOne_IsRefusedBeforeAskingTheController()
    {
        var noId = RemotingCommand.CreateRequest(ControllerAdminProcessor.ControllerElectMaster);
        noId.ExtFields["brokerName"] = "broker-a";
        var badId = ElectRequest("broker-a", -7);

        var missing = await _processor.ElectMasterAsync(noId, CancellationToken.None);
        var invalid = await _processor.ElectMasterAsync(badId, CancellationToken.None);

        Assert.Equal((int)ResponseCode.SystemError, missing!.Code);
        Assert.Contains("brokerId", missing.Remark);
        Assert.Equal(ControllerAdminProcessor.ControllerInvalidRequest, invalid!.Code);
        Assert.Contains("brokerId -7", invalid.Remark);
        _controller.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task WithoutAController_BothAreASystemError()
    {
        var processor = new ControllerAdminProcessor(null);

        var sync = await processor.GetSyncStateDataAsync(SyncStateRequest("broker-a"), CancellationToken.None);
        var elect = await processor.ElectMasterAsync(ElectRequest("broker-a", 1), CancellationToken.None);

        Assert.Equal(((int)ResponseCode.SystemError, (int)ResponseCode.SystemError), (sync!.Code, elect!.Code));
        Assert.Equal("this nameserver runs without a controller", sync.Remark);
    }
}
