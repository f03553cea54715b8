using System.Text;
using Gatehouse.Caching;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gatehouse.Tests.Caching;

/// <summary>The in-flight answer every identical caller replays: live delivery, unshareable errors, abandonment.</summary>
public sealed class SharedAnswerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SharedOutcome Outcome(int status, bool shareable) => new(status, status == 200 ? null : "budget_exceeded", null, null, shareable, BodyAborted: false);

    [Fact]
    public async Task ASuccess_ReachesAFollowerLive_ChunkByChunk_BeforeItIsComplete()
    {
        var answer = new SharedAnswer();
        answer.TryJoin();
        var body = new SignallingStream();
        var response = new DefaultHttpContext { Response = { Body = body } }.Response;
        var replay = answer.ReplayAsync(response, onlyIfShareable: true, static _ => { }, Ct);

        answer.Start(200, [new("Content-Type", "text/event-stream")]);
        answer.Append("data: first\n\n"u8);
        await body.WaitForAsync("data: first\n\n");
        Assert.False(replay.IsCompleted);

        answer.Append("data: [DONE]\n\n"u8);
        answer.Complete(Outcome(200, shareable: true));
        Assert.True(await replay);
        Assert.Equal("data: first\n\ndata: [DONE]\n\n", body.Text);
        Assert.Equal("text/event-stream", response.Headers.ContentType.ToString());
    }

    [Fact]
    public async Task AnErrorOfTheProducingCallerAlone_IsNotReplayedToFollowers_ButIsToItself()
    {
        var answer = new SharedAnswer();
        answer.TryJoin();
        answer.TryJoin();
        var followerBody = new SignallingStream();
        var producerBody = new SignallingStream();
        var follower = answer.ReplayAsync(new DefaultHttpContext { Response = { Body = followerBody } }.Response, onlyIfShareable: true, static _ => { }, Ct);
        var producer = answer.ReplayAsync(new DefaultHttpContext { Response = { Body = producerBody } }.Response, onlyIfShareable: false, static _ => { }, Ct);

        answer.Start(429, [new("Content-Type", "application/json")]);
        answer.Append("""{"error":{"code":"budget_exceeded"}}"""u8);
        answer.Complete(Outcome(429, shareable: false));

        Assert.False(await follower);
        Assert.Equal("", followerBody.Text);
        Assert.True(await producer);
        Assert.Contains("budget_exceeded", producerBody.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLastCallerToLeave_CancelsAnUnfinishedProduction_AndNoOneCanJoinIt()
    {
        var answer = new SharedAnswer();
        answer.TryJoin();
        answer.TryJoin();

        answer.Leave();
        Assert.False(answer.ProductionAborted.IsCancellationRequested);
        answer.Leave();

        Assert.True(answer.ProductionAborted.IsCancellationRequested);
        Assert.False(answer.TryJoin());
    }

    [Fact]
    public void LeavingAFinishedAnswer_CancelsNothing()
    {
        var answer = new SharedAnswer();
        answer.TryJoin();
        answer.Complete(Outcome(200, shareable: true));

        answer.Leave();

        Assert.False(answer.ProductionAborted.IsCancellationRequested);
        Assert.True(answer.TryJoin());
    }

    /// <summary>A response body that lets a test wait until given text has been written.</summary>
    private sealed class SignallingStream : MemoryStream
    {
        private readonly SemaphoreSlim _written = new(0);

        public string Text => Encoding.UTF8.GetString(ToArray());

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            base.Write(buffer);
            _written.Release();
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public async Task WaitForAsync(string text)
        {
            while (!Text.Contains(text, StringComparison.Ordinal))
            {
                await _written.WaitAsync(Ct);
            }
        }

        protected override void Dispose(bool disposing)
        {
            _written.Dispose();
            base.Dispose(disposing);
        }
    }
}
