package org.ocs4j.cli;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ocs4j.graph.InputShape;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.io.NpyFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input the CLI must answer with an exit code and one line naming the problem, one row per case: the
 * command ({@code {d}} is the test folder), the exit code, a phrase the message must contain, and the files that must
 * not exist afterwards. Every file the cases read is checked unchanged afterwards, and no case may print a stack
 * trace.
 */
class CliFailuresTest {

    @TempDir
    static Path dir;
    private static final Map<Path, String> INPUTS = new LinkedHashMap<>();

    /** One case: what to run, and what must come of it. */
    record Case(String name, String command, int code, String phrase, List<String> absent) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case c(String name, String command, int code, String phrase, String... absent) {
        return new Case(name, command, code, phrase, List.of(absent));
    }

    static Stream<Case> cases() {
        String widen = "widen {d}/lenet.zip --expand-ratio 0.05 --out {d}/w.zip --report {d}/w.json";
        String quantize = "quantize {d}/lenet.zip --weight-bits 8 --out {d}/q.zip --report {d}/q.json";
        String eval = "eval {d}/tiny.zip --normalization unit --data ";
        return Stream.of(
                c("missing model", widen.replace("lenet.zip", "nope.zip"), 1, "does not exist", "w.zip", "w.json"),
                c("directory as model", widen.replace("lenet.zip", "folder"), 1, "does not exist (or is not a file)"),
                c("empty model file", widen.replace("lenet.zip", "empty.zip"), 1, "not a readable zip", "w.zip"),
                c("truncated model", widen.replace("lenet.zip", "truncated.zip"), 1, "not a readable zip", "w.zip"),
                c("damaged model entry", widen.replace("lenet.zip", "flipped.zip"), 1, "damaged entry", "w.zip"),
                c("zip without parameters", widen.replace("lenet.zip", "noparams.zip"), 1, "has no coefficients.bin"),
                c("random bytes named .h5", widen.replace("lenet.zip", "random.h5"), 1, "HDF5 signature", "w.zip"),
                c("NaN weights", widen.replace("lenet.zip", "nan.zip"), 1, "\"cnn1\" (ConvolutionLayer) has 1 NaN and 0"
                        + " infinite values in its parameter W", "w.zip", "w.json"),
                c("weight bits 1", quantize.replace("8", "1"), 1, "weight bit width 1 is outside 2..16", "q.zip"),
                c("weight bits 17", quantize.replace("8", "17"), 1, "weight bit width 17 is outside", "q.zip"),
                c("weight bits 0", quantize.replace("8", "0"), 1, "weight bit width 0 is outside", "q.zip"),
                c("expand ratio -0.1", widen.replace("0.05", "-0.1"), 1, "expand ratio -0.1", "w.zip"),
                c("expand ratio 1.5", widen.replace("0.05", "1.5"), 1, "expand ratio 1.5", "w.zip"),
                c("expand ratio NaN", widen.replace("0.05", "NaN"), 1, "expand ratio NaN", "w.zip"),
                c("inspect expand ratio -0.1", "inspect {d}/lenet.zip --expand-ratio -0.1", 1, "expand ratio -0.1"),
                c("output is the input", widen.replace("{d}/w.zip", "{d}/lenet.zip"), 1, "never overwrites its input",
                        "w.json"),
                c("output is a symlink to the input", widen.replace("{d}/w.zip", "{d}/link.zip"), 1,
                        "link.zip is a symbolic link", "w.json"),
                c("output is a hard link to the input", widen.replace("{d}/w.zip", "{d}/hard.zip"), 1,
                        "never overwrites its input", "w.json"),
                c("--out X --report X", widen.replace("{d}/w.json", "{d}/w.zip"), 1,
                        "--report " + "{d}/w.zip is the same file as --out", "w.zip"),
                c("report to a device", widen.replace("{d}/w.json", "/dev/null"), 1, "/dev/null", "w.zip"),
                c("unknown clip method", quantize + " --clip foo", 1, "unknown clip method \"foo\"", "q.zip"),
                c("misspelt required option", widen.replace("--expand-ratio", "--expnd-ratio"), 2,
                        "Unknown option: '--expnd-ratio'", "w.zip"),
                c("wrong-shape calibration", quantize + " --activation-bits 8 --calibration {d}/badshape.npy", 1,
                        "shape", "q.zip", "q.json"),
                c("NaN in calibration data", quantize + " --activation-bits 8 --calibration {d}/nan.npy", 1,
                        "NaN", "q.zip", "q.json"),
                c("truncated calibration .npy", quantize + " --activation-bits 8 --calibration {d}/cut.npy", 1,
                        "cut.npy holds", "q.zip", "q.json"),
                c("header-only .npy tensor", "tensor {d}/header.npy --bits 4", 1, "header.npy holds 0 bytes"),
                c("sweep into a folder of the user's files", "sweep {d}/tiny.zip --normalization unit --data"
                        + " {d}/cifar --skip-unreadable --out {d}/userfolder", 1, "--force"),
                c("foreign calibration cache", quantize + " --activation-bits 8 --calibration {d}/calib.npy"
                        + " --calibration-cache {d}/foreign-cache.json", 1, "made for another model", "q.zip"),
                c("missing data folder", eval + "{d}/nowhere", 1, "nowhere"),
                c("empty data folder", eval + "{d}/emptydata", 1, "not a known image layout"),
                c("corrupt image", eval + "{d}/cifar", 1, "cat/b.png cannot be decoded"),
                c("negative --limit", eval + "{d}/cifar --limit -5", 1, "--limit -5 must be at least 1"),
                c("sweep --out a regular file", "sweep {d}/tiny.zip --normalization unit --data {d}/cifar"
                        + " --skip-unreadable --out {d}/empty.zip", 1, "empty.zip"));
    }

