using System.Net;
using System.Text.Json.Nodes;
using Akka.Actor;
using AkkaMq.Node.Configuration;
using AkkaMq.Node.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>The node's HTTP health endpoint: liveness, readiness with reasons, the node's role per broker group.</summary>
[Trait("Category", "Process")]
public sealed class HealthEndpointTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StandaloneNode_IsLive_ThenReadyAsMasterOfItsGroup_AndClosesTheEndpointWhenItStops()
    {
        using var temp = new TempDir();
        var host = LoopbackNode.Host(temp, "health-test", NullLoggerFactory.Instance, extra: "akkamq.broker.store.commitlog-segment-size = 16m");
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var endpoint = await WaitForValueAsync(() => host.HealthEndPoint, run);
        Assert.NotEqual(0, endpoint.Port);
        var baseUri = $"http://127.0.0.1:{endpoint.Port}";
        var live = await http.GetAsync(baseUri + "/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("live", (string?)JsonNode.Parse(await live.Content.ReadAsStringAsync())!["status"]);

        var ready = await WaitForAsync(async () =>
        {
            var answer = await http.GetAsync(baseUri + "/health/ready");
            return answer.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await answer.Content.ReadAsStringAsync()) : null;
        }, run);
        Assert.True((bool?)ready["ready"]);
        Assert.Empty(ready["reasons"]!.AsArray());
        var group = Assert.Single(ready["groups"]!.AsArray())!;
        Assert.Equal("broker-a", (string?)group["group"]);
        Assert.Equal("master", (string?)group["role"]);
        Assert.Equal(0L, (long?)group["brokerId"]);
        Assert.Equal("open", (string?)group["store"]);

        var status = JsonNode.Parse(await http.GetStringAsync(baseUri + "/health"))!;
        Assert.Equal("health-test", (string?)status["node"]);
        Assert.Equal("up", (string?)status["membership"]);
        Assert.StartsWith("akka.tcp://DefaultCluster@127.0.0.1:", (string?)status["address"]);
        Assert.Equal(new[] { "namesrv", "broker", "controller" }, status["roles"]!.AsArray().Select(r => (string)r!));
        Assert.Equal((int?)group["masterEpoch"], (int?)status["groups"]![0]!["masterEpoch"]);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(baseUri + "/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync(baseUri + "/health", null)).StatusCode);

        stop.Cancel();
        Assert.Equal(0, await run.WaitAsync(Deadline));
        Assert.Null(host.HealthEndPoint);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(baseUri + "/health/live"));
    }

    [Fact]
    public async Task Endpoint_AnswersNotReady_WithReasons_BeforeTheNodeJoinsItsCluster()
    {
        using var temp = new TempDir();
        var conf = temp.Write("node.conf", $$"""
            akkamq.node-name = joining
            akkamq.broker.store.dir = "{{Path.Combine(temp.Path, "store")}}"
            akka.remote.dot-netty.tcp.port = 0
            """);
        var (system, settings) = NodeFixture.CreateSystem(conf);
        try
        {
            await using var endpoint = await HealthEndpoint.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), new NodeHealth(settings, system),
                NullLoggerFactory.Instance, CancellationToken.None);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var baseUri = $"http://127.0.0.1:{endpoint.LocalEndPoint.Port}";

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(baseUri + "/health/live")).StatusCode);
            var ready = await http.GetAsync(baseUri + "/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
            Assert.False((bool?)body["ready"]);
            var reasons = body["reasons"]!.AsArray().Select(r => (string?)r).ToList();
            Assert.Contains(reasons, r => r!.Contains("not up"));
            Assert.Contains(reasons, r => r!.Contains("roles are still starting"));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task Node_WhoseHealthAddressIsTaken_DoesNotStart()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var temp = new TempDir();
        var host = LoopbackNode.Host(temp, "taken", NullLoggerFactory.Instance, health: "127.0.0.1:" + port);

        Assert.Equal(1, await host.RunAsync(CancellationToken.None).WaitAsync(Deadline));
        Assert.Null(host.HealthEndPoint);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("health.example.com:8080")]
    public async Task Run_WithBadHealthListen_IsAStartupError_NamingFileAndKey(string listen)
    {
        using var temp = new TempDir();
        var storeDir = Path.Combine(temp.Path, "store");
        var conf = temp.Write("node.conf", $$"""
            akkamq.broker.store.dir = "{{storeDir}}"
            akkamq.health.listen = "{{listen}}"
            """);

        var result = await CliRun.InvokeAsync("run", "--config", conf);

        Assert.Equal(Cli.BadConfigExitCode, result.ExitCode);
        Assert.Contains("node.conf:2", result.Error);
        Assert.Contains("akkamq.health.listen", result.Error);
        Assert.Contains(listen, result.Error);
        Assert.False(Directory.Exists(storeDir));
    }

    [Fact]
    public void HealthListen_IsOffByDefault_AndSetInTheShippedFiles()
    {
        using var temp = new TempDir();
        var conf = temp.Write("node.conf", "akkamq.node-name = plain\n");

        Assert.False(NodeConfigLoader.Load(conf, static _ => null).Health!.Enabled);
        Assert.Equal("127.0.0.1:8080", NodeConfigLoader.Load(Path.Combine(RepoPaths.Root, "hocon", "standalone.conf"), static _ => null).Health!.Listen);
        string[] expected = ["127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8083"];
        string[] nodes = ["node-a", "node-b", "node-c"];
        for (var i = 0; i < nodes.Length; i++)
        {
            var file = Path.Combine(RepoPaths.Root, "hocon", "cluster", nodes[i] + ".conf");
            Assert.Equal(expected[i], NodeConfigLoader.Load(file, static _ => null).Health!.Listen);
        }
    }

    private static async Task<T> WaitForValueAsync<T>(Func<T?> probe, Task run)
        where T : class
        => await WaitForAsync(() => Task.FromResult(probe()), run);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, Task run)
        where T : class
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.False(run.IsCompleted, "the node stopped before the condition held");
            Assert.True(DateTime.UtcNow < deadline, "condition not met within " + Deadline);
            await Task.Delay(50);
        }
    }
}
