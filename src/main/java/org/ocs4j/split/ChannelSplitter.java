package org.ocs4j.split;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * Weight OCS on one tensor: greedily splits the input channel holding the largest {@code |w|},
 * {@code k} times, appending each new half as a channel at the end of the input-channel axis.
 *
 * <p>Works on any rank and any channel axis (conv {@code [nOut, nIn, kH, kW]}: axis 1; DL4J dense
 * {@code [nIn, nOut]}: axis 0). The caller's array is never modified. All arithmetic is ND4J ops on whole channel
 * slices; the only Java loop is over the {@code k} split steps.
 */
public final class ChannelSplitter {

    private ChannelSplitter() {
    }

    /**
     * The range of every expand ratio (weight or activation OCS): {@code [0, 1]}.
     *
     * @param what the value's name in the error message
     * @return {@code r}
     * @throws IllegalArgumentException naming {@code what} and {@code r} when it is outside [0, 1] or NaN
     */
    public static double requireRatio(String what, double r) {
        if (!(r >= 0.0 && r <= 1.0)) {
            throw new IllegalArgumentException(what + " " + r + " is outside [0, 1]");
        }
        return r;
    }

    /**
     * Number of channels to split for an expand ratio: {@code ceil(r · C)}.
     *
     * @param expandRatio fraction of input channels to split, in [0, 1]
     * @param channels    input channel count {@code C ≥ 1}
     * @return {@code k}, 0 when {@code expandRatio == 0}
     */
    public static int splitCount(double expandRatio, long channels) {
        requireRatio("expand ratio", expandRatio);
        if (channels < 1) {
            throw new IllegalArgumentException("channel count " + channels + " must be at least 1");
        }
        // The tiny epsilon keeps ceil(0.01 * 300) at 3 despite 0.01 * 300 = 3.0000000000000004 in doubles.
        return (int) Math.ceil(expandRatio * channels - 1e-9);
    }

    /**
     * Splits {@code k} channels of {@code weights} along {@code axis}.
     *
     * @param weights the weight tensor (not modified); must be finite
     * @param axis    the input-channel axis
     * @param k       number of splits, {@code ≥ 0}
     * @param options threshold, reference quirk and grid-aware scale
     * @return the widened tensor (axis size {@code C + k}, same dtype) and the plan
     */
    public static SplitResult split(INDArray weights, int axis, int k, SplitOptions options) {
        if (options.splitThreshold() == 0.0 && !options.gridAware()) {
            return splitByHalving(weights, axis, k);
        }
        checkArguments(weights, axis, k);
        requireFinite(weights, "weights");
        return splitByReplay(weights, axis, k, options);
    }

    private static void checkArguments(INDArray weights, int axis, int k) {
        if (axis < 0 || axis >= weights.rank()) {
            throw new IllegalArgumentException("channel axis " + axis + " is outside a rank-" + weights.rank() + " tensor");
        }
        if (k < 0) {
            throw new IllegalArgumentException("split count " + k + " is negative");
        }
    }

    /**
     * Plans plain halving with threshold 0 without building the widened tensor: every halving is exact, so the
     * greedy choice needs only the per-channel maxima (one reduction). {@link #applyHalving} builds the tensor.
     *
     * @param weights the weight tensor; must be finite
     * @param axis    the input-channel axis
     * @param k       number of splits, {@code ≥ 0}
     */
    public static SplitPlan planHalving(INDArray weights, int axis, int k) {
        checkArguments(weights, axis, k);
        requireFinite(weights, "weights");
        double[] initial = weights.amax(Channels.otherAxes(weights.rank(), axis)).toDoubleVector();
        // Halving is exact in floating point, so both copies' maxima are known without a reduction.
        return greedy(initial, k, (j, appended, maxima) -> {
            maxima[j] = maxima[j] / 2.0;
            maxima[appended] = maxima[j];
        });
    }

