package org.ocs4j.sweep;

import org.ocs4j.quant.Clip;
import org.ocs4j.quant.ClipMethod;
import org.ocs4j.pipeline.OcsConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One column of a sweep table: how the weights are quantized. Written and parsed as
 * <ul>
 *   <li>{@code none}, {@code max:0.9}, {@code mse}, {@code aciq}, {@code kl}, {@code percentile:99.9} — a clip
 *       method alone, per-tensor scales;</li>
 *   <li>{@code per-channel} or {@code per-channel+mse} — one scale per output channel;</li>
 *   <li>{@code ocs:0.02}, {@code ocs:0.02+mse}, {@code ocs:0.02:plain} — weight OCS at expand ratio 0.02,
 *       grid-aware (default) or plain halving, optionally followed by a clip method;</li>
 *   <li>{@code ocs+best} — OCS + best clip: in each row, the expand ratio of the grid-aware OCS column and the clip
 *       method of the clipping column with the lowest output error against FP32 on the calibration data (never
 *       chosen on the scored data).</li>
 * </ul>
 *
 * @param clip        the weight clip ({@code null} for {@code ocs+best}, resolved per row)
 * @param expandRatio weight OCS expand ratio, 0 for none (NaN for {@code ocs+best})
 * @param gridAware   grid-aware splitting (only meaningful with OCS)
 * @param perChannel  per-output-channel scales
 * @param bestOfRow   the {@code ocs+best} column
 */
public record Column(Clip clip, double expandRatio, boolean gridAware, boolean perChannel, boolean bestOfRow) {

    /** The {@code ocs+best} column. */
    public static final Column OCS_BEST = new Column(null, Double.NaN, true, false, true);

    /** The paper's table: no clip, MSE, ACIQ, KL, OCS r = 0.01 / 0.02 / 0.05, OCS + best clip. */
    public static final List<Column> PAPER = parseList("none,mse,aciq,kl,ocs:0.01,ocs:0.02,ocs:0.05,ocs+best");

    public Column {
        if (!bestOfRow) {
            if (clip == null) {
                throw new IllegalArgumentException("a sweep column needs a clip method");
            }
            if (perChannel && expandRatio > 0) {
                throw new IllegalArgumentException("per-channel scales with OCS are not a sweep column");
            }
        }
    }

    /** @return the clip-only column of {@code clip} (per-tensor, no OCS) */
    public static Column clipOnly(Clip clip) {
        return new Column(clip, 0, true, false, false);
    }

    /** @return OCS at {@code r} followed by {@code clip} */
    public static Column ocs(double r, Clip clip, boolean gridAware) {
        if (!(r > 0)) {
            throw new IllegalArgumentException("an OCS column needs an expand ratio in (0, 1], not " + r);
        }
        org.ocs4j.split.ChannelSplitter.requireRatio("expand ratio", r);
        return new Column(clip, r, gridAware, false, false);
    }

    /**
     * Parses one column (see the type's documentation).
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Column parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("ocs+best")) {
                return OCS_BEST;
            }
            if (t.startsWith("per-channel")) {
                String rest = t.substring("per-channel".length());
                Clip clip = rest.isEmpty() ? Clip.NONE : Clip.parse(after(rest, '+', text));
                return new Column(clip, 0, true, true, false);
            }
            if (t.startsWith("ocs:")) {
                String rest = t.substring(4);
                String clipText = null;
                int plus = rest.indexOf('+');
                if (plus >= 0) {
                    clipText = rest.substring(plus + 1);
                    rest = rest.substring(0, plus);
                }
                boolean grid = true;
                if (rest.endsWith(":plain")) {
                    grid = false;
                    rest = rest.substring(0, rest.length() - ":plain".length());
                }
                double r = Double.parseDouble(rest);
                return ocs(r, clipText == null ? Clip.NONE : Clip.parse(clipText), grid);
            }
            return clipOnly(Clip.parse(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sweep column \"" + text + "\" is not understood (" + e.getMessage()
                    + "); use none, max:C, mse, aciq, kl, percentile:P, per-channel[+CLIP], ocs:R[:plain][+CLIP]"
                    + " or ocs+best", e);
        }
    }

    private static String after(String rest, char sep, String text) {
        if (rest.charAt(0) != sep) {
            throw new IllegalArgumentException("expected '" + sep + "' in \"" + text + "\"");
        }
        return rest.substring(1);
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
        return !bestOfRow && expandRatio == 0 && !perChannel && clip.method() != ClipMethod.NONE;
    }

    /** @return whether this is an OCS column whose ratio {@code ocs+best} may pick (grid-aware, no clip) */
    public boolean ocsCandidate() {
        return !bestOfRow && expandRatio > 0 && gridAware && clip.method() == ClipMethod.NONE;
    }

    /** @return the same column with plain halving instead of grid-aware splitting */
    public Column plain() {
        return new Column(clip, expandRatio, false, perChannel, bestOfRow);
    }

    /**
     * The configuration of this column in row {@code (weightBits, activationBits)}: {@code base} with the row's bit
     * widths and this column's weight clip, scales and OCS.
     *
     * @throws IllegalStateException for {@code ocs+best}, which is resolved per row first
     * @throws IllegalArgumentException when the result is not a valid configuration (an expand ratio above 1, say)
     */
    public OcsConfig config(OcsConfig base, int weightBits, int activationBits) {
        if (bestOfRow) {
            throw new IllegalStateException("ocs+best is resolved per row before it is run");
        }
        return base.toBuilder().weightBits(weightBits).activationBits(activationBits).weightClip(clip)
                .perChannel(perChannel).expandRatio(expandRatio).gridAware(gridAware).build();
    }

    /** @return the identifier {@link #parse} reads back, e.g. {@code ocs:0.02+mse} */
    public String id() {
        if (bestOfRow) return "ocs+best";
        if (perChannel) return clip.method() == ClipMethod.NONE ? "per-channel" : "per-channel+" + clip;
        if (expandRatio > 0) {
            return "ocs:" + expandRatio + (gridAware ? "" : ":plain")
                    + (clip.method() == ClipMethod.NONE ? "" : "+" + clip);
        }
        return clip.toString();
    }

    /** @return the table header, e.g. {@code no clip}, {@code MSE}, {@code OCS 0.02}, {@code OCS + best clip} */
    public String label() {
        if (bestOfRow) return "OCS + best clip";
        String clipLabel = clipLabel(clip);
        if (perChannel) return clip.method() == ClipMethod.NONE ? "per-channel" : "per-channel + " + clipLabel;
        if (expandRatio > 0) {
            return "OCS " + expandRatio + (gridAware ? "" : " plain")
                    + (clip.method() == ClipMethod.NONE ? "" : " + " + clipLabel);
        }
        return clipLabel;
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
