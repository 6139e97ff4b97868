package org.ocs4j.quant;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ocs4j.split.Channels;
import org.ocs4j.split.SplitOptions;
import org.ocs4j.split.SplitResult;

import java.util.Arrays;

/**
 * Fake quantization of one weight tensor in place on a signed symmetric grid (round half to even, clamp to
 * {@code [−(2^(b−1)−1), 2^(b−1)−1]}): per tensor, per output channel, or in the folded form of weight OCS for
 * matrices whose input channels cannot be duplicated (an LSTM's recurrent weights).
 */
public final class WeightQuantizer {

    private WeightQuantizer() {
    }

    /** α of a weight tensor by {@code method}; 1 for an all-zero tensor, which quantizes to zeros anyway. */
    public static double clipAlpha(Clip method, INDArray weights, int bits) {
        TensorStatistics s = TensorStatistics.of(weights);
        if (s.maxAbs() == 0) {
            return 1.0;
        }
        return method.estimate(s, bits).alpha();
    }

    /**
     * Fake-quantizes {@code w} in place with one clip value.
     *
     * @return α
     */
    public static double perTensor(INDArray w, int bits, double alpha) {
        w.assign(FixedPointGrid.signed(bits).fakeQuantize(w, alpha));
        return alpha;
    }

    /**
     * Fake-quantizes {@code w} in place with one clip value per output channel ({@code axis}).
     *
     * @return the largest α
     */
    public static double perChannel(INDArray w, int axis, Clip method, int bits) {
        return perChannel(w, axis, perChannelAlphas(method, w, axis, bits), bits);
    }

    /**
     * Fake-quantizes {@code w} in place with the given clip value of every output channel ({@code axis}) — those a
     * grid-aware split placed its halves on, say.
     *
     * @return the largest α
     */
    public static double perChannel(INDArray w, int axis, double[] alphas, int bits) {
        w.assign(FixedPointGrid.signed(bits).fakeQuantizePerChannel(w, axis, alphas));
        return Arrays.stream(alphas).max().orElse(0);
    }

    /**
     * Weight OCS in folded form: the rows of {@code w} (its input channels, e.g. a layer's own recurrent state,
     * which cannot be duplicated) are split as for widening, the split tensor is fake-quantized (grid-aware halves
     * on its grid, or plain halves), and each appended row is summed back into its original row. Arithmetically
     * this is the widened layer: {@code (a + b)·h = a·h + b·h}.
     *
     * @param clipOn the tensor the clip value is fitted on: null for the split tensor (the default), or the unsplit
     *               original (the reference code's choice)
     * @return α
     */
    public static double folded(INDArray w, int bits, Clip method, double expandRatio, boolean gridAware,
                                INDArray clipOn) {
        FixedPointGrid grid = FixedPointGrid.signed(bits);
        SplitResult split = TensorAnalysis.split(w, 0, expandRatio, SplitOptions.PLAIN);
        double alpha = clipAlpha(method, clipOn != null ? clipOn : split.weights(), bits);
        if (gridAware) {
            split = TensorAnalysis.split(w, 0, expandRatio, SplitOptions.PLAIN.withGridScale(grid.scale(alpha)));
        }
        w.assign(Channels.fold(grid.fakeQuantize(split.weights(), alpha), 0, split.plan().originalChannels(),
                split.plan().origin()));
        return alpha;
    }

    private static double[] perChannelAlphas(Clip method, INDArray w, int axis, int bits) {
        int channels = (int) w.size(axis);
        double[] alphas = new double[channels];
        if (method.method() == ClipMethod.NONE || method.method() == ClipMethod.MAX) {
            double factor = method.method() == ClipMethod.MAX ? method.parameter() : 1.0;
            double[] max = w.amax(Channels.otherAxes(w.rank(), axis)).toDoubleVector();
            for (int c = 0; c < channels; c++) alphas[c] = max[c] > 0 ? factor * max[c] : 1.0;
            return alphas;
        }
        for (int c = 0; c < channels; c++) {
            INDArrayIndex[] index = new INDArrayIndex[w.rank()];
            for (int d = 0; d < index.length; d++) {
                index[d] = d == axis ? NDArrayIndex.point(c) : NDArrayIndex.all();
            }
            alphas[c] = clipAlpha(method, w.get(index).dup(), bits);
        }
        return alphas;
    }
}
