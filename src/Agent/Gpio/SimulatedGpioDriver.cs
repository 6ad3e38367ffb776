namespace Edge.Agent.Gpio;

using System.Collections.Concurrent;
using System.Device.Gpio;

/// <summary>
/// An in-memory GPIO chip behind the real <see cref="GpioController"/> (<c>Gpio:Driver=sim</c>): tests and desk runs
/// drive inputs with <see cref="SetInput"/> and watch outputs; pins in <see cref="BusyPins"/> refuse to open the way
/// libgpiod refuses a line another process holds.
/// </summary>
internal sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly ConcurrentDictionary<int, PinValue> _values = new();
    private readonly ConcurrentDictionary<int, PinMode> _modes = new();
    private readonly ConcurrentDictionary<int, List<(PinEventTypes Events, PinChangeEventHandler Handler)>> _callbacks = new();
    private readonly Lock _gate = new();
    private readonly List<(int Pin, PinValue Value, TaskCompletionSource Done)> _waiters = [];

    public HashSet<int> BusyPins { get; } = [];

    protected override int PinCount => 64;

    /// <summary>Every value written to each output, in order.</summary>
    public ConcurrentDictionary<int, ConcurrentQueue<PinValue>> Writes { get; } = new();

    public PinValue Value(int pin) => _values.GetValueOrDefault(pin, PinValue.Low);

    /// <summary>Changes an input as the outside world would, raising the edge callbacks on this thread.</summary>
    public void SetInput(int pin, PinValue value)
    {
        var old = Value(pin);
        _values[pin] = value;
        if (old == value)
        {
            return;
        }

        var edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
        foreach (var (events, handler) in _callbacks.GetValueOrDefault(pin, []).ToArray())
        {
            if ((events & edge) != 0)
            {
                handler(this, new PinValueChangedEventArgs(edge, pin));
            }
        }
    }

    /// <summary>Completes when <paramref name="pin"/> is written <paramref name="value"/> (or already is).</summary>
    public Task WaitForAsync(int pin, PinValue value, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Value(pin) == value)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((pin, value, done));
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    protected override void OpenPin(int pinNumber)
    {
        if (BusyPins.Contains(pinNumber))
        {
            throw new IOException($"Error while reserving pin {pinNumber}: Device or resource busy");
        }
    }

    protected override void ClosePin(int pinNumber) => _callbacks.TryRemove(pinNumber, out _);

    protected override void SetPinMode(int pinNumber, PinMode mode) => _modes[pinNumber] = mode;

    protected override PinMode GetPinMode(int pinNumber) => _modes.GetValueOrDefault(pinNumber, PinMode.Input);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => Value(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        List<TaskCompletionSource> released = [];
        lock (_gate)
        {
            _values[pinNumber] = value;
            Writes.GetOrAdd(pinNumber, _ => new()).Enqueue(value);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Pin == pinNumber && _waiters[i].Value == value)
                {
                    released.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        released.ForEach(d => d.TrySetResult());
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the simulated driver raises callbacks; it does not block for events");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        _callbacks.GetOrAdd(pinNumber, _ => []).Add((eventTypes, callback));

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        if (_callbacks.TryGetValue(pinNumber, out var list))
        {
            list.RemoveAll(c => c.Handler == callback);
        }
    }

    public override GpioChipInfo GetChipInfo() => new(0, "sim", "edge-agent simulated chip", PinCount);
}
