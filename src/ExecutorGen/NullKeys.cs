namespace ExecutorGen;

/// <summary>How requests whose partition key is <see langword="null"/> are scheduled (a nullable key type, see EXG111).</summary>
public enum NullKeys
{
    /// <summary>
    /// All null keys are one key: their requests share one lane and run one at a time, in submission order, like the
    /// requests of any other key. The default.
    /// </summary>
    Ordered,

    /// <summary>
    /// A null key means "no key": such requests are scheduled like those of a handler without <c>PartitionBy</c>, on any
    /// free worker and in parallel, with no order among them; requests with a key keep their key's order. For streams
    /// where most messages carry no key. <see cref="DeadLetterPolicy.PauseKey"/> pauses nothing for them (there is no
    /// key to pause), and they never show among <see cref="ExecutorMetrics.HotKeys"/>.
    /// </summary>
    Unordered,
}
