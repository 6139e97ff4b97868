package org.ocs4j.graph;

import org.deeplearning4j.nn.conf.inputs.InputType;

import java.util.Arrays;

/**
 * The shape of one network input without the batch dimension, written {@code C,H,W} for images whatever the
 * network's layout ({@link #withBatch(long, boolean)} gives a channels-last network its {@code [B, H, W, C]}), and
 * {@code N} for feature vectors or a sequence of {@code N} token ids.
 */
public record InputShape(long[] dims) {

    public InputShape {
        if (dims == null || (dims.length != 1 && dims.length != 3)) {
            throw new IllegalArgumentException("an input shape is C,H,W (images) or N (features), got "
                    + (dims == null ? "nothing" : Arrays.toString(dims)));
        }
        for (long d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("input shape " + Arrays.toString(dims) + " has a dimension < 1");
            }
        }
        dims = dims.clone();
    }

    /** @return the shape of {@code C,H,W} or {@code N} */
    public static InputShape of(long... dims) {
        return new InputShape(dims);
    }

    /** @return the shape written as {@code "3,224,224"} */
    public static InputShape parse(String text) {
        try {
            return new InputShape(Arrays.stream(text.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("input shape \"" + text + "\" is not C,H,W or N (comma-separated integers)");
        }
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** @return DL4J's input type for this shape (channels first; {@link NetworkGraph} turns it to a model's layout) */
    public InputType toInputType() {
        return dims.length == 3 ? InputType.convolutional(dims[1], dims[2], dims[0]) : InputType.feedForward(dims[0]);
    }

    /** @return the full array shape with a batch dimension in front (channels first) */
    public long[] withBatch(long batch) {
        return withBatch(batch, false);
    }

    /** @return the full array shape with a batch dimension in front: {@code [B, H, W, C]} for channels-last images */
    public long[] withBatch(long batch, boolean channelsLast) {
        if (dims.length == 3 && channelsLast) {
            return new long[] {batch, dims[1], dims[2], dims[0]};
        }
        long[] s = new long[dims.length + 1];
        s[0] = batch;
        System.arraycopy(dims, 0, s, 1, dims.length);
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputShape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.stream(dims).mapToObj(Long::toString).reduce((a, b) -> a + "," + b).orElse("");
    }
}
