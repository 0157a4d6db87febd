using System.Text;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// The console, written off the request thread and a batch at a time: each event goes into a bounded queue, and one
/// dedicated thread formats whatever has queued into a buffer and writes it to the standard output in one go, then
/// waits <see cref="Pause"/> before the next batch. A busy server so makes a few writes a second, not one a request
/// (Serilog's console sink flushes every line, and Serilog.Sinks.Async wakes its worker for every event).
/// </summary>
/// <remarks>
/// Nothing is dropped. When the queue is full (the console's reader has stalled) the threads that log wait for room,
/// as <c>blockWhenFull</c> did. Disposing the sink, which a normal stop does through the host's logger, writes every
/// event still queued before it returns. An event that cannot be formatted, or a write that fails, is reported to
/// Serilog's SelfLog, nothing of it is written, and the sink goes on.
/// </remarks>
public sealed class BufferedConsoleSink : ILogEventSink, IDisposable
{
    /// <summary>How long the writer waits after a batch before it looks again: the most a line is held back.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(10);

    private const int BufferSize = 64 * 1024;

    private readonly Channel<LogEvent> _queue;
    private readonly ITextFormatter _formatter;
    private readonly StreamWriter _output;
    // One event's text, whole or not at all: an event that fails halfway leaves nothing of itself in the output.
    private readonly StringWriter _line = new(System.Globalization.CultureInfo.InvariantCulture);
    private readonly Thread _writer;

    /// <param name="output">Where the lines go: the standard output, or a stream of a test's.</param>
    /// <param name="formatter">How an event becomes its line.</param>
    /// <param name="queueLimit">The most events held while the output cannot keep up.</param>
    public BufferedConsoleSink(Stream output, ITextFormatter formatter, int queueLimit)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(formatter);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueLimit, 1);
        _formatter = formatter;
        _output = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), BufferSize) { AutoFlush = false };
        _queue = Channel.CreateBounded<LogEvent>(new BoundedChannelOptions(queueLimit)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        // A thread of its own, not the thread pool's: the threads that wait for room when the queue is full may be
        // every pool thread there is, and the writer must still run to make that room.
        _writer = new Thread(WriteBatches) { IsBackground = true, Name = "Console log writer" };
        _writer.Start();
    }

    public void Emit(LogEvent logEvent)
    {
        if (_queue.Writer.TryWrite(logEvent))
        {
            return;
        }

        try
        {
            // Full: wait for the writer to make room rather than lose the line.
            _queue.Writer.WriteAsync(logEvent).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            SelfLog.WriteLine("An event was logged after the console log writer stopped; it is not written.");
        }
    }

    public void Dispose()
    {
        if (_queue.Writer.TryComplete())
        {
            _writer.Join();
        }
    }

    private void WriteWhole(LogEvent logEvent)
    {
        var text = _line.GetStringBuilder().Clear();
        try
        {
            _formatter.Format(logEvent, _line);
        }
        catch (Exception failure)
        {
            SelfLog.WriteLine("An event could not be formatted for the console: {0}", failure);
            return;
        }
        foreach (var chunk in text.GetChunks())
        {
            _output.Write(chunk.Span);
        }
    }

    private void WriteBatches()
    {
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            // A write fails when the buffer fills as much as when it is flushed: both are caught, so the writer never stops
            // (a stopped writer would leave every logging thread waiting for room).
            try
            {
                while (reader.TryRead(out var logEvent))
                {
                    WriteWhole(logEvent);
                }
                _output.Flush();
            }
            catch (Exception failure) when (failure is IOException or ObjectDisposedException)
            {
                SelfLog.WriteLine("The console could not be written: {0}", failure);
            }

            if (!reader.Completion.IsCompleted)
            {
                Thread.Sleep(Pause);
            }
        }
    }
}
