using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace AkkaMq.Node.Tests;

/// <summary>Starts the real <c>akkamq</c> executable and stops it with signals.</summary>
[Trait("Category", "Process")]
public sealed class RunCommandTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(15, "SIGTERM")]
    [InlineData(2, "SIGINT")]
    public async Task Run_StartsWithConfiguredRoles_AndStopsCleanlyOnSignal(int signal, string name)
    {
        using var temp = new TempDir();
        var storeDir = Path.Combine(temp.Path, "store");
        var conf = temp.Write("node.conf", $$"""
            akkamq {
              node-name = run-test
              roles = [namesrv, broker]
              namesrv.listen = "127.0.0.1:0"
              broker { listen = "127.0.0.1:0", store.dir = "{{storeDir}}", replication.listen = "127.0.0.1:0", replication.advertise = "127.0.0.1:0" }
            }
            akka.remote.dot-netty.tcp.port = 0
            """);

        using var node = NodeProcess.Start("run", "--config", conf);
        await node.WaitForLineAsync("Node run-test started", StartTimeout);

        Assert.Contains("roles: namesrv, broker", node.Output);
        Assert.Contains(storeDir, node.Output);
        Assert.True(Directory.Exists(storeDir));

        Assert.Equal(0, Kill(node.Id, signal));
        var exit = await node.WaitForExitAsync(StartTimeout);

        Assert.Equal(0, exit);
        Assert.Contains($"stopping ({name})", node.Output);
        Assert.Contains("Node run-test stopped", node.Output);
    }

    [Fact]
    public async Task Run_TakesEnvironmentOverrides()
    {
        using var temp = new TempDir();
        var conf = temp.Write("node.conf", $$"""
            akkamq {
              roles = [controller]
              broker.store.dir = "{{Path.Combine(temp.Path, "store")}}"
            }
            akka.remote.dot-netty.tcp.port = 0
            """);

        using var node = NodeProcess.Start(new Dictionary<string, string> { ["AKKAMQ_NODE_NAME"] = "from-env" }, "run", "--config", conf);
        await node.WaitForLineAsync("Node from-env started", StartTimeout);

        Assert.Equal(0, Kill(node.Id, 15));
        Assert.Equal(0, await node.WaitForExitAsync(StartTimeout));
    }

    [Fact]
    public async Task Run_WithBadConfig_ExitsWith2AndStartsNothing()
    {
        using var temp = new TempDir();
        var storeDir = Path.Combine(temp.Path, "store");
        var conf = temp.Write("node.conf", $$"""
            akkamq.broker.store.dir = "{{storeDir}}"
            akkamq.broker.replication.min-in-sync-replicas = 0
            """);

        using var node = NodeProcess.Start("run", "--config", conf);
        var exit = await node.WaitForExitAsync(StartTimeout);

        Assert.Equal(2, exit);
        Assert.Contains("akkamq.broker.replication.min-in-sync-replicas", node.Error);
        Assert.Contains("node.conf:2", node.Error);
        Assert.False(Directory.Exists(storeDir));
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private sealed class NodeProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _error = new();
        private readonly object _gate = new();

        private NodeProcess(Process process) => _process = process;

        public int Id => _process.Id;

        public string Output { get { lock (_gate) { return _output.ToString(); } } }

        public string Error { get { lock (_gate) { return _error.ToString(); } } }

        public static NodeProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

        public static NodeProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "akkamq.dll"));
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }

            var process = new Process { StartInfo = info };
            var node = new NodeProcess(process);
            process.OutputDataReceived += (_, e) => node.Append(node._output, e.Data);
            process.ErrorDataReceived += (_, e) => node.Append(node._error, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return node;
        }

        public async Task WaitForLineAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Output.Contains(text))
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"no '{text}' in node output:\n{Output}\nstderr:\n{Error}");
                }

                await Task.Delay(50);
            }
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }

        private void Append(StringBuilder target, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                target.AppendLine(line);
            }
        }
    }
}