    @BeforeAll
    static void writeInputs() throws Exception {
        Path lenet = dir.resolve("lenet.zip");
        assertEquals(0, CliTest.run("zoo", "lenet", "--out", lenet.toString(), "--seed", "7").code());
        byte[] bytes = Files.readAllBytes(lenet);
        Files.createDirectories(dir.resolve("folder"));
        Files.write(dir.resolve("empty.zip"), new byte[0]);
        Files.write(dir.resolve("truncated.zip"), Arrays.copyOf(bytes, bytes.length / 3));
        Files.write(dir.resolve("flipped.zip"), flipped(bytes));
        Files.write(dir.resolve("random.h5"), random(4096, 3));
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(dir.resolve("noparams.zip")))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("configuration.json"));
            zip.write(ModelSerializer.restoreMultiLayerNetwork(lenet.toFile()).getLayerWiseConfigurations().toJson()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        MultiLayerNetwork nan = ModelSerializer.restoreMultiLayerNetwork(lenet.toFile());
        nan.getLayer(0).getParam("W").putScalar(3, Double.NaN);
        ModelFiles.save(nan, dir.resolve("nan.zip"), InputShape.of(1, 28, 28));
        Files.createSymbolicLink(dir.resolve("link.zip"), lenet);
        Files.createLink(dir.resolve("hard.zip"), lenet);
        NpyFiles.write(Nd4j.rand(4, 3, 5, 5), dir.resolve("badshape.npy"));
        NpyFiles.write(Nd4j.rand(8, 1, 28, 28), dir.resolve("calib.npy"));
        var withNan = Nd4j.rand(8, 1, 28, 28);
        withNan.putScalar(new long[] {2, 0, 3, 3}, Double.NaN);
        NpyFiles.write(withNan, dir.resolve("nan.npy"));
        byte[] npy = Files.readAllBytes(dir.resolve("calib.npy"));
        Files.write(dir.resolve("cut.npy"), Arrays.copyOf(npy, npy.length / 2));
        Files.write(dir.resolve("header.npy"), Arrays.copyOf(npy, 128));
        Files.writeString(Files.createDirectories(dir.resolve("userfolder")).resolve("notes.txt"), "mine\n");
        Path other = dir.resolve("other.zip");
        assertEquals(0, CliTest.run("zoo", "lenet", "--out", other.toString(), "--seed", "8").code());
        CliTest.Run made = CliTest.run("quantize", other.toString(), "--weight-bits", "8", "--activation-bits", "8",
                "--calibration", dir.resolve("calib.npy").toString(), "--calibration-cache",
                dir.resolve("foreign-cache.json").toString(), "--out", dir.resolve("other-q.zip").toString(),
                "--report", dir.resolve("other-q.json").toString());
        assertEquals(0, made.code(), made.err());
        Files.createDirectories(dir.resolve("emptydata"));
        writeCifarFolder(dir.resolve("cifar"));
        ModelFiles.save(tinyCifarModel(), dir.resolve("tiny.zip"), InputShape.of(3, 32, 32));
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                INPUTS.put(p, ModelFiles.sha256(p));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithOneLineAndNothingWritten(Case k) throws IOException {
        String[] args = k.command().replace("{d}", dir.toString()).split(" ");
        CliTest.Run r = CliTest.run(args);
        String err = r.err().strip();
        System.out.printf("%-36s exit %d: %s%n", k.name(), r.code(), err.lines().reduce((a, b) -> b).orElse(""));
        assertEquals(k.code(), r.code(), k.name() + ": " + r.err());
        String last = err.lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.contains(k.phrase().replace("{d}", dir.toString())), k.name() + ": " + r.err());
        assertFalse(err.contains("\tat ") || err.contains("Exception:"), k.name() + " printed a stack trace:\n" + err);
        for (String f : k.absent()) {
            assertFalse(Files.exists(dir.resolve(f)), k.name() + " left " + f);
        }
        for (Map.Entry<Path, String> in : INPUTS.entrySet()) {
            assertEquals(in.getValue(), ModelFiles.sha256(in.getKey()), k.name() + " changed " + in.getKey());
        }
        assertFalse(Files.isRegularFile(Path.of("/dev/null")), "/dev/null is still a device");
        try (Stream<Path> left = Files.list(dir)) {
            List<String> temps = left.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp")).toList();
            assertTrue(temps.isEmpty(), k.name() + " left temporary files " + temps);
        }
    }

    @org.junit.jupiter.api.Test
    void skipUnreadableLeavesCorruptImagesOutAndNamesThem() {
        CliTest.Run r = CliTest.run("eval", dir.resolve("tiny.zip").toString(), "--normalization", "unit", "--data",
                dir.resolve("cifar").toString(), "--skip-unreadable");
        System.out.print(r.out());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 unreadable image skipped: b.png") && r.out().contains("19"), r.out());
    }

    @org.junit.jupiter.api.Test
    void aLanguageModelIsWidenedAndCheckedOnRandomTokens() throws Exception {
        Path lm = dir.resolve("lm.zip");
        ModelSerializer.writeModel(org.ocs4j.train.ReferenceModels.lstmLanguageModel(30, 8, 12, 1), lm.toFile(), false);
        CliTest.Run r = CliTest.run("widen", lm.toString(), "--expand-ratio", "0.1", "--out",
                dir.resolve("lm-w.zip").toString(), "--report", dir.resolve("lm-w.json").toString());
        System.out.print(r.out());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("multiply-adds not counted") && r.out().contains("relative="), r.out());
        Files.delete(dir.resolve("lm-w.zip"));
        Files.delete(dir.resolve("lm-w.json"));
    }

    private static byte[] flipped(byte[] zip) {
        byte[] b = zip.clone();
        for (int i = b.length / 2; i < b.length / 2 + 64; i++) {
            b[i] ^= (byte) 0x5a;
        }
        return b;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Two 32×32 PNGs per CIFAR-10 class; {@code cat/b.png} is random bytes. */
    static void writeCifarFolder(Path root) throws IOException {
        Random rnd = new Random(5);
        for (String c : org.ocs4j.data.Cifar10.CLASSES) {
            Path d = Files.createDirectories(root.resolve(c));
            for (String name : List.of("a.png", "b.png")) {
                BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        img.setRGB(x, y, rnd.nextInt(1 << 24));
                    }
                }
                ImageIO.write(img, "png", d.resolve(name).toFile());
            }
        }
        Files.write(root.resolve("cat").resolve("b.png"), random(2000, 9));
    }

    static MultiLayerNetwork tinyCifarModel() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new ConvolutionLayer.Builder(3, 3).stride(4, 4).nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(32, 32, 3)).build());
        net.init();
        return net;
    }
}
