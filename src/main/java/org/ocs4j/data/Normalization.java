package org.ocs4j.data;

/**
 * Per-model pixel normalization, applied to 0..255 pixels as {@code (x − mean_c) / std_c} in the given colour
 * order. Which one a model needs is part of the model, not of the data: using the wrong one silently costs accuracy.
 */
public enum Normalization {
    /** Raw 0..255 RGB pixels. */
    NONE(false, new double[]{0, 0, 0}, new double[]{1, 1, 1}),
    /** {@code x / 255}, RGB (Keras models trained on [0, 1] input, e.g. the CIFAR-10 ResNet-20). */
    UNIT(false, new double[]{0, 0, 0}, new double[]{255, 255, 255}),
    /** TensorFlow / TF-slim Inception style {@code (x − 127.5) / 127.5}, RGB, range [−1, 1] (MobileNet). */
    TF(false, new double[]{127.5, 127.5, 127.5}, new double[]{127.5, 127.5, 127.5}),
    /** torchvision {@code (x/255 − mean) / std} with mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225), RGB. */
    TORCH(false, new double[]{0.485 * 255, 0.456 * 255, 0.406 * 255},
            new double[]{0.229 * 255, 0.224 * 255, 0.225 * 255}),
    /** Caffe / Keras "caffe" mode: BGR order, mean (103.939, 116.779, 123.68) subtracted, no scaling (VGG, ResNet50). */
    CAFFE(true, new double[]{103.939, 116.779, 123.68}, new double[]{1, 1, 1});

    private final boolean bgr;
    private final double[] mean;
    private final double[] std;

    Normalization(boolean bgr, double[] mean, double[] std) {
        this.bgr = bgr;
        this.mean = mean;
        this.std = std;
    }

    /** @return true when the model expects blue, green, red channel order */
    public boolean bgr() {
        return bgr;
    }

    /** @return per-channel mean on the 0..255 scale, in the model's channel order */
    public double[] mean() {
        return mean.clone();
    }

    /** @return per-channel divisor on the 0..255 scale, in the model's channel order */
    public double[] std() {
        return std.clone();
    }
}
