package org.ocs4j.quant;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ocs4j.io.ModelFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Calibration statistics saved to JSON and reused by another run on the same model (like TensorRT's calibration
 * cache). The file records the fingerprint of what was calibrated ({@link #fingerprint(Model, String)}: the model
 * before weight OCS and which channels weight OCS duplicated, so a cache made for another model or expand ratio is
 * refused) and the statistics of every quantized layer's input. Statistics, not clip values, are stored, so any bit
 * width and clip method the statistics serve can be computed from one cache.
 *
 * @param fingerprint the calibrated model's fingerprint
 * @param data        what the calibration data was (which data, how drawn, seed, preprocessing, batch size)
 * @param batches     calibration batches per pass the run asked for
 * @param used        what the calibration read ({@code "4 batches (128 examples) per pass"})
 * @param inputs      node name → statistics of that node's output (a quantized layer's input)
 */
public record CalibrationCache(String fingerprint, String data, int batches, String used,
                               Map<String, TensorStatistics.Snapshot> inputs) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * @return the fingerprint of a model: SHA-256 of its configuration JSON (seed and input lengths ignored) and
     * parameter values
     */
    public static String fingerprint(Model model) {
        return fingerprint(model, "");
    }

    /**
     * @param model      the model before weight OCS (after activation OCS, which changes activations)
     * @param duplicated which channels weight OCS duplicates ({@code WidenPlan.duplicatedChannels()}), "" for none
     * @return the fingerprint of the activations a widened model computes: SHA-256 of the model's configuration
     * JSON (seed and input lengths ignored), its parameter values and, when not empty, {@code duplicated}. Widened
     * variants that duplicate the same channels — halved plainly or on the grid of any bit width or clip value —
     * compute the same activations up to float rounding, and share a fingerprint.
     */
    public static String fingerprint(Model model, String duplicated) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (!duplicated.isEmpty()) {
                md.update(("duplicated channels\n" + duplicated).getBytes(StandardCharsets.UTF_8));
            }
            String json = model instanceof MultiLayerNetwork m ? m.getLayerWiseConfigurations().toJson()
                    : ((ComputationGraph) model).getConfiguration().toJson();
            // DL4J records the configuration's random seed, which defaults to the clock: a model imported or built
            // again (a Keras or TF import, say) would otherwise never match its own cache.
            // An EmbeddingSequenceLayer with inferInputLength rewrites its "inputLength" to the length of the last
            // sequence it saw, so a language model's configuration changes with every forward pass.
            md.update(json.replaceAll("\"seed\"\\s*:\\s*-?\\d+", "\"seed\":0")
                    .replaceAll("\"inputLength\"\\s*:\\s*-?\\d+", "\"inputLength\":0")
                    .getBytes(StandardCharsets.UTF_8));
            double[] params = model.params().toDoubleVector();
            ByteBuffer buffer = ByteBuffer.allocate(8 * 4096);
            for (int i = 0; i < params.length; i++) {
                buffer.putDouble(params[i]);
                if (!buffer.hasRemaining() || i == params.length - 1) {
                    md.update(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the statistics, restored */
    public Map<String, TensorStatistics> statistics() {
        Map<String, TensorStatistics> out = new LinkedHashMap<>();
        inputs.forEach((k, v) -> out.put(k, TensorStatistics.fromSnapshot(v)));
        return out;
    }

    /** Writes the cache atomically. */
    public void save(Path file) throws IOException {
        ModelFiles.writeString(file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n");
    }

    /**
     * Refuses this cache when a run asks for other calibration data or another number of batches than made it.
     *
     * @param data    the run's calibration data, as its description says
     * @param batches the run's batches per pass
     * @throws IllegalArgumentException naming the file and the difference
     */
    public void requireMadeFrom(Path file, String data, int batches) {
        if (!this.data.equals(data)) {
            throw new IllegalArgumentException("calibration file " + file + " was made from other calibration data ("
                    + this.data + ") than this run asks for (" + data + "): delete it, choose another file, or give"
                    + " the data it was made from");
        }
        if (this.batches != batches) {
            throw new IllegalArgumentException("calibration file " + file + " was made from " + this.batches
                    + " batches per pass, this run asks for " + batches + ": delete it or choose another file");
        }
    }

    /**
     * Reads a cache and checks its fingerprint.
     *
     * @param expected the fingerprint of what is being calibrated ({@link #fingerprint(Model, String)})
     * @throws IllegalArgumentException naming the file when it is unreadable or made for another model
     */
    public static CalibrationCache load(Path file, String expected) {
        CalibrationCache cache;
        try {
            cache = MAPPER.readValue(Files.readString(file), CalibrationCache.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("calibration file " + file + " is not a readable ocs4j calibration cache: "
                    + e.getMessage(), e);
        }
        if (cache.data() == null || cache.used() == null) {
            throw new IllegalArgumentException("calibration file " + file + " does not record which data made it"
                    + " (an older ocs4j wrote it): delete it to calibrate again");
        }
        if (!expected.equals(cache.fingerprint())) {
            throw new IllegalArgumentException("calibration file " + file + " was made for another model or expand"
                    + " ratio (fingerprint " + cache.fingerprint() + ", this model " + expected + "); delete it or choose another file");
        }
        return cache;
    }
}
