package org.ocs4j.data;

import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.BaseImageTransform;

import java.util.Random;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * DataVec image transform: resize (bilinear) so the shorter side is {@code shorterSide}, keeping the aspect ratio,
 * then cut the central {@code height × width} window — the standard ImageNet evaluation geometry.
 */
final class ShorterSideCenterCrop extends BaseImageTransform<Mat> {

    private final int shorterSide;
    private final int height;
    private final int width;

    ShorterSideCenterCrop(int shorterSide, int height, int width) {
        super(null);
        this.shorterSide = shorterSide;
        this.height = height;
        this.width = width;
        this.converter = new OpenCVFrameConverter.ToMat();
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) {
        if (image == null) {
            return null;
        }
        Mat mat = converter.convert(image.getFrame());
        int rows = mat.rows();
        int cols = mat.cols();
        double scale = (double) shorterSide / Math.min(rows, cols);
        int newRows = Math.max(height, (int) Math.round(rows * scale));
        int newCols = Math.max(width, (int) Math.round(cols * scale));
        Mat resized = new Mat();
        resize(mat, resized, new Size(newCols, newRows), 0, 0, INTER_LINEAR);
        Mat cropped = resized.apply(new Rect((newCols - width) / 2, (newRows - height) / 2, width, height)).clone();
        return new ImageWritable(converter.convert(cropped));
    }

    @Override
    public float[] query(float... coordinates) {
        throw new UnsupportedOperationException("coordinate queries are not needed for classification");
    }
}
