using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Gatehouse.Hosting;

/// <summary>
/// What the <c>/api</c> endpoints' parameter binder is given, and what the caller is told when it
/// cannot read it: one place for every <c>/api</c> endpoint, after the key check.
/// </summary>
/// <remarks>
/// <para>
/// Before binding, an endpoint that reads a JSON body gets one: a JSON content type (415 otherwise)
/// whose charset, if any, is UTF-8 (415 otherwise). The binder itself throws an
/// <see cref="InvalidOperationException"/>, a 500, for a charset no encoding has (<c>charset=""</c>,
/// <c>charset=bogus</c>, even a quoted <c>"utf-8"</c>), and would transcode any other it knows; JSON
/// is UTF-8 (RFC 8259 §8.1), as every other Gatehouse reader assumes. A quoted <c>"utf-8"</c> is
/// passed on unquoted.
/// </para>
/// <para>
/// The binder is told to throw what it cannot read (<see cref="RouteHandlerOptions.ThrowOnBadRequest"/>,
/// set in <c>AddGatehouse</c>) instead of answering an empty 400; here that becomes a ProblemDetails
/// that says what was wrong: where the JSON broke or which field had the wrong type, which query
/// parameter did not parse, a body that is missing or too large.
/// </para>
/// </remarks>
internal static partial class ApiRequestBinding
{
    private const string SendJson = "Send the body as JSON with 'Content-Type: application/json'.";

    /// <summary>Goes after <see cref="CallerAccess.UseCallerAccess"/>: nothing of the request is looked at for a caller without a valid key.</summary>
    public static IApplicationBuilder UseApiRequestBinding(this IApplicationBuilder app) =>
        app.Use(static (context, next) => ManagementApi.Owns(context.Request.Path) ? InvokeAsync(context, next) : next(context));

    private static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var body = JsonBodyOf(context.GetEndpoint());
        if (body is not null && CheckBody(context.Request, body) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            await Describe(ex, body).ExecuteAsync(context);
        }
    }

    /// <summary>The binder's metadata for the endpoint's JSON body parameter; null when it reads none.</summary>
    private static IAcceptsMetadata? JsonBodyOf(Endpoint? endpoint)
    {
        foreach (var accepts in endpoint?.Metadata.GetOrderedMetadata<IAcceptsMetadata>() ?? [])
        {
            if (accepts.RequestType is not null)
            {
                return accepts;
            }
        }

        return null;
    }

    private static ProblemHttpResult? CheckBody(HttpRequest request, IAcceptsMetadata body)
    {
        var contentType = request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            return body.IsOptional && request.ContentLength is null or 0
                ? null
                : UnsupportedMediaType($"This endpoint reads a JSON body and the request has no Content-Type. {SendJson}");
        }

        if (!request.HasJsonContentType() || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return UnsupportedMediaType($"This endpoint reads a JSON body, not '{contentType}'. {SendJson}");
        }

        if (mediaType.Charset is { HasValue: true } charset)
        {
            if (!HeaderUtilities.RemoveQuotes(charset).Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                return UnsupportedMediaType(
                    $"JSON bodies are read as UTF-8; the charset '{charset}' is not accepted. {SendJson} (UTF-8 is the default; 'charset=utf-8' may be added).");
            }

            if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                // Quoted: the binder would look up an encoding named "\"utf-8\"" and throw.
                mediaType.Charset = "utf-8";
                request.ContentType = mediaType.ToString();
            }
        }

        return request.ContentLength == 0 && !body.IsOptional ? MissingBody() : null;
    }

    private static ProblemHttpResult Describe(BadHttpRequestException ex, IAcceptsMetadata? body)
    {
        if (ex.InnerException is JsonException json)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid JSON body", detail: Describe(json));
        }

        if (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem(statusCode: ex.StatusCode, title: "Request body too large", detail: ex.Message);
        }

        // The binder's words for a body that is empty (chunked) or the JSON literal null.
        if (body is not null && ex.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal))
        {
            return MissingBody();
        }

        // A query (or header) value that does not parse: 'Failed to bind parameter "Nullable<int> status" from "x".'
        if (FailedParameter().Match(ex.Message) is { Success: true } failed)
        {
            var name = failed.Groups["name"].Value;
            var value = failed.Groups["value"].Value;
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                [name] = [$"'{value}' is not {Expected(failed.Groups["type"].Value)}."],
            })
            {
                Status = ex.StatusCode,
                Title = "Invalid parameter",
                Detail = $"The parameter '{name}' could not be read from '{value}'.",
            });
        }

        return TypedResults.Problem(statusCode: ex.StatusCode, title: "Invalid request", detail: ex.Message);
    }

    /// <summary>Where the body broke and why: the reader's own message for broken JSON, else the value that did not fit.</summary>
    private static string Describe(JsonException json)
    {
        if (json.InnerException is JsonException || json.Path is null)
        {
            return $"The request body is not valid JSON: {json.Message}";
        }

        // The inner exception says what the reader refused (a number where a string goes, a lone
        // surrogate); without one, the serializer's own message (a wrong type, a field this body has not).
        var why = json.InnerException?.Message ?? WithoutPosition(json.Message);
        return $"The value at '{json.Path}' (line {json.LineNumber + 1}, byte {json.BytePositionInLine}) cannot be read: {why}";
    }

    /// <summary>The serializer's message without its " Path: $.x | LineNumber: 0 | BytePositionInLine: 9." tail, which the caller is given already.</summary>
    private static string WithoutPosition(string message) =>
        message.IndexOf(" Path: ", StringComparison.Ordinal) is var tail and > 0 ? message[..tail] : message;

    private static string Expected(string type) => type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>') switch
    {
        "int" or "long" => "a whole number in range",
        "DateTimeOffset" or "DateTime" => "a date and time (ISO 8601, e.g. 2026-01-31T00:00:00Z)",
        "Guid" => "an id in GUID form",
        "bool" => "true or false",
        "double" or "decimal" => "a number",
        var other => $"a valid {other}",
    };

    [GeneratedRegex("""^Failed to bind parameter "(?<type>.+) (?<name>[^ "]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedParameter();

    private static ProblemHttpResult MissingBody() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing JSON body", detail: $"This endpoint reads a JSON object and the request body is empty or null. {SendJson}");

    private static ProblemHttpResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: detail);
}
