package org.ocs4j.sweep;

import org.ocs4j.quant.Clip;
import org.ocs4j.quant.ClipMethod;
import org.ocs4j.pipeline.OcsConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One column of a sweep table: how the weights are quantized. Written and parsed as {@code +}-joined parts, each
 * at most once, in any order (written back in the order below):
 * <ul>
 *   <li>{@code fold} — batch norms folded into the layer before them first (the deployed model);</li>
 *   <li>{@code cle} — cross-layer equalization (folds batch norms too; ReLU6 on equalized paths becomes ReLU);</li>
 *   <li>{@code per-channel} — one scale per output channel (per tensor without it);</li>
 *   <li>{@code ocs:0.02}, {@code ocs:0.02:plain} — weight OCS at expand ratio 0.02, grid-aware (default) or plain
 *       halving; {@code ocs-budget:0.02} — budgeted OCS: the extra weights of {@code ocs:0.02}, handed out where the
 *       predicted output error falls most;</li>
 *   <li>a clip method: {@code none}, {@code max:0.9}, {@code mse}, {@code aciq}, {@code kl}, {@code percentile:99.9}
 *       ({@code none} when left out);</li>
 *   <li>{@code bc} — bias correction after weight quantization;</li>
 *   <li>{@code mixed} — mixed precision: the row's weight bits become the average bits per weight, each layer's
 *       own width chosen by its sensitivity on the calibration data;</li>
 * </ul>
 * e.g. {@code mse}, {@code per-channel+mse}, {@code ocs:0.02+mse}, {@code fold+per-channel+ocs:0.02+bc}; and
 * {@code ocs+best} — OCS + best clip: in each row, the expand ratio of the grid-aware per-tensor OCS column and the
 * clip method of the per-tensor clipping column (both unfolded, no bias correction) with the lowest output error
 * against FP32 on the calibration data (never chosen on the scored data).
 *
 * @param clip           the weight clip ({@code null} for {@code ocs+best}, resolved per row)
 * @param expandRatio    weight OCS expand ratio, 0 for none (NaN for {@code ocs+best})
 * @param gridAware      grid-aware splitting (only meaningful with OCS)
 * @param perChannel     per-output-channel scales
 * @param bestOfRow      the {@code ocs+best} column
 * @param foldBatchNorm  batch norms folded before quantizing
 * @param biasCorrection biases corrected after weight quantization
 * @param equalize       cross-layer equalization before OCS
 * @param budgeted       the expand ratio is a budget ({@code ocs-budget:R}), not a uniform ratio
 * @param mixedPrecision per-layer weight widths under the row's bits as average ({@code mixed})
 */