    /**
     * Builds the tensor of a {@link #planHalving} plan: every copy of channel {@code c} is {@code w_c · 2^-d}, with
     * {@code d} how often it was halved — one concatenation and one broadcast multiply. Bit-identical to repeated
     * halving for every normal float; a subnormal weight ({@code |w| < 1.2e-38}) is rounded once, not {@code d} times.
     */
    public static INDArray applyHalving(INDArray weights, int axis, SplitPlan plan) {
        int channels = plan.originalChannels();
        if (weights.size(axis) != channels) {
            throw new IllegalArgumentException("the plan is for " + channels + " channels but axis " + axis + " has "
                    + weights.size(axis));
        }
        int[] depth = plan.depths();
        INDArray widened = plan.splitCount() == 0 ? weights.dup()
                : Nd4j.concat(axis, weights, Channels.gather(weights, axis, plan.origin()));
        double[] scale = new double[depth.length];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = Math.scalb(1.0, -depth[c]);
        }
        INDArray factors = Nd4j.createFromArray(scale).castTo(weights.dataType());
        Nd4j.getExecutioner().exec(new BroadcastMulOp(widened, factors, widened, axis));
        return widened;
    }

    static SplitResult splitByHalving(INDArray weights, int axis, int k) {
        SplitPlan plan = planHalving(weights, axis, k);
        return new SplitResult(applyHalving(weights, axis, plan), plan);
    }

    /**
     * The general case (threshold > 0, grid-aware halves): the greedy loop replayed on the widened tensor, each
     * split computed from the channel's current slice and the maxima of both copies re-measured.
     */
    static SplitResult splitByReplay(INDArray weights, int axis, int k, SplitOptions options) {
        return splitByReplay(weights, axis, k, options, null);
    }

    /**
     * Grid-aware splitting on one grid per element — per-output-channel scales: each entry {@code w} of a split
     * channel becomes {@code (u/2 ∓ 1/4)/s} with {@code u = w·s} and {@code s} its own entry of {@code scales}, so
     * that round-half-to-even quantization of the two halves on that grid sums to the quantized original.
     *
     * @param weights the weight tensor (not modified); must be finite
     * @param axis    the input-channel axis
     * @param k       number of splits, {@code ≥ 0}
     * @param options threshold and reference quirk (its own grid scale is not used)
     * @param scales  the grid scale of every entry, the shape of {@code weights}, the same along {@code axis} (one
     *                value per output channel, broadcast); every value positive and finite
     */
    public static SplitResult splitOnGrids(INDArray weights, int axis, int k, SplitOptions options, INDArray scales) {
        checkArguments(weights, axis, k);
        requireFinite(weights, "weights");
        if (!Arrays.equals(weights.shape(), scales.shape())) {
            throw new IllegalArgumentException("grid scales of shape " + Arrays.toString(scales.shape())
                    + " for weights of shape " + Arrays.toString(weights.shape()));
        }
        INDArray rowScale = channelMatrix(scales.castTo(weights.dataType()), axis).getRow(0).dup();
        return splitByReplay(weights, axis, k, options, rowScale);
    }

    /** {@code rowScale}: the grid scale of each entry of a channel slice, or null for the options' one scale. */
    private static SplitResult splitByReplay(INDArray weights, int axis, int k, SplitOptions options,
                                             INDArray rowScale) {
        int channels = (int) weights.size(axis);
        INDArray matrix = channelMatrix(weights, axis);
        long rowLength = matrix.size(1);

        INDArray widened = Nd4j.create(weights.dataType(), channels + k, rowLength);
        widened.get(NDArrayIndex.interval(0, channels), NDArrayIndex.all()).assign(matrix);

        SplitPlan plan = greedy(matrix.amax(1).toDoubleVector(), k, (j, appended, maxima) -> {
            INDArray[] halves = splitRow(widened.getRow(j), maxima[j], options, rowScale);
            widened.putRow(appended, halves[1]);
            widened.putRow(j, halves[0]);
            maxima[j] = halves[0].amaxNumber().doubleValue();
            maxima[appended] = halves[1].amaxNumber().doubleValue();
        });
        return new SplitResult(fromChannelMatrix(widened, weights, axis, channels + k), plan);
    }

    /** One split step: splits {@code channel} into itself and {@code appended} and updates both maxima. */
    private interface SplitStep {
        void split(int channel, int appended, double[] maxima);
    }

    /**
     * The greedy loop of spec §2: {@code k} times, split the channel with the largest max|w| (lowest index on
     * ties), an appended copy included.
     *
     * @param initial per-channel max|w| of the original tensor
     */
    private static SplitPlan greedy(double[] initial, int k, SplitStep step) {
        int channels = initial.length;
        double[] maxima = Arrays.copyOf(initial, channels + k);
        double maxBefore = max(initial);
        TreeSet<Integer> order = greedyOrder(maxima, channels);
        int[] splitChannels = new int[k];
        int[] origin = new int[k];
        for (int i = 0; i < k; i++) {
            int j = order.pollFirst();
            int appended = channels + i;
            splitChannels[i] = j;
            origin[i] = j < channels ? j : origin[j - channels];
            step.split(j, appended, maxima);
            order.add(j);
            order.add(appended);
        }
        return new SplitPlan(channels, splitChannels, origin, maxBefore, max(maxima));
    }

    /** Channels by largest max|w| first, lowest index on ties (spec §2 step 2); reads {@code maxima} live. */
    private static TreeSet<Integer> greedyOrder(double[] maxima, int channels) {
        TreeSet<Integer> order = new TreeSet<>((a, b) -> {
            int byMax = Double.compare(maxima[b], maxima[a]);
            return byMax != 0 ? byMax : Integer.compare(a, b);
        });
        for (int c = 0; c < channels; c++) {
            order.add(c);
        }
        return order;
    }

    private static double max(double[] values) {
        double m = 0.0;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
    /**
     * Splits one channel slice in two.
     *
     * @return {kept part (stays at the channel's index), moved part (the appended channel)}
     */
    static INDArray[] splitRow(INDArray row, double maxAbs, SplitOptions options) {
        return splitRow(row, maxAbs, options, null);
    }

    private static INDArray[] splitRow(INDArray row, double maxAbs, SplitOptions options, INDArray rowScale) {
        if (options.splitThreshold() == 0.0 && !options.gridAware() && rowScale == null) {
            INDArray half = row.mul(0.5);
            return new INDArray[] {half, half};
        }
        double threshold = options.splitThreshold()
                * (options.signedMaxThreshold() ? row.maxNumber().doubleValue() : maxAbs);
        INDArray mask = Transforms.abs(row, true).gt(threshold).castTo(row.dataType());
        INDArray lower;
        INDArray upper;
        if (rowScale != null) {
            INDArray s = rowScale.reshape(row.shape());
            INDArray halfU = row.mul(s).muli(0.5);
            lower = halfU.sub(0.25).divi(s);
            upper = halfU.addi(0.25).divi(s);
        } else if (options.gridAware()) {
            double s = options.gridScale();
            INDArray halfU = row.mul(s * 0.5);
            lower = halfU.sub(0.25).divi(s);
            upper = halfU.addi(0.25).divi(s);
        } else {
            lower = row.mul(0.5);
            upper = lower;
        }
        // Products with a 0/1 mask and sums with 0 are exact, so untouched entries keep their bits.
        INDArray notMask = mask.rsub(1.0);
        INDArray kept = lower.mul(mask).addi(row.mul(notMask));
        INDArray moved = upper.mul(mask);
        return new INDArray[] {kept, moved};
    }

    /** Throws if the array holds NaN or an infinity. */
    public static void requireFinite(INDArray array, String what) {
        // One reduction answers the common case: sum|w| is finite unless some entry is NaN or infinite (or the sum
        // overflows, which the exact element checks then rule out).
        if (Double.isFinite(array.norm1Number().doubleValue())) {
            return;
        }
        if (BooleanIndexing.or(array, Conditions.isNan()) || BooleanIndexing.or(array, Conditions.isInfinite())) {
            throw new IllegalArgumentException(what + " contain NaN or infinite values");
        }
    }

    /** The tensor as a c-order {@code [C, rest]} matrix with the channel axis first (a copy). */
    private static INDArray channelMatrix(INDArray weights, int axis) {
        int[] perm = axisFirst(weights.rank(), axis);
        INDArray moved = weights.permute(perm).dup('c');
        return moved.reshape('c', weights.size(axis), weights.length() / weights.size(axis));
    }

    private static INDArray fromChannelMatrix(INDArray matrix, INDArray template, int axis, long newChannels) {
        int rank = template.rank();
        int[] perm = axisFirst(rank, axis);
        long[] permutedShape = new long[rank];
        for (int d = 0; d < rank; d++) {
            permutedShape[d] = template.size(perm[d]);
        }
        permutedShape[0] = newChannels;
        INDArray permuted = matrix.reshape('c', permutedShape);
        int[] inverse = new int[rank];
        for (int d = 0; d < rank; d++) {
            inverse[perm[d]] = d;
        }
        return permuted.permute(inverse).dup(template.ordering());
    }

    private static int[] axisFirst(int rank, int axis) {
        int[] perm = new int[rank];
        perm[0] = axis;
        for (int d = 0, p = 1; d < rank; d++) {
            if (d != axis) {
                perm[p++] = d;
            }
        }
        return perm;
    }
}
