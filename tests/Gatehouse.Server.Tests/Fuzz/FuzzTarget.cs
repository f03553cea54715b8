namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// One endpoint to fuzz: its method and path (with <c>{placeholders}</c> for the ids of
/// <see cref="FuzzIds"/>), valid seed bodies to mutate, and the query parameters it reads, each
/// with a few valid values (the generator mixes them with hostile ones).
/// </summary>
internal sealed record FuzzTarget(
    string Name,
    string Method,
    string PathTemplate,
    IReadOnlyList<string> Seeds,
    IReadOnlyDictionary<string, string[]> Query)
{
    public bool HasBody => Seeds.Count > 0;

    public static FuzzTarget Post(string name, string path, params string[] seeds) => new(name, "POST", path, seeds, Empty);

    public static FuzzTarget Get(string name, string path, IReadOnlyDictionary<string, string[]>? query = null) => new(name, "GET", path, [], query ?? Empty);

    public static FuzzTarget Send(string name, string method, string path, params string[] seeds) => new(name, method, path, seeds, Empty);

    private static readonly Dictionary<string, string[]> Empty = [];
}
