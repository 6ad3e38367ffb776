using Edge.Bench;

return args.FirstOrDefault() switch
{
    "answer-path" => await AnswerPathBench.RunAsync(args[1..]),
    "propagation" => await PropagationBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Edge.Bench answer-path [--iterations N] | propagation [--changes N] [--mosquitto]");
    return 2;
}
