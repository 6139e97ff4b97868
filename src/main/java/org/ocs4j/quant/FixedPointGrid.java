package org.ocs4j.quant;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Rint;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A linear, symmetric fixed-point grid. For clip value {@code α > 0} the scale is
 * {@code s = maxCode / α}; a value {@code x} is coded as {@code q = clamp(rint(x·s), minCode, maxCode)} and
 * simulated as {@code q / s}. Rounding is round-half-to-even (IEEE {@code rint}, what the reference gets from
 * {@code torch.round}); arithmetic is in the array's own data type, with ND4J ops only.
 *
 * <p>Signed grids are {@code [-2^(b-1), 2^(b-1) - 1]}; unsigned grids (for activations whose calibrated minimum is
 * ≥ 0) are {@code [0, 2^b - 1]}.
 *
 * @param bits   bit width, 2..16
 * @param signed signed or unsigned codes
 */
public record FixedPointGrid(int bits, boolean signed) {

    public FixedPointGrid {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("bit width " + bits + " is outside 2..16");
        }
    }

    /** @return the signed grid of {@code bits} bits */
    public static FixedPointGrid signed(int bits) {
        return new FixedPointGrid(bits, true);
    }

    /** @return the unsigned grid of {@code bits} bits */
    public static FixedPointGrid unsigned(int bits) {
        return new FixedPointGrid(bits, false);
    }

    /** @return the smallest code: {@code -2^(b-1)} signed, 0 unsigned */
    public long minCode() {
        return signed ? -(1L << (bits - 1)) : 0L;
    }

    /** @return the largest code: {@code 2^(b-1) - 1} signed, {@code 2^b - 1} unsigned */
    public long maxCode() {
        return signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
    }

    /**
     * @param alpha clip value, finite and {@code > 0}
     * @return the scale {@code maxCode / α} (codes per unit)
     */
    public double scale(double alpha) {
        if (!(alpha > 0.0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("clip value " + alpha + " must be finite and > 0");
        }
        return maxCode() / alpha;
    }

    /** @return the integer codes of {@code x} (as {@code x}'s data type), per tensor; {@code x} is not modified */
    public INDArray quantize(INDArray x, double alpha) {
        return clampCodes(rint(x.mul(scale(alpha))));
    }

    /** @return {@code q / s}: {@code x} as the fixed-point arithmetic sees it, per tensor */
    public INDArray fakeQuantize(INDArray x, double alpha) {
        return quantize(x, alpha).divi(scale(alpha));
    }

    /**
     * Per-channel codes: channel {@code c} along {@code axis} uses its own clip value {@code alphas[c]}.
     */
    public INDArray quantizePerChannel(INDArray x, int axis, double[] alphas) {
        INDArray scales = scales(x, axis, alphas);
        INDArray scaled = x.dup();
        Nd4j.getExecutioner().exec(new BroadcastMulOp(scaled, scales, scaled, axis));
        return clampCodes(rint(scaled));
    }

    /** Per-channel {@code q / s}, each channel with its own scale. */
    public INDArray fakeQuantizePerChannel(INDArray x, int axis, double[] alphas) {
        INDArray codes = quantizePerChannel(x, axis, alphas);
        Nd4j.getExecutioner().exec(new BroadcastDivOp(codes, scales(x, axis, alphas), codes, axis));
        return codes;
    }

    private INDArray scales(INDArray x, int axis, double[] alphas) {
        if (alphas.length != x.size(axis)) {
            throw new IllegalArgumentException(alphas.length + " clip values for " + x.size(axis) + " channels on axis "
                    + axis);
        }
        double[] s = new double[alphas.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = scale(alphas[c]);
        }
        return Nd4j.createFromArray(s).castTo(x.dataType());
    }

    private static INDArray rint(INDArray x) {
        return Nd4j.getExecutioner().exec(new Rint(x, x));
    }

    private INDArray clampCodes(INDArray codes) {
        Transforms.max(codes, minCode(), false);
        return Transforms.min(codes, maxCode(), false);
    }

    @Override
    public String toString() {
        return (signed ? "signed " : "unsigned ") + bits + "-bit [" + minCode() + ", " + maxCode() + "]";
    }
}
