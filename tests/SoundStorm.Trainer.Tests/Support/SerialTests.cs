// TorchSharp passes a Scalar's native handle to libtorch without keeping the Scalar alive, and every Scalar has a
// finalizer: a garbage collection started by another test's thread during a libtorch call can free the implicit
// scalar of `a + b` or `t.add(1e-30)` while libtorch reads it ("toFloat: Expected false to be true", seen a few times
// in hundreds of runs). With the trainer's tests running one at a time, no other thread allocates while a test's
// libtorch call is in flight. (The trainer holds its own explicit scalars; the implicit alpha of a tensor sum is
// TorchSharp's.)
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
