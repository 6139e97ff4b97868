package org.ocs4j.quant;

import java.util.Locale;

/**
 * A clip method with its parameter: {@code MAX} with its factor {@code c}, {@code PERCENTILE} with {@code p}; the
 * other methods take none ({@code NaN}). Parsed from and printed as {@code mse}, {@code max:0.9},
 * {@code percentile:99.9}.
 *
 * @param method    the estimator
 * @param parameter {@code c} in (0, 1] for MAX, {@code p} in (0, 100] for PERCENTILE, NaN otherwise
 */
public record Clip(ClipMethod method, double parameter) {

    /** No clipping: α = max|x|. */
    public static final Clip NONE = new Clip(ClipMethod.NONE, Double.NaN);

    public Clip {
        if (method == null) {
            throw new IllegalArgumentException("clip method is required");
        }
        switch (method) {
            case MAX -> {
                if (!(parameter > 0.0 && parameter <= 1.0)) {
                    throw new IllegalArgumentException("MAX clip factor " + parameter + " is outside (0, 1]");
                }
            }
            case PERCENTILE -> {
                if (!(parameter > 0.0 && parameter <= 100.0)) {
                    throw new IllegalArgumentException("percentile " + parameter + " is outside (0, 100]");
                }
            }
            default -> parameter = Double.NaN;
        }
    }

    /** @return {@code method} with its default parameter (MAX: c = 1, PERCENTILE: 99.99) */
    public static Clip of(ClipMethod method) {
        return switch (method) {
            case MAX -> new Clip(method, 1.0);
            case PERCENTILE -> new Clip(method, 99.99);
            default -> new Clip(method, Double.NaN);
        };
    }

    /**
     * Parses {@code none|max[:c]|mse|aciq|kl|percentile[:p]} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the text when it is not a clip method
     */
    public static Clip parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", 2);
        ClipMethod method;
        try {
            method = ClipMethod.valueOf(parts[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown clip method \"" + text
                    + "\"; choose none, max[:c], mse, aciq, kl or percentile[:p]");
        }
        if (parts.length == 1) {
            return of(method);
        }
        if (method != ClipMethod.MAX && method != ClipMethod.PERCENTILE) {
            throw new IllegalArgumentException("clip method " + parts[0] + " takes no parameter (\"" + text + "\")");
        }
        try {
            return new Clip(method, Double.parseDouble(parts[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("clip parameter \"" + parts[1] + "\" in \"" + text
                    + "\" is not a number");
        }
    }

    /** @return α and the estimated error of this clip for a tensor's statistics on a {@code bits}-bit grid */
    public ClipResult estimate(TensorStatistics s, int bits) {
        return switch (method) {
            case MAX -> ClipEstimators.max(s, bits, parameter);
            case PERCENTILE -> ClipEstimators.percentile(s, bits, parameter);
            default -> ClipEstimators.estimate(method, s, bits);
        };
    }

    /** @return {@code mse}, {@code max:0.9}, {@code percentile:99.99}: what {@link #parse} reads */
    @Override
    public String toString() {
        String name = method.name().toLowerCase(Locale.ROOT);
        return Double.isNaN(parameter) ? name : name + ":" + trim(parameter);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
