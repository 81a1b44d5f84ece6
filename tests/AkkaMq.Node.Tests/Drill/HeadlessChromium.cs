using System.Diagnostics;

namespace AkkaMq.Node.Tests.Drill;

/// <summary>
/// Debian's <c>chromium</c> run headless on a local file, bounded by a deadline: the whole process
/// tree is killed when it does not finish in time. Each run gets its own profile directory.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>The browser on PATH (<c>chromium</c> or <c>chromium-browser</c>), or null.</summary>
    public static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in new[] { "chromium", "chromium-browser" })
        {
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The browser for a test; null, said through <paramref name="log"/>, when it is missing outside CI.
    /// CI installs it (tests/run-all.sh), so there a missing browser fails the test.
    /// </summary>
    public static string? Require(Action<string> log)
    {
        var browser = Find();
        if (browser is null)
        {
            Assert.False(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "chromium not found on PATH; it must be installed by tests/run-all.sh (Debian's chromium package)");
            log("skipped: chromium not installed");
        }

        return browser;
    }

    /// <summary>The DOM of <paramref name="file"/> after its scripts ran, as Chromium serialises it.</summary>
    public static Task<string> DumpDomAsync(string browser, string file, string workDir) =>
        RunAsync(browser, workDir, ["--dump-dom", new Uri(file).AbsoluteUri]);

    /// <summary>Takes a PNG screenshot of <paramref name="file"/> into <paramref name="png"/>.</summary>
    public static Task<string> ScreenshotAsync(string browser, string file, string png, string workDir) =>
        RunAsync(browser, workDir, ["--screenshot=" + png, "--window-size=1200,900", "--hide-scrollbars", new Uri(file).AbsoluteUri]);

    private static async Task<string> RunAsync(string browser, string workDir, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(browser)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        var profile = Path.Combine(workDir, "profile-" + Guid.NewGuid().ToString("N")[..8]);
        string[] common =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--disable-breakpad", "--mute-audio",
            "--user-data-dir=" + profile,
        ];
        foreach (var arg in common.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            return await RunToEndAsync(info);
        }
        finally
        {
            await DeleteProfileAsync(profile);
        }
    }

    private static async Task<string> RunToEndAsync(ProcessStartInfo info)
    {
        var browser = info.FileName;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + browser);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"chromium did not finish within {Deadline.TotalSeconds}s and was killed; stderr: {await error}");
        }

        // A helper process the browser left behind could hold the pipes open: bound the reads too.
        var stdout = await output.WaitAsync(Deadline);
        var stderr = await error.WaitAsync(Deadline);
        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}; stderr: {stderr}");
        return stdout;
    }

    /// <summary>
    /// Deletes the profile; helper processes of the browser may still be closing files in it for a
    /// moment after the browser exits, so a failed delete is retried until a deadline.
    /// </summary>
    private static async Task DeleteProfileAsync(string profile)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Directory.Exists(profile))
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
