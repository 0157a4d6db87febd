using System.Net.Http.Headers;

namespace AgilePlanner.WebApp.Flow;

/// <summary>
/// Reads at most a fixed number of bytes of a response body for the record, then hands the caller a content that
/// still yields the whole body: the prefix from memory, the rest from the original stream. A huge or endless body
/// is never buffered whole on the inspector's account.
/// </summary>
internal static class CapturedContent
{
    public const int MaxCaptureBytes = 64 * 1024;

    /// <summary>The first bytes of the body and whether they are all of it; <paramref name="response"/>'s content is replaced.</summary>
    public static async Task<(byte[] Prefix, bool Complete)> CaptureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var original = response.Content;
        var stream = await original.ReadAsStreamAsync(cancellationToken);
        var prefix = new MemoryStream();
        var chunk = new byte[16 * 1024];
        var complete = false;
        while (prefix.Length < MaxCaptureBytes)
        {
            var read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, MaxCaptureBytes - prefix.Length)), cancellationToken);
            if (read == 0)
            {
                complete = true;
                break;
            }
            prefix.Write(chunk, 0, read);
        }

        var bytes = prefix.ToArray();
        HttpContent replacement = complete ? new ByteArrayContent(bytes) : new StreamContent(new PrefixedStream(bytes, stream));
        CopyHeaders(original.Headers, replacement.Headers);
        response.Content = replacement;
        if (complete)
        {
            original.Dispose();
        }
        return (bytes, complete);
    }

    private static void CopyHeaders(HttpContentHeaders from, HttpContentHeaders to)
    {
        foreach (var header in from.NonValidated)
        {
            to.Remove(header.Key);
            to.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    /// <summary>A read-only stream that yields a buffered prefix, then the rest of another stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < prefix.Length)
            {
                var count = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, count).CopyTo(buffer);
                _position += count;
                return count;
            }
            return rest.Read(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < prefix.Length)
            {
                var count = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsMemory(_position, count).CopyTo(buffer);
                _position += count;
                return ValueTask.FromResult(count);
            }
            return rest.ReadAsync(buffer, cancellationToken);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
