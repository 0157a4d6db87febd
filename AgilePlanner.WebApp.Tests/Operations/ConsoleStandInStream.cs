using System.Collections.Concurrent;
using System.Text;

namespace AgilePlanner.WebApp.Tests.Operations;

/// <summary>
/// The standard output as a test sees it: every write the sink makes, with the thread that made it, and a gate that,
/// while closed, holds every write as a stalled log collector would; and, broken, fails every write.
/// </summary>
public sealed class ConsoleStandInStream : Stream
{
    private static readonly ConcurrentDictionary<string, ConsoleStandInStream> Consoles = new();

    private readonly MemoryStream _written = new();
    private readonly ManualResetEventSlim _open = new(initialState: true);
    private int _writes;
    private volatile bool _broken;

    /// <summary>The stand-in that configuration names with <paramref name="key"/>, one a test.</summary>
    public static ConsoleStandInStream For(string key) => Consoles.GetOrAdd(key, _ => new ConsoleStandInStream());

    /// <summary>How many writes reached the output: a syscall each on a real console.</summary>
    public int Writes => Volatile.Read(ref _writes);

    public ConcurrentBag<int> WritingThreads { get; } = [];

    public string AllText
    {
        get
        {
            lock (_written)
            {
                return Encoding.UTF8.GetString(_written.ToArray());
            }
        }
    }

    public IReadOnlyList<string> Lines => AllText.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void Stall() => _open.Reset();

    public void Resume() => _open.Set();

    /// <summary>Every write fails, as on a pipe whose reader has gone, until <see cref="Mend"/>.</summary>
    public void Break() => _broken = true;

    public void Mend() => _broken = false;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _open.Wait();
        if (_broken)
        {
            throw new IOException("Broken pipe");
        }
        lock (_written)
        {
            _written.Write(buffer);
        }
        Interlocked.Increment(ref _writes);
        WritingThreads.Add(Environment.CurrentManagedThreadId);
    }

    public override void Flush()
    {
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
