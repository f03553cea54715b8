using BenchmarkDotNet.Running;
using Gatehouse.Benchmarks.Tools;

namespace Gatehouse.Benchmarks;

internal static class Program
{
    public static int Main(string[] args)
    {
        // "tool-selection": the selector's quality over the data set (a report, not a BenchmarkDotNet run).
        if (args is ["tool-selection", ..])
        {
            return ToolSelectionCommand.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
