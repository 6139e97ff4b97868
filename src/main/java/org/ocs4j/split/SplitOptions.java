package org.ocs4j.split;

/**
 * How one channel is split in two: which entries are halved (the split threshold) and whether the halves are placed
 * on a quantization grid.
 *
 * @param splitThreshold entries with {@code |w| > splitThreshold · max(slice)} are halved into both copies; the
 *                       others stay whole in the original copy and are 0 in the new one. In [0, 1); the paper's
 *                       default is 0 (every non-zero entry is halved).
 * @param signedMaxThreshold reference quirk: use the signed {@code max(slice)} instead of {@code max|slice|} in the
 *                       threshold (only matters when {@code splitThreshold > 0})
 * @param gridScale      quantization scale {@code s = (2^(b-1) - 1) / α} for grid-aware splitting, or {@code NaN}
 *                       for plain halving. Grid-aware halves of {@code u = w·s} are {@code (u/2 - 1/4)/s} and
 *                       {@code (u/2 + 1/4)/s}, whose round-half-to-even sum is {@code round(u)}.
 */
public record SplitOptions(double splitThreshold, boolean signedMaxThreshold, double gridScale) {

    /** Plain halving, threshold 0: the paper's default. */
    public static final SplitOptions PLAIN = new SplitOptions(0.0, false, Double.NaN);

    public SplitOptions {
        if (!(splitThreshold >= 0.0 && splitThreshold < 1.0)) {
            throw new IllegalArgumentException("split threshold " + splitThreshold + " is outside [0, 1)");
        }
        if (!Double.isNaN(gridScale) && !(gridScale > 0.0 && Double.isFinite(gridScale))) {
            throw new IllegalArgumentException("grid scale " + gridScale + " must be a positive finite number (or NaN for plain halving)");
        }
    }

    /** @return true when the halves are placed on the quantization grid (a scale is known) */
    public boolean gridAware() {
        return !Double.isNaN(gridScale);
    }

    /** @return these options with grid-aware splitting on the given scale */
    public SplitOptions withGridScale(double scale) {
        return new SplitOptions(splitThreshold, signedMaxThreshold, scale);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SplitOptions[threshold=").append(splitThreshold);
        if (signedMaxThreshold) sb.append(", signedMaxThreshold");
        sb.append(gridAware() ? ", gridScale=" + gridScale : ", plain halving");
        return sb.append(']').toString();
    }
}
