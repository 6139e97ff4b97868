package org.ocs4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.testing.SharedData;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DataVec image loaders on the real layouts and on synthetic images whose expected pixels are known. */
@org.junit.jupiter.api.Tag("data")
class ImageDataTest {

    @Test
    void cifar10ClassFoldersHoldTenThousandImagesInClassOrder() {
        LabelledImages images = Cifar10.classFolders(SharedData.require("cifar10/test"));
        assertEquals(10_000, images.size());
        assertEquals(10, images.numClasses());
        int[] perClass = new int[10];
        for (int i = 0; i < images.size(); i++) {
            perClass[images.labels()[i]]++;
            assertEquals(Cifar10.CLASSES.get(images.labels()[i]), images.files().get(i).getParent().getFileName().toString());
        }
        assertArrayEquals(new int[]{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, perClass);
    }

    @Test
    void imagenetFlatFolderIsLabelledFromGroundTruth() throws Exception {
        Path folder = SharedData.require("imagenet/val-1300");
        Path truth = SharedData.require("imagenet/val.txt");
        LabelledImages images = ImageNetValidation.flat(folder, truth);
        assertEquals(1300, images.size());
        assertEquals(1000, images.numClasses());
        // Cross-check three images against val.txt read independently.
        List<String> lines = Files.readAllLines(truth);
        for (int i : new int[]{0, 650, 1299}) {
            String name = images.files().get(i).getFileName().toString();
            String line = lines.stream().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow();
            assertEquals(Integer.parseInt(line.split(" ")[1]), images.labels()[i], name);
        }
        assertEquals(images.size(), ImageFolders.open(folder, null, null).size(), "val.txt found beside the folder");
    }

    @Test
    void imagenetSynsetFoldersUseTheSynsetListOrder(@TempDir Path tmp) throws Exception {
        Path words = SharedData.require("imagenet/labels/synset_words.txt");
        Path src = SharedData.require("imagenet/val-1300");
        List<String> synsets = Files.readAllLines(words).stream().map(l -> l.split(" ")[0]).toList();
        Path root = tmp.resolve("val");
        List<Path> some = ImageNetValidation.sortedImages(src).subList(0, 3);
        int[] classes = {0, 999, 500};
        for (int i = 0; i < 3; i++) {
            Path dir = Files.createDirectories(root.resolve(synsets.get(classes[i])));
            Files.copy(some.get(i), dir.resolve(some.get(i).getFileName()));
        }
        LabelledImages images = ImageNetValidation.synsetFolders(root, words);
        assertEquals(3, images.size());
        // Folders are visited in name order: n01440764 (0), then class 500's synset, then class 999's.
        assertArrayEquals(new int[]{0, 500, 999}, images.labels());
        assertEquals(3, ImageFolders.open(root, null, words).size());
    }

    @Test
    void resizeAndCenterCropKeepsTheCenterAndConvertsToRgb(@TempDir Path tmp) throws Exception {
        // 400 wide × 300 high: left quarter red, right quarter blue, middle green. Shorter side → 256 makes it
        // 341×256; the 224 center crop spans resized x 58..281, i.e. source x ≈ 68..329: it starts inside the red
        // band (x < 100) and ends inside the blue one (x ≥ 300), with green in the middle.
        BufferedImage img = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 400; x++) {
            int rgb = x < 100 ? 0xFF0000 : x >= 300 ? 0x0000FF : 0x00FF00;
            for (int y = 0; y < 300; y++) {
                img.setRGB(x, y, rgb);
            }
        }
        Path dir = Files.createDirectories(tmp.resolve("imgs"));
        Path file = dir.resolve("a.png");
        ImageIO.write(img, "png", file.toFile());
        LabelledImages one = new LabelledImages("synthetic", List.of(file), new int[]{3}, 5);

        DataSet crop = one.iterator(ImagePreprocessing.resizeAndCenterCrop(224, Normalization.NONE), 1).next();
        INDArray x = crop.getFeatures();
        assertArrayEquals(new long[]{1, 3, 224, 224}, x.shape());
        assertEquals(255.0, x.getDouble(0, 1, 112, 112), 1e-3, "green in the middle, RGB order");
        assertEquals(0.0, x.getDouble(0, 0, 112, 112), 1e-3);
        assertEquals(255.0, x.getDouble(0, 0, 112, 0), 1.0, "left edge (source x ≈ 68) is in the red band");
        assertEquals(255.0, x.getDouble(0, 2, 112, 223), 1.0, "right edge (source x ≈ 329) is in the blue band");
        assertEquals(0.0, x.getDouble(0, 0, 112, 223), 1.0);
        assertEquals(3, crop.getLabels().argMax(1).getInt(0));
        assertEquals(5, crop.getLabels().size(1));

        DataSet direct = one.iterator(ImagePreprocessing.resize(32, 32, Normalization.TF).channelsLast(), 1).next();
        INDArray y = direct.getFeatures();
        assertArrayEquals(new long[]{1, 32, 32, 3}, y.shape());
        assertEquals(1.0, y.getDouble(0, 16, 16, 1), 1e-3, "(255 − 127.5) / 127.5");
        assertEquals(-1.0, y.getDouble(0, 16, 16, 0), 1e-3);
        assertEquals(1.0, y.getDouble(0, 16, 0, 0), 1e-3, "direct resize keeps the red band at the left");

        DataSet caffe = one.iterator(ImagePreprocessing.resize(8, 8, Normalization.CAFFE), 1).next();
        assertEquals(-103.939, caffe.getFeatures().getDouble(0, 0, 4, 4), 1e-3, "BGR: channel 0 is blue, mean removed");
        assertEquals(255 - 116.779, caffe.getFeatures().getDouble(0, 1, 4, 4), 1e-3);
    }

