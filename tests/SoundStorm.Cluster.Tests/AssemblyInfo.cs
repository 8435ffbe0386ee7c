// The cluster tests each keep both cores busy (three silos and the model); run side by side they would only slow each
// other past their time limits.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
