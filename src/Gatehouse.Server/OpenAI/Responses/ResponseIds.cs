namespace Gatehouse.OpenAI.Responses;

/// <summary>Ids in OpenAI's Responses style: <c>resp_</c>, <c>msg_</c>, <c>fc_</c> and a unique part.</summary>
internal static class ResponseIds
{
    /// <summary>The response of a call: its request id, so a response and its record share one identity.</summary>
    public static string Response(Guid requestId) => "resp_" + requestId.ToString("N");

    /// <summary>The message item of a response (one per response).</summary>
    public static string Message(string responseId) => "msg_" + responseId["resp_".Length..];

    /// <summary>A function call item, from the call's id (so the two stay paired however often the response is read).</summary>
    public static string FunctionCall(string callId) => "fc_" + callId;

    public static string NewCallId() => "call_" + Guid.NewGuid().ToString("N");
}
