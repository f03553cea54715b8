using Xunit;

namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// The fuzz tests run alone: their response-time and memory bounds are about the server they
/// fuzz, not about whatever else the test run is doing on the same two cores.
/// </summary>
[CollectionDefinition(nameof(FuzzTestGroup), DisableParallelization = true)]
public sealed class FuzzTestGroup;
