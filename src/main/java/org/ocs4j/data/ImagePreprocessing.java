package org.ocs4j.data;

import org.deeplearning4j.nn.conf.CNN2DFormat;

/**
 * How image files become network input: the geometry (resize the shorter side then center-crop, as the standard
 * ImageNet evaluation does, or resize directly to the input size), the {@link Normalization} and the tensor layout
 * (NCHW for DL4J models, NHWC for Keras and TensorFlow imports).
 *
 * @param resizeShorterSide the shorter side's length before the center crop, or 0 to resize directly to
 *                          {@code height × width} (aspect not kept)
 * @param height            output height
 * @param width             output width
 * @param normalization     pixel normalization and colour order
 * @param layout            NCHW or NHWC
 */
public record ImagePreprocessing(int resizeShorterSide, int height, int width, Normalization normalization,
                                 CNN2DFormat layout) {

    public ImagePreprocessing {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size " + height + "×" + width + " must be positive");
        }
        if (resizeShorterSide != 0 && resizeShorterSide < Math.max(height, width)) {
            throw new IllegalArgumentException("shorter side " + resizeShorterSide + " is smaller than the "
                    + height + "×" + width + " crop");
        }
        if (normalization == null || layout == null) {
            throw new IllegalArgumentException("normalization and layout are required");
        }
    }

    /**
     * The standard ImageNet validation geometry: shorter side to {@code round(size / 0.875)} (256 for 224), then a
     * {@code size × size} center crop; NCHW.
     */
    public static ImagePreprocessing resizeAndCenterCrop(int size, Normalization normalization) {
        return new ImagePreprocessing((int) Math.round(size / 0.875), size, size, normalization, CNN2DFormat.NCHW);
    }

    /** Resize straight to {@code height × width} (bilinear, aspect not kept); NCHW. */
    public static ImagePreprocessing resize(int height, int width, Normalization normalization) {
        return new ImagePreprocessing(0, height, width, normalization, CNN2DFormat.NCHW);
    }

    /** @return the same preprocessing with NHWC (channels-last) output */
    public ImagePreprocessing channelsLast() {
        return new ImagePreprocessing(resizeShorterSide, height, width, normalization, CNN2DFormat.NHWC);
    }

    /** @return the same preprocessing with the given layout */
    public ImagePreprocessing withLayout(CNN2DFormat format) {
        return new ImagePreprocessing(resizeShorterSide, height, width, normalization, format);
    }

    /** @return a one-line description for reports, e.g. {@code "shorter side 256, center crop 224×224, TF, NCHW"} */
    public String describe() {
        String geometry = resizeShorterSide > 0
                ? "shorter side " + resizeShorterSide + ", center crop " + height + "×" + width
                : "resize to " + height + "×" + width;
        return geometry + ", " + normalization + " normalization, " + layout;
    }

    @Override
    public String toString() {
        return describe();
    }
}
