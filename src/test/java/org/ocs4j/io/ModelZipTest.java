package org.ocs4j.io;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ocs4j.imports.ModelLoader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged model zips: every truncation is refused with a message naming the file, and a mutated byte gives either
 * a refusal or exactly the original model — never garbage parameters, another exception or a JVM crash.
 */
class ModelZipTest {

    private static final MultiLayerNetwork NET = tinyNet();
    private static final byte[] GOOD = zipOf(NET);

    private static MultiLayerNetwork tinyNet() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build()).build());
        net.init();
        return net;
    }

    private static byte[] zipOf(MultiLayerNetwork net) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ModelSerializer.writeModel(net, out, false);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Model load(byte[] bytes) throws IOException {
        Path f = Files.createTempFile("ocs4j-fuzz", ".zip");
        try {
            Files.write(f, bytes);
            return ModelLoader.load(f);
        } finally {
            Files.delete(f);
        }
    }

    @Property(tries = 200, seed = "42")
    void truncatedZipsAreAlwaysRefused(@ForAll @IntRange(min = 0, max = 100_000) int length) {
        byte[] cut = Arrays.copyOf(GOOD, length % GOOD.length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(cut));
        assertTrue(e.getMessage().contains("ocs4j-fuzz"), e.getMessage());
    }

    @Property(tries = 300, seed = "7")
    void mutatedZipsAreRefusedOrReadExactly(@ForAll @IntRange(min = 0, max = 100_000) int at,
                                            @ForAll @IntRange(min = 1, max = 255) int flip) throws IOException {
        byte[] m = GOOD.clone();
        m[at % m.length] ^= (byte) flip;
        Model loaded;
        try {
            loaded = load(m);
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage().contains("ocs4j-fuzz"), refused.getMessage());
            return;
        }
        INDArray params = loaded.params();
        assertEquals(NET.params(), params, "a model read from a mutated file is the original, byte " + at % m.length);
    }

    @Property(tries = 100, seed = "3")
    void corruptParameterHeadersAreRefusedBeforeAnyAllocation(@ForAll @IntRange(min = 0, max = 63) int at,
                                                              @ForAll @IntRange(min = 1, max = 255) int flip)
            throws IOException {
        // rewrite coefficients.bin itself (stored with a valid CRC), so that only the array checks can catch it
        ByteArrayOutputStream coefficients = new ByteArrayOutputStream();
        try (var dos = new java.io.DataOutputStream(coefficients)) {
            org.nd4j.linalg.factory.Nd4j.write(NET.params(), dos);
        }
        byte[] c = coefficients.toByteArray();
        c[at % c.length] ^= (byte) flip;
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (var z = new java.util.zip.ZipOutputStream(zip)) {
            z.putNextEntry(new java.util.zip.ZipEntry("configuration.json"));
            z.write(NET.getLayerWiseConfigurations().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.putNextEntry(new java.util.zip.ZipEntry("coefficients.bin"));
            z.write(c);
        }
        try {
            Model loaded = load(zip.toByteArray());
            assertEquals(NET.params().length(), loaded.params().length(), "a model read whole has every parameter");
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage().contains("ocs4j-fuzz"), refused.getMessage());
        }
    }
}