    /** ocs4j decodes each image itself (to name a file that fails); the pixels are DataVec's to the last bit. */
    @Test
    void batchesAreDecodedExactlyAsDataVecsImageRecordReaderDecodesThem() throws Exception {
        check(Cifar10.classFolders(SharedData.require("cifar10/test")).sample(40, 1),
                ImagePreprocessing.resize(32, 32, Normalization.UNIT).channelsLast());
        LabelledImages imagenet = ImageFolders.open(SharedData.require("imagenet/val-1300"), null, null).first(24);
        check(imagenet, ImagePreprocessing.resizeAndCenterCrop(224, Normalization.TF));
        check(imagenet, ImagePreprocessing.resize(160, 128, Normalization.CAFFE));
    }

    private static void check(LabelledImages images, ImagePreprocessing pre) throws Exception {
        var reader = new org.datavec.image.recordreader.ImageRecordReader(pre.height(), pre.width(), 3,
                pre.layout() == org.deeplearning4j.nn.conf.CNN2DFormat.NCHW, new IndexLabels(images),
                LabelledImages.transform(pre));
        reader.initialize(new org.datavec.api.split.CollectionInputSplit(
                images.files().stream().map(Path::toUri).toList()));
        var dataVec = new org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator(reader, 16, 1,
                images.numClasses());
        dataVec.setPreProcessor(new ImageNormalizer(pre));
        DataSetIterator ours = images.iterator(pre, 16);
        int batches = 0;
        while (dataVec.hasNext()) {
            DataSet want = dataVec.next();
            DataSet got = ours.next();
            assertEquals(want.getFeatures(), got.getFeatures(), images.description() + " batch " + batches);
            assertEquals(want.getLabels(), got.getLabels());
            batches++;
        }
        assertTrue(!ours.hasNext() && batches > 0);
        System.out.printf("%s, %s: %d batches identical to DataVec's ImageRecordReader%n", images.description(),
                pre.describe(), batches);
    }

    /** File → label, as DataVec's label generators are asked. */
    private record IndexLabels(LabelledImages images) implements org.datavec.api.io.labels.PathLabelGenerator {
        @Override
        public org.datavec.api.writable.Writable getLabelForPath(String path) {
            int i = images.files().stream().map(p -> p.toAbsolutePath().normalize().toString()).toList()
                    .indexOf(Path.of(path).toAbsolutePath().normalize().toString());
            return new org.datavec.api.writable.IntWritable(images.labels()[i]);
        }

        @Override
        public org.datavec.api.writable.Writable getLabelForPath(java.net.URI uri) {
            return getLabelForPath(Path.of(uri).toString());
        }

        @Override
        public boolean inferLabelClasses() {
            return false;
        }
    }

    @Test
    void batchesCoverEveryImageOnce() {
        LabelledImages images = Cifar10.classFolders(SharedData.require("cifar10/test")).first(70);
        DataSetIterator it = images.iterator(ImagePreprocessing.resize(32, 32, Normalization.UNIT), 32);
        int n = 0;
        while (it.hasNext()) {
            DataSet b = it.next();
            n += b.numExamples();
            assertTrue(b.getFeatures().maxNumber().doubleValue() <= 1.0);
        }
        assertEquals(70, n);
    }

    @Test
    void badInputNamesWhatIsWrong(@TempDir Path tmp) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Cifar10.classFolders(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageFolders.open(tmp, null, null));
        assertTrue(e.getMessage().contains("not a known image layout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LabelledImages("x", List.of(tmp.resolve("a.jpg")), new int[]{7}, 5));
        assertTrue(e.getMessage().contains("class 7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ImagePreprocessing.resize(0, 5, Normalization.NONE));
        assertTrue(e.getMessage().contains("0×5"), e.getMessage());
    }
}
