using BenchmarkDotNet.Running;

// Runs any benchmark in this assembly: `dotnet run -c Release --project tests/AkkaMq.Benchmarks -- --filter '*Tell*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
