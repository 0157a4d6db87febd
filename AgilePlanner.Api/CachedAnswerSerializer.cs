using System.Buffers;
using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace AgilePlanner.Api;

/// <summary>
/// How <see cref="AgilePlannerResponseCache"/> writes an answer to the distributed cache: the freshness, the media type and the
/// ETag as they were received, then the body. Not encrypted: what is written is API data the user reads on their pages, keyed
/// by a hash of the token and holding no token, code or secret; and the Data Protection key ring that would encrypt it sits in
/// the same Redis, so anyone who can read these entries could read the key that opens them. The refresh answers are the other
/// way round: they hold tokens, which are worth more than the pages they open.
/// </summary>
internal sealed class CachedAnswerSerializer : IHybridCacheSerializer<CachedAnswer?>
{
    private const byte Version = 1;

    public CachedAnswer? Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new SequenceReader<byte>(source);
        if (!reader.TryRead(out var version) || version != Version
            || !reader.TryReadLittleEndian(out long freshUntilTicks)
            || ReadText(ref reader) is not { } contentType
            || ReadText(ref reader) is not { } etag
            || !reader.TryReadLittleEndian(out int bodyLength) || bodyLength < 0 || reader.Remaining != bodyLength)
        {
            // Written by another version of the app, or damaged: a miss, and the API is asked.
            return null;
        }
        var body = reader.UnreadSequence.ToArray();
        return new CachedAnswer(
            body,
            contentType.Length == 0 ? null : MediaTypeHeaderValue.Parse(contentType),
            etag.Length == 0 ? null : EntityTagHeaderValue.Parse(etag),
            new DateTimeOffset(freshUntilTicks, TimeSpan.Zero));
    }

    public void Serialize(CachedAnswer? value, IBufferWriter<byte> target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (value is null)
        {
            return;
        }
        target.Write([Version]);
        var ticks = target.GetSpan(sizeof(long));
        BinaryPrimitives.WriteInt64LittleEndian(ticks, value.FreshUntil.UtcTicks);
        target.Advance(sizeof(long));
        WriteText(target, value.ContentType?.ToString() ?? "");
        WriteText(target, value.ETag?.ToString() ?? "");
        var length = target.GetSpan(sizeof(int));
        BinaryPrimitives.WriteInt32LittleEndian(length, value.Body.Length);
        target.Advance(sizeof(int));
        target.Write(value.Body);
    }

    private static string? ReadText(ref SequenceReader<byte> reader)
    {
        if (!reader.TryReadLittleEndian(out short length) || length < 0 || reader.Remaining < length)
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(reader.UnreadSequence.Slice(0, length));
        reader.Advance(length);
        return text;
    }

    private static void WriteText(IBufferWriter<byte> target, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var length = target.GetSpan(sizeof(short));
        BinaryPrimitives.WriteInt16LittleEndian(length, checked((short)bytes.Length));
        target.Advance(sizeof(short));
        target.Write(bytes);
    }
}
