using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gatehouse.Simulator;

/// <summary>Shared JSON settings and labels of the simulator's responses.</summary>
internal static class SimulatorJson
{
    /// <summary>Every response carries this fingerprint, so nobody mistakes the simulator for a model.</summary>
    public const string SystemFingerprint = "gatehouse-simulator";

    /// <summary>Like OpenAI: non-ASCII text is written as is, not as \u escapes.</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
