namespace Gatehouse.Prompts;

/// <summary>Where a prompt came from; shown in the API and stored as <c>api</c>, <c>file</c> or <c>demo</c>.</summary>
internal enum PromptSource
{
    /// <summary>Created through <c>/api/prompts</c>.</summary>
    Api,

    /// <summary>Loaded from <c>Gatehouse:Prompts:Directory</c> at start; the file decides the <c>production</c> label.</summary>
    File,

    /// <summary>Seeded into a fresh database to show the features.</summary>
    Demo,
}
