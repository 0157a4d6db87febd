using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// Holds a response body until it passes <see cref="PageCompression.MinimumCompressedBytes"/>: a body that ends
/// sooner is sent at once with its Content-Length (which compression then skips); a longer one streams on unchanged.
/// Flushes while holding are deferred, so a page's end-of-view flush does not start the response early.
/// </summary>
public sealed class SmallResponseBufferStream(IHttpResponseBodyFeature inner, HttpResponse response, int limit) : Stream, IHttpResponseBodyFeature
{
    private byte[]? _held;
    private int _count;
    private bool _streaming;
    private PipeWriter? _writer;

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    // Seekable only while holding, so HttpResponse.Clear (an error page after a failure) can drop what was held.
    public override bool CanSeek => !_streaming;

    public override bool CanWrite => true;

    public override long Length => _streaming ? throw new NotSupportedException() : _count;

    public override long Position
    {
        get => _streaming ? throw new NotSupportedException() : _count;
        set => SetLength(value);
    }

    public void DisableBuffering()
    {
        _streaming = true;
        inner.DisableBuffering();
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await StreamAsync(cancellationToken);
        await inner.StartAsync(cancellationToken);
    }

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await StreamAsync(cancellationToken);
        await inner.SendFileAsync(path, offset, count, cancellationToken);
    }

    public async Task CompleteAsync()
    {
        await FinishAsync();
        await inner.CompleteAsync();
    }

    /// <summary>Sends what is held, with its length when the app set none: called once the app is done.</summary>
    public async Task FinishAsync()
    {
        if (_writer is not null)
        {
            await _writer.CompleteAsync();
        }
        if (!_streaming && _count > 0 && !response.HasStarted)
        {
            response.ContentLength ??= _count;
        }
        await StreamAsync(default);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_streaming && Hold(buffer.Span))
        {
            return;
        }
        await StreamAsync(cancellationToken);
        await inner.Stream.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!_streaming && Hold(buffer))
        {
            return;
        }
        if (_count > 0)
        {
            inner.Stream.Write(_held!, 0, _count);
            Release();
        }
        _streaming = true;
        inner.Stream.Write(buffer);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _streaming ? inner.Stream.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override void Flush()
    {
        if (_streaming)
        {
            inner.Stream.Flush();
        }
    }

    public override void SetLength(long value)
    {
        if (_streaming || value != 0)
        {
            throw new NotSupportedException("A response body can only be emptied, and only before it is sent.");
        }
        _count = 0;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Release();
        base.Dispose(disposing);
    }

    private bool Hold(ReadOnlySpan<byte> buffer)
    {
        if (_count + buffer.Length > limit)
        {
            return false;
        }
        _held ??= ArrayPool<byte>.Shared.Rent(limit);
        buffer.CopyTo(_held.AsSpan(_count));
        _count += buffer.Length;
        return true;
    }

    private async ValueTask StreamAsync(CancellationToken cancellationToken)
    {
        _streaming = true;
        if (_count > 0)
        {
            await inner.Stream.WriteAsync(_held.AsMemory(0, _count), cancellationToken);
        }
        Release();
    }

    private void Release()
    {
        if (_held is not null)
        {
            ArrayPool<byte>.Shared.Return(_held);
            _held = null;
        }
        _count = 0;
    }
}
