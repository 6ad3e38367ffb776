namespace Edge.Agent.Updater;

using System.Buffers.Binary;
using Edge.Shared.Updates;
using Edge.Updates;

/// <summary>The per-download loop of <see cref="BlockDownloader"/>: a partial because it drives the downloader's channel and counters.</summary>
internal sealed partial class BlockDownloader
{
    /// <summary>
    /// The bookkeeping of one download: which blocks are outstanding and until when. With <paramref name="blockHashes"/>
    /// (from the signed manifest) every frame is checked on receipt: a forged or damaged one is dropped and its block
    /// requested again, so it can never fail the payload as a whole.
    /// </summary>
    private sealed class Session(BlockDownloader owner, PartFile part, string payloadSha, string[]? blockHashes)
    {
        private readonly UpdaterOptions _options = owner._options;
        private readonly Dictionary<int, long> _outstanding = [];
        private readonly List<int> _batch = [];
        private readonly ulong _tag = BlockFrame.PayloadTag(payloadSha);

        // Blocks already requested again after a bad frame: a flood of forged frames for one block asks for it once.
        private readonly HashSet<int> _badSinceRequest = [];
        private bool _badHashLogged;
        private Queue<int> _missing = new(part.Missing());
        private long _lastProgress = owner._time.GetTimestamp();

        public async Task RunAsync(Func<PartFile, Task> progress, CancellationToken cancellationToken)
        {
            while (!part.IsComplete)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var now = owner._time.GetTimestamp();
                PlanRequests(now);
                if (_batch.Count > 0)
                {
                    await owner.RequestAsync(payloadSha, part.BlockSize, _batch, cancellationToken);
                    owner._metrics.BlocksRequested.Add(_batch.Count);
                    _batch.Clear();
                }

                CheckStalled(now);
                var frame = await owner.NextFrameAsync(NextDeadline(now), cancellationToken);
                if (frame is not null && Accept(frame, owner._time.GetTimestamp()))
                {
                    await progress(part);
                }
            }
        }

        private void PlanRequests(long now)
        {
            if (Interlocked.Exchange(ref owner._reconnected, 0) == 1)
            {
                _lastProgress = now;
                foreach (var index in _outstanding.Keys.ToList())
                {
                    Rerequest(index, now);
                }
            }

            // A block is overdue when its own timeout passed and no new block arrived for a timeout either. The cloud
            // serves requests in order, so while blocks keep coming the outstanding ones are queued behind them, not
            // lost: asking again would queue duplicates ahead of new blocks, and once a frame takes longer than
            // BlockTimeout / MaxInFlightBlocks (a slow link, a busy cloud) every block would expire in the queue,
            // duplicates would crowd out new blocks and the download would crawl to a halt without ever stalling.
            if (Deadline(_lastProgress) <= now)
            {
                foreach (var (index, deadline) in _outstanding.ToList())
                {
                    if (deadline <= now)
                    {
                        Rerequest(index, now);
                    }
                }
            }

            while (_outstanding.Count < _options.MaxInFlightBlocks && _missing.TryDequeue(out var next))
            {
                if (!part.Has(next) && _outstanding.TryAdd(next, Deadline(now)))
                {
                    _batch.Add(next);
                }
            }

            if (_outstanding.Count == 0 && !part.IsComplete)
            {
                // Everything outstanding arrived but blocks are missing (a duplicate filled a slot): start over from the bitmap.
                _missing = new Queue<int>(part.Missing());
            }
        }

        private void Rerequest(int index, long now)
        {
            _outstanding[index] = Deadline(now);
            if (!_batch.Contains(index))
            {
                _batch.Add(index);
                owner._metrics.BlocksRerequested.Increment();
                Interlocked.Increment(ref owner._rerequested);
            }
        }

        private void CheckStalled(long now)
        {
            if (!owner._mqtt.IsConnected)
            {
                // Offline is not stalled: the reconnect re-requests everything outstanding.
                _lastProgress = now;
                return;
            }

            var limit = _options.BlockTimeout * _options.StallTimeouts;
            if (owner._time.GetElapsedTime(_lastProgress, now) > limit)
            {
                throw new PackageRejectedException(
                    UpdateFailure.Timeout, $"no block of payload {payloadSha[..16]} arrived for {limit.TotalSeconds:F0} s while connected ({part.Received}/{part.Total} received)");
            }
        }

        private TimeSpan NextDeadline(long now)
        {
            var wait = _options.BlockTimeout;
            var flowing = Deadline(_lastProgress);
            foreach (var deadline in _outstanding.Values)
            {
                var left = owner._time.GetElapsedTime(now, Math.Max(deadline, flowing));
                wait = left < wait ? left : wait;
            }

            return wait;
        }

        private long Deadline(long now) => now + (long)(_options.BlockTimeout.TotalSeconds * owner._time.TimestampFrequency);

        /// <summary>True when the frame added a block.</summary>
        private bool Accept(byte[] frame, long now)
        {
            if (frame.Length == 0)
            {
                return false;
            }

            if (frame.Length < BlockFrame.HeaderSize)
            {
                Drop("shorter than a frame header", -1, truncated: true);
                return false;
            }

            var tag = BinaryPrimitives.ReadUInt64BigEndian(frame);
            var index = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(8)), int.MaxValue);
            if (tag != _tag || index >= part.Total || part.Has(index))
            {
                Drop(tag != _tag ? "another payload" : "duplicate or out of range", index, truncated: false);
                return false;
            }

            if (!BlockFrame.TryRead(frame, out _, out _, out var data) || data.Length != part.ExpectedLength(index))
            {
                // Truncated on the way: the bytes cannot be trusted, ask again right away.
                Drop($"truncated: {frame.Length - BlockFrame.HeaderSize} of {part.ExpectedLength(index)} bytes", index, truncated: true);
                Rerequest(index, now);
                return false;
            }

            if (blockHashes is not null && !Sha256Hex.Matches(data, blockHashes[index]))
            {
                owner._metrics.BadHashBlocks.Increment();
                Interlocked.Increment(ref owner._badHash);
                if (!_badHashLogged)
                {
                    // Once per download: whoever forges frames must not also flood the log.
                    _badHashLogged = true;
                    owner._logger.BadBlockHash(payloadSha, index);
                }

                if (_outstanding.ContainsKey(index) && _badSinceRequest.Add(index))
                {
                    Rerequest(index, now);
                }

                return false;
            }

            part.Write(index, data);
            _badSinceRequest.Remove(index);
            _outstanding.Remove(index);
            _lastProgress = now;
            owner._metrics.BlocksReceived.Increment();
            return true;
        }

        private void Drop(string reason, int index, bool truncated)
        {
            (truncated ? owner._metrics.TruncatedBlocks : owner._metrics.IgnoredFrames).Increment();
            if (truncated)
            {
                Interlocked.Increment(ref owner._truncated);
            }

            owner._logger.FrameDropped(reason, payloadSha, index);
        }
    }
}
