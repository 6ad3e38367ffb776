using Edge.Bench;

return args.FirstOrDefault() switch
{
    "answer-path" => await AnswerPathBench.RunAsync(args[1..]),
    "propagation" => await PropagationBench.RunAsync(args[1..]),
    "offline" => await OfflineBench.RunAsync(args[1..]),
    "quantize" => QuantizeBench.Run(args[1..]),
    "byo" => ByoBench.Run(args[1..]),
    "ota" => await OtaBench.RunAsync(args[1..]),
    "load-step" => await LoadStepBench.RunAsync(args[1..]),
    "fleet-propagation" => await FleetPropagationBench.RunAsync(args[1..]),
    "tls" => await TlsBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Edge.Bench answer-path [--iterations N] | propagation [--changes N] [--mosquitto] | offline [--requests N] [--concurrency N] [--threshold T] [--no-commit-wait] | byo [--iterations N] | quantize [--calibration N] [--iterations N] [--method minmax|percentile] [--activations auto|uint8|int8] | ota [--work DIR] [--blocks 4,16,64] [--skip-bytes] [--skip-transfer] | load-step [--periods N] [--devices N] [--out DIR] | fleet-propagation [--devices N] [--changes N] | tls [--requests N] [--cold N]");
    return 2;
}
