using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.TorchSharpRuntime;

/// <summary>TorchSharp's native library loads in this output folder and computes what float64 C# computes.</summary>
public sealed class TorchSharpComputesTests
{
    private static double[] RandomValues(Random rng, int count, double scale = 1.0) =>
        Enumerable.Range(0, count).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray();

    private static Tensor F32(double[] values, params long[] shape) =>
        tensor(values.Select(v => (float)v).ToArray(), shape);

    [Fact]
    public void Matmul_matches_float64_reference()
    {
        var rng = new Random(11);
        double[] a = RandomValues(rng, 5 * 7), b = RandomValues(rng, 7 * 3);
        using var scope = NewDisposeScope();
        double[] actual = Compare.ToDoubles(matmul(F32(a, 5, 7), F32(b, 7, 3)));
        var expected = new double[15];
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 7; k++)
                    expected[i * 3 + j] += (double)(float)a[i * 7 + k] * (float)b[k * 3 + j];
        Compare.Close(expected, actual, 1e-5, 1e-5, "matmul");
    }

    // loss = Σ LayerNorm(x Wᵀ + b) ⊙ R, everything in float64.
    private static double LinearLayerNormLoss(double[] x, double[] w, double[] bias, double[] gamma, double[] beta,
        double[] r, int rows, int inputs, int outputs, double[]? outputValues = null)
    {
        double loss = 0;
        var y = new double[outputs];
        for (int n = 0; n < rows; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                y[o] = bias[o];
                for (int i = 0; i < inputs; i++) y[o] += x[n * inputs + i] * w[o * inputs + i];
            }
            double mean = y.Average(), variance = y.Select(v => (v - mean) * (v - mean)).Average();
            for (int o = 0; o < outputs; o++)
            {
                double z = (y[o] - mean) / Math.Sqrt(variance + 1e-5) * gamma[o] + beta[o];
                outputValues?[n * outputs + o] = z;
                loss += z * r[n * outputs + o];
            }
        }
        return loss;
    }

    private static double[] NumericGradient(double[] at, Func<double[], double> f)
    {
        var grad = new double[at.Length];
        for (int i = 0; i < at.Length; i++)
        {
            double keep = at[i];
            at[i] = keep + 1e-6; double up = f(at);
            at[i] = keep - 1e-6; double down = f(at);
            at[i] = keep;
            grad[i] = (up - down) / 2e-6;
        }
        return grad;
    }

    [Fact]
    public void Linear_and_LayerNorm_forward_and_backward_match_float64_reference()
    {
        const int rows = 4, inputs = 6, outputs = 5;
        var rng = new Random(5);
        // Round the inputs to float32 first so both sides see identical values.
        double[] Round(double[] v) => v.Select(d => (double)(float)d).ToArray();
        double[] x = Round(RandomValues(rng, rows * inputs)), w = Round(RandomValues(rng, outputs * inputs, 0.5));
        double[] bias = Round(RandomValues(rng, outputs, 0.1)), gamma = Round(RandomValues(rng, outputs, 0.3).Select(v => 1 + v).ToArray());
        double[] beta = Round(RandomValues(rng, outputs, 0.1)), r = Round(RandomValues(rng, rows * outputs));

        using var scope = NewDisposeScope();
        var linear = nn.Linear(inputs, outputs);
        var norm = nn.LayerNorm(outputs, eps: 1e-5);
        using (no_grad())
        {
            linear.weight!.copy_(F32(w, outputs, inputs));
            linear.bias!.copy_(F32(bias, outputs));
            norm.weight!.copy_(F32(gamma, outputs));
            norm.bias!.copy_(F32(beta, outputs));
        }
        Tensor input = F32(x, rows, inputs).requires_grad_(true);
        Tensor output = norm.forward(linear.forward(input));
        (output * F32(r, rows, outputs)).sum().backward();

        var expectedOutput = new double[rows * outputs];
        LinearLayerNormLoss(x, w, bias, gamma, beta, r, rows, inputs, outputs, expectedOutput);
        Compare.Close(expectedOutput, Compare.ToDoubles(output), 1e-5, 1e-4, "forward");
        double[] gradW = NumericGradient(w, ww => LinearLayerNormLoss(x, ww, bias, gamma, beta, r, rows, inputs, outputs));
        double[] gradX = NumericGradient(x, xx => LinearLayerNormLoss(xx, w, bias, gamma, beta, r, rows, inputs, outputs));
        double[] gradGamma = NumericGradient(gamma, g => LinearLayerNormLoss(x, w, bias, g, beta, r, rows, inputs, outputs));
        Compare.Close(gradW, Compare.ToDoubles(linear.weight!.grad!), 1e-4, 1e-3, "dL/dW");
        Compare.Close(gradX, Compare.ToDoubles(input.grad!), 1e-4, 1e-3, "dL/dx");
        Compare.Close(gradGamma, Compare.ToDoubles(norm.weight!.grad!), 1e-4, 1e-3, "dL/dgamma");
    }

    [Fact]
    public void AdamW_steps_match_the_decoupled_weight_decay_formula()
    {
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.96, eps = 1e-8, decay = 0.01;
        var rng = new Random(9);
        double[] p = RandomValues(rng, 6).Select(v => (double)(float)v).ToArray();
        double[][] grads = { RandomValues(rng, 6), RandomValues(rng, 6), RandomValues(rng, 6) };

        using var scope = NewDisposeScope();
        var parameter = new TorchSharp.Modules.Parameter(F32(p, 6));
        var optimizer = optim.AdamW(new[] { parameter }, lr, beta1, beta2, eps, decay);
        var m = new double[6];
        var v = new double[6];
        for (int step = 1; step <= grads.Length; step++)
        {
            optimizer.zero_grad();
            (parameter * F32(grads[step - 1], 6)).sum().backward();   // gradient = grads[step − 1]
            optimizer.step();
            for (int i = 0; i < 6; i++)
            {
                double g = (float)grads[step - 1][i];
                p[i] -= lr * decay * p[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(beta1, step)), vHat = v[i] / (1 - Math.Pow(beta2, step));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            Compare.Close(p, Compare.ToDoubles(parameter), 1e-6, 1e-5, $"AdamW step {step}");
        }
    }
}
