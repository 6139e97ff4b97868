package org.ocs4j.sweep;

/**
 * One row of a sweep table: the bit widths, or the FP32 reference.
 *
 * @param weightBits     weight bits, 2..16 (0 for FP32)
 * @param activationBits activation bits, 2..16, or 0 for FP32 activations
 */
public record Row(int weightBits, int activationBits) {

    /** The FP32 reference row. */
    public static final Row FP32 = new Row(0, 0);

    /** @return whether this is the FP32 reference */
    public boolean fp32() {
        return weightBits == 0;
    }

    /** @return {@code FP32}, {@code W8A8}, {@code W6A32}… */
    public String label() {
        return fp32() ? "FP32" : "W" + weightBits + "A" + (activationBits == 0 ? "32" : String.valueOf(activationBits));
    }

    @Override
    public String toString() {
        return label();
    }
}
