namespace SoundStorm.Export.Tests.Support;

/// <summary>Plain float64 loops for every block the exporter writes: slow, obvious, independent of ONNX.</summary>
public static class Reference
{
    /// <summary>x [..., in] · W[out, in]ᵀ + b.</summary>
    public static DTensor Linear(DTensor x, DTensor w, DTensor? b)
    {
        int outF = w.Shape[0], inF = w.Shape[1], rows = x.Data.Length / inF;
        var shape = x.Shape.ToArray();
        shape[^1] = outF;
        var y = DTensor.Zeros(shape);
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outF; o++)
            {
                double s = b?.Data[o] ?? 0;
                for (int i = 0; i < inF; i++) s += x.Data[r * inF + i] * w.Data[o * inF + i];
                y.Data[r * outF + o] = s;
            }
        return y;
    }

    public static DTensor LayerNorm(DTensor x, DTensor? gamma, DTensor? beta, double eps)
    {
        int d = x.Shape[^1], rows = x.Data.Length / d;
        var y = DTensor.Zeros(x.Shape);
        for (int r = 0; r < rows; r++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < d; i++) mean += x.Data[r * d + i];
            mean /= d;
            for (int i = 0; i < d; i++) variance += Math.Pow(x.Data[r * d + i] - mean, 2);
            variance /= d;
            for (int i = 0; i < d; i++)
                y.Data[r * d + i] = (x.Data[r * d + i] - mean) / Math.Sqrt(variance + eps) * (gamma?.Data[i] ?? 1) + (beta?.Data[i] ?? 0);
        }
        return y;
    }

    public static double Erf(double x)
    {
        // Abramowitz–Stegun 7.1.26 is too coarse for 1e-5; integrate the Taylor series / continued fraction instead.
        double ax = Math.Abs(x);
        double result;
        if (ax < 3)
        {
            double term = ax, sum = ax;
            for (int n = 1; n < 200; n++)
            {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17) break;
            }
            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // erfc continued fraction for large |x|.
            double f = 0;
            for (int n = 60; n >= 1; n--) f = n / 2.0 / (ax + f);
            result = 1 - Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -result : result;
    }

    public static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Multi-head attention, separate projections, optional key padding (true = padded).</summary>
    public static DTensor Attention(DTensor x, DTensor ctx, int heads,
        (DTensor W, DTensor B) q, (DTensor W, DTensor B) k, (DTensor W, DTensor B) v, (DTensor W, DTensor B) o, bool[,]? keyPadding)
    {
        int batch = x.Shape[0], tq = x.Shape[1], tk = ctx.Shape[1], dim = q.W.Shape[0], hd = dim / heads;
        var Q = Linear(x, q.W, q.B); var K = Linear(ctx, k.W, k.B); var V = Linear(ctx, v.W, v.B);
        var merged = DTensor.Zeros(batch, tq, dim);
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < tq; i++)
                {
                    var scores = new double[tk];
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < tk; j++)
                    {
                        double s = 0;
                        for (int e = 0; e < hd; e++) s += Q[b, i, h * hd + e] * K[b, j, h * hd + e];
                        scores[j] = keyPadding != null && keyPadding[b, j] ? double.NegativeInfinity : s / Math.Sqrt(hd);
                        max = Math.Max(max, scores[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < tk; j++) { scores[j] = Math.Exp(scores[j] - max); z += scores[j]; }
                    for (int e = 0; e < hd; e++)
                    {
                        double s = 0;
                        for (int j = 0; j < tk; j++) s += scores[j] / z * V[b, j, h * hd + e];
                        merged[b, i, h * hd + e] = s;
                    }
                }
        return Linear(merged, o.W, o.B);
    }

    /// <summary>PyTorch Conv1d: x [B, Cin, T], w [Cout, Cin/g, K].</summary>
    public static DTensor Conv1d(DTensor x, DTensor w, DTensor? b, int stride, int padding, int dilation, int groups)
    {
        int batch = x.Shape[0], cin = x.Shape[1], t = x.Shape[2], cout = w.Shape[0], k = w.Shape[2];
        int cinG = cin / groups, coutG = cout / groups;
        int tout = (t + 2 * padding - dilation * (k - 1) - 1) / stride + 1;
        var y = DTensor.Zeros(batch, cout, tout);
        for (int n = 0; n < batch; n++)
            for (int oc = 0; oc < cout; oc++)
            {
                int grp = oc / coutG;
                for (int o = 0; o < tout; o++)
                {
                    double s = b?.Data[oc] ?? 0;
                    for (int ic = 0; ic < cinG; ic++)
                        for (int kk = 0; kk < k; kk++)
                        {
                            int pos = o * stride - padding + kk * dilation;
                            if (pos >= 0 && pos < t) s += x[n, grp * cinG + ic, pos] * w[oc, ic, kk];
                        }
                    y[n, oc, o] = s;
                }
            }
        return y;
    }

    /// <summary>PyTorch Conv2d with square kernel: x [B, Cin, H, W], w [Cout, Cin, K, K], groups 1.</summary>
    public static DTensor Conv2d(DTensor x, DTensor w, DTensor? b, int padding)
    {
        int batch = x.Shape[0], cin = x.Shape[1], h = x.Shape[2], wd = x.Shape[3], cout = w.Shape[0], k = w.Shape[2];
        int ho = h + 2 * padding - k + 1, wo = wd + 2 * padding - k + 1;
        var y = DTensor.Zeros(batch, cout, ho, wo);
        for (int n = 0; n < batch; n++)
            for (int oc = 0; oc < cout; oc++)
                for (int i = 0; i < ho; i++)
                    for (int j = 0; j < wo; j++)
                    {
                        double s = b?.Data[oc] ?? 0;
                        for (int ic = 0; ic < cin; ic++)
                            for (int a = 0; a < k; a++)
                                for (int c = 0; c < k; c++)
                                {
                                    int r = i - padding + a, col = j - padding + c;
                                    if (r >= 0 && r < h && col >= 0 && col < wd) s += x[n, ic, r, col] * w[oc, ic, a, c];
                                }
                        y[n, oc, i, j] = s;
                    }
        return y;
    }

    /// <summary>PyTorch ConvTranspose1d: x [B, Cin, T], w [Cin, Cout/g, K].</summary>
    public static DTensor ConvTranspose1d(DTensor x, DTensor w, DTensor? b, int stride, int padding, int outputPadding, int groups, int dilation)
    {
        int batch = x.Shape[0], cin = x.Shape[1], t = x.Shape[2], coutG = w.Shape[1], k = w.Shape[2];
        int cinG = cin / groups, cout = coutG * groups;
        int tout = (t - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1;
        var y = DTensor.Zeros(batch, cout, tout);
        for (int n = 0; n < batch; n++)
        {
            for (int oc = 0; oc < cout; oc++)
                for (int o = 0; o < tout; o++) y[n, oc, o] = b?.Data[oc] ?? 0;
            for (int ic = 0; ic < cin; ic++)
            {
                int grp = ic / cinG;
                for (int i = 0; i < t; i++)
                    for (int ocg = 0; ocg < coutG; ocg++)
                        for (int kk = 0; kk < k; kk++)
                        {
                            int pos = i * stride - padding + kk * dilation;
                            if (pos >= 0 && pos < tout) y[n, grp * coutG + ocg, pos] += x[n, ic, i] * w[ic, ocg, kk];
                        }
            }
        }
        return y;
    }

    /// <summary>PyTorch GroupNorm on x [B, C, T].</summary>
    public static DTensor GroupNorm(DTensor x, int groups, DTensor gamma, DTensor beta, double eps)
    {
        int batch = x.Shape[0], c = x.Shape[1], t = x.Shape[2], cg = c / groups;
        var y = DTensor.Zeros(x.Shape);
        for (int n = 0; n < batch; n++)
            for (int grp = 0; grp < groups; grp++)
            {
                double mean = 0, variance = 0; int count = cg * t;
                for (int ch = grp * cg; ch < (grp + 1) * cg; ch++) for (int i = 0; i < t; i++) mean += x[n, ch, i];
                mean /= count;
                for (int ch = grp * cg; ch < (grp + 1) * cg; ch++) for (int i = 0; i < t; i++) variance += Math.Pow(x[n, ch, i] - mean, 2);
                variance /= count;
                for (int ch = grp * cg; ch < (grp + 1) * cg; ch++)
                    for (int i = 0; i < t; i++) y[n, ch, i] = (x[n, ch, i] - mean) / Math.Sqrt(variance + eps) * gamma.Data[ch] + beta.Data[ch];
            }
        return y;
    }

    /// <summary>BatchNorm in inference mode on x [B, C, ...].</summary>
    public static DTensor BatchNorm(DTensor x, DTensor gamma, DTensor beta, DTensor mean, DTensor variance, double eps)
    {
        int c = x.Shape[1], inner = x.Data.Length / x.Shape[0] / c;
        var y = DTensor.Zeros(x.Shape);
        for (int i = 0; i < x.Data.Length; i++)
        {
            int ch = i / inner % c;
            y.Data[i] = (x.Data[i] - mean.Data[ch]) / Math.Sqrt(variance.Data[ch] + eps) * gamma.Data[ch] + beta.Data[ch];
        }
        return y;
    }
}