public record Column(Clip clip, double expandRatio, boolean gridAware, boolean perChannel, boolean bestOfRow,
                     boolean foldBatchNorm, boolean biasCorrection, boolean equalize, boolean budgeted,
                     boolean mixedPrecision) {

    /** The {@code ocs+best} column. */
    public static final Column OCS_BEST = new Column(null, Double.NaN, true, false, true, false, false, false, false,
            false);

    /** The paper's table: no clip, MSE, ACIQ, KL, OCS r = 0.01 / 0.02 / 0.05, OCS + best clip. */
    public static final List<Column> PAPER = parseList("none,mse,aciq,kl,ocs:0.01,ocs:0.02,ocs:0.05,ocs+best");

    private static final String FORMS = "+-joined parts fold, cle, per-channel, ocs:R[:plain] or ocs-budget:R[:plain], a clip method (none, max:C,"
            + " mse, aciq, kl, percentile:P), bc and mixed, or ocs+best";

    public Column {
        if (!bestOfRow && clip == null) {
            throw new IllegalArgumentException("a sweep column needs a clip method");
        }
    }

    /** @return the clip-only column of {@code clip} (per-tensor, no OCS) */
    public static Column clipOnly(Clip clip) {
        return new Column(clip, 0, true, false, false, false, false, false, false, false);
    }

    /** @return OCS at {@code r} followed by {@code clip} (per tensor, unfolded) */
    public static Column ocs(double r, Clip clip, boolean gridAware) {
        if (!(r > 0)) {
            throw new IllegalArgumentException("an OCS column needs an expand ratio in (0, 1], not " + r);
        }
        org.ocs4j.split.ChannelSplitter.requireRatio("expand ratio", r);
        return new Column(clip, r, gridAware, false, false, false, false, false, false, false);
    }

    /**
     * Parses one column (see the type's documentation).
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Column parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("ocs+best")) {
            return OCS_BEST;
        }
        try {
            Clip clip = null;
            double r = 0;
            boolean grid = true;
            boolean perChannel = false;
            boolean fold = false;
            boolean bc = false;
            boolean cle = false;
            boolean budget = false;
            boolean mixed = false;
            for (String part : t.split("\\+", -1)) {
                if (part.equals("fold") && !fold) {
                    fold = true;
                } else if (part.equals("cle") && !cle) {
                    cle = true;
                } else if (part.equals("bc") && !bc) {
                    bc = true;
                } else if (part.equals("mixed") && !mixed) {
                    mixed = true;
                } else if (part.equals("per-channel") && !perChannel) {
                    perChannel = true;
                } else if ((part.startsWith("ocs:") || part.startsWith("ocs-budget:")) && r == 0) {
                    budget = part.startsWith("ocs-budget:");
                    String ratio = part.substring(part.indexOf(':') + 1);
                    if (ratio.endsWith(":plain")) {
                        grid = false;
                        ratio = ratio.substring(0, ratio.length() - ":plain".length());
                    }
                    r = ocs(Double.parseDouble(ratio), Clip.NONE, grid).expandRatio();
                } else if (clip == null && !part.isEmpty() && !part.startsWith("ocs")) {
                    clip = Clip.parse(part);
                } else {
                    throw new IllegalArgumentException("part \"" + part + "\" is unknown, empty or repeated");
                }
            }
            return new Column(clip == null ? Clip.NONE : clip, r, grid, perChannel, false, fold && !cle, bc, cle,
                    budget, mixed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sweep column \"" + text + "\" is not understood (" + e.getMessage()
                    + "); use " + FORMS, e);
        }
    }

    /** Parses a comma-separated list of columns, in order. */
    public static List<Column> parseList(String text) {
        List<Column> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) out.add(parse(part));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no sweep column given in \"" + text + "\"");
        }
        return List.copyOf(out);
    }

    /** @return whether this column splits channels */
    public boolean ocs() {
        return bestOfRow || expandRatio > 0;
    }

    /** @return whether this is a clipping column that {@code ocs+best} may pick (a clip other than none, no OCS) */
    public boolean clipCandidate() {
        return !bestOfRow && expandRatio == 0 && plainLayout() && clip.method() != ClipMethod.NONE;
    }

    /** @return whether this is an OCS column whose ratio {@code ocs+best} may pick (grid-aware, no clip) */
    public boolean ocsCandidate() {
        return !bestOfRow && expandRatio > 0 && !budgeted && gridAware && plainLayout()
                && clip.method() == ClipMethod.NONE;
    }

    /** Per tensor, unfolded, no bias correction: the layout of the paper's columns. */
    private boolean plainLayout() {
        return !perChannel && !foldBatchNorm && !biasCorrection && !equalize && !mixedPrecision;
    }

    /** @return the same column with plain halving instead of grid-aware splitting */
    public Column plain() {
        return new Column(clip, expandRatio, false, perChannel, bestOfRow, foldBatchNorm, biasCorrection, equalize,
                budgeted, mixedPrecision);
    }

    /**
     * The configuration of this column in row {@code (weightBits, activationBits)}: {@code base} with the row's bit
     * widths and this column's weight clip, scales, OCS, folding and bias correction (either set in {@code base}
     * stays on).
     *
     * @throws IllegalStateException for {@code ocs+best}, which is resolved per row first
     * @throws IllegalArgumentException when the result is not a valid configuration (an expand ratio above 1, say)
     */
    public OcsConfig config(OcsConfig base, int weightBits, int activationBits) {
        if (bestOfRow) {
            throw new IllegalStateException("ocs+best is resolved per row before it is run");
        }
        return base.toBuilder().weightBits(weightBits).activationBits(activationBits).weightClip(clip)
                .perChannel(perChannel).expandRatio(budgeted ? 0 : expandRatio)
                .budgetedExpandRatio(budgeted ? expandRatio : 0).gridAware(gridAware)
                .foldBatchNorm(base.foldBatchNorm() || foldBatchNorm)
                .biasCorrection(base.biasCorrection() || biasCorrection).equalize(base.equalize() || equalize)
                .mixedPrecision(base.mixedPrecision() || mixedPrecision).build();
    }

    /** @return the identifier {@link #parse} reads back, e.g. {@code ocs:0.02+mse} */
    public String id() {
        if (bestOfRow) return "ocs+best";
        List<String> parts = new ArrayList<>();
        if (foldBatchNorm) parts.add("fold");
        if (equalize) parts.add("cle");
        if (perChannel) parts.add("per-channel");
        if (expandRatio > 0) {
            parts.add((budgeted ? "ocs-budget:" : "ocs:") + expandRatio + (gridAware ? "" : ":plain"));
        }
        if (clip.method() != ClipMethod.NONE || parts.isEmpty() && !biasCorrection && !mixedPrecision) {
            parts.add(clip.toString());
        }
        if (biasCorrection) parts.add("bc");
        if (mixedPrecision) parts.add("mixed");
        return String.join("+", parts);
    }

    /** @return the table header, e.g. {@code no clip}, {@code MSE}, {@code OCS 0.02}, {@code fold + OCS 0.02 + BC} */
    public String label() {
        if (bestOfRow) return "OCS + best clip";
        List<String> parts = new ArrayList<>();
        if (foldBatchNorm) parts.add("fold");
        if (equalize) parts.add("CLE");
        if (perChannel) parts.add("per-channel");
        if (expandRatio > 0) parts.add((budgeted ? "OCS budget " : "OCS ") + expandRatio + (gridAware ? "" : " plain"));
        if (clip.method() != ClipMethod.NONE || parts.isEmpty() && !mixedPrecision) parts.add(clipLabel(clip));
        if (biasCorrection) parts.add("BC");
        if (mixedPrecision) parts.add("mixed precision");
        return String.join(" + ", parts);
    }

    private static String clipLabel(Clip clip) {
        return switch (clip.method()) {
            case NONE -> "no clip";
            case MAX -> "MAX " + clip.toString().substring(4);
            case PERCENTILE -> "P" + clip.toString().substring(11);
            default -> clip.method().name();
        };
    }

    @Override
    public String toString() {
        return id();
    }
}
