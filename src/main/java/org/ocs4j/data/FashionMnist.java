package org.ocs4j.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from its four gzipped IDX files (Debian package {@code dataset-fashion-mnist}, or any folder
 * holding {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}, {@code t10k-…}). Images become
 * {@code [N, 1, 28, 28]} floats in [0, 1] ({@code x/255}), labels one-hot {@code [N, 10]}.
 */
public final class FashionMnist {

    /** Where the Debian package installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The ten class names, index 0..9. */
    public static final String[] CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot"};

    private FashionMnist() {
    }

    /** @return the training split (60,000 images) from {@code dir} */
    public static DataSet train(Path dir) {
        return load(dir, "train");
    }

    /** @return the test split (10,000 images) from {@code dir} */
    public static DataSet test(Path dir) {
        return load(dir, "t10k");
    }

    private static DataSet load(Path dir, String split) {
        Path images = dir.resolve(split + "-images-idx3-ubyte.gz");
        Path labels = dir.resolve(split + "-labels-idx1-ubyte.gz");
        for (Path p : new Path[] {images, labels}) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("Fashion-MNIST file " + p + " is missing: install it with"
                        + " 'apt-get install -y dataset-fashion-mnist' (files in " + DEBIAN_DIR
                        + ") or point ocs4j at a folder holding the four *-ubyte.gz files");
            }
        }
        try {
            byte[] pixels = idx(images, 2051);
            byte[] classes = idx(labels, 2049);
            int n = classes.length;
            if (pixels.length != n * 28 * 28) {
                throw new IllegalArgumentException(images + " holds " + pixels.length + " pixels, not " + n + " 28×28 images");
            }
            INDArray x = unsignedBytes(pixels).reshape(n, 1, 28, 28).divi(255.0);
            INDArray y = Nd4j.exec(new OneHot(unsignedBytes(classes).castTo(DataType.INT), 10, -1, 1.0, 0.0))[0]
                    .castTo(DataType.FLOAT);
            return new DataSet(x, y);
        } catch (IOException e) {
            throw new IllegalArgumentException("Fashion-MNIST file in " + dir + " could not be read: " + e.getMessage(), e);
        }
    }

    /** Bytes 0..255 as floats, with ND4J ops (Java bytes are signed). */
    private static INDArray unsignedBytes(byte[] bytes) {
        INDArray signed = Nd4j.createFromArray(bytes).castTo(DataType.FLOAT);
        return signed.addi(signed.lt(0).castTo(DataType.FLOAT).muli(256));
    }

    /** The payload of an IDX file after checking its magic number and dimensions. */
    private static byte[] idx(Path file, int magic) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            int m = in.readInt();
            if (m != magic) {
                throw new IllegalArgumentException(file + " has IDX magic " + m + ", expected " + magic);
            }
            int dims = m & 0xff;
            long size = 1;
            for (int d = 0; d < dims; d++) {
                size *= in.readInt();
            }
            byte[] data = new byte[(int) size];
            in.readFully(data);
            return data;
        }
    }
}
