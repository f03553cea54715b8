namespace Gatehouse.Prompts;

/// <summary>
/// Problems collected field by field (<c>inputs.tone</c>, <c>messages[1].content</c>) so every one
/// is reported at once, in the shape of a ValidationProblem's <c>errors</c>.
/// </summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public int Count => _errors.Count;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public bool Has(string field) => _errors.ContainsKey(field);

    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(static e => e.Key, static e => e.Value.ToArray(), StringComparer.Ordinal);
}
