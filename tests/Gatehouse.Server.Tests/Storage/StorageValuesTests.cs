using Gatehouse.Storage;
using Xunit;

namespace Gatehouse.Tests.Storage;

public sealed class StorageValuesTests
{
    [Fact]
    public void UnixMicroseconds_TruncatesTowardsEarlierInstant()
    {
        var instant = DateTimeOffset.UnixEpoch.AddTicks(25);

        Assert.Equal(2, StorageValues.ToUnixMicroseconds(instant));
        Assert.Equal(-3, StorageValues.ToUnixMicroseconds(DateTimeOffset.UnixEpoch.AddTicks(-25)));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(20), StorageValues.FromUnixMicroseconds(2));
    }

    [Fact]
    public void UnixMicroseconds_OrderMatchesInstantOrder()
    {
        var earlier = new DateTimeOffset(2025, 1, 1, 10, 0, 0, TimeSpan.FromHours(5));
        var later = new DateTimeOffset(2025, 1, 1, 6, 0, 0, TimeSpan.Zero);

        Assert.True(StorageValues.ToUnixMicroseconds(earlier) < StorageValues.ToUnixMicroseconds(later));
    }

    [Fact]
    public void PicoDollars_ExactToTwelvePlaces_RoundsFinerHalfToEven()
    {
        Assert.Equal(123_456_789L, StorageValues.ToPicoDollars(0.000123456789m));
        Assert.Equal(0.000123456789m, StorageValues.FromPicoDollars(123_456_789L));
        Assert.Equal(2L, StorageValues.ToPicoDollars(0.0000000000025m));
        Assert.Equal(-5L, StorageValues.ToPicoDollars(-0.000000000005m));
    }

    [Fact]
    public void PicoDollars_BeyondInt64_Throws()
        => Assert.Throws<OverflowException>(() => StorageValues.ToPicoDollars(10_000_000m));
}
