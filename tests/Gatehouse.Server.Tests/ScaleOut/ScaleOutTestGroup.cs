using Xunit;

namespace Gatehouse.Tests.ScaleOut;

/// <summary>
/// The scale-out tests run one at a time: each starts two or three server processes, and on the
/// two-core CI machine several clusters at once would only measure the machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleOutTestGroup
{
    public const string Name = "Scale-out clusters";
}
