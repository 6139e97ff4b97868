package org.ocs4j.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ocs4j.io.NpyFiles;
import org.ocs4j.testing.SharedData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clip values of the OCS authors' own functions ({@code find_clip_mmse}, {@code find_clip_aciq},
 * {@code find_clip_entropy} on {@code x.flatten()}; {@code ../shared/fixtures/reference-clip/expected.json}): 6
 * tensors × bits 2..8, through the streamed statistics calibration uses — once in one batch, once in seven. MSE and KL
 * must agree to 1e-6 relative, ACIQ (float32 sums in the reference) to 1e-3.
 */
@Tag("data")
class ReferenceClipTest {

    @Test
    void allFortyTwoCasesMatchTheAuthorsFunctions() throws Exception {
        Path dir = SharedData.fixture("reference-clip");
        JsonNode expected = new ObjectMapper().readTree(Files.readString(dir.resolve("expected.json")));
        List<String> failures = new ArrayList<>();
        int cases = 0;
        double worst = 0;
        for (JsonNode c : expected.get("cases")) {
            INDArray x = NpyFiles.readFloating(dir.resolve(c.get("file").asText()));
            x = x.reshape(x.length());
            int bits = c.get("bits").asInt();
            for (int batches : new int[] {1, 7}) {
                TensorStatistics s = streamed(x, batches);
                worst = Math.max(worst, check(failures, c, "mse", ClipEstimators.estimate(ClipMethod.MSE, s, bits),
                        1e-6, batches));
                check(failures, c, "aciq", ClipEstimators.estimate(ClipMethod.ACIQ, s, bits), 1e-3, batches);
                worst = Math.max(worst, check(failures, c, "kl", ClipEstimators.estimate(ClipMethod.KL, s, bits), 1e-6,
                        batches));
            }
            cases++;
        }
        System.out.printf(Locale.ROOT, "reference clip values: %d cases × {MSE, ACIQ, KL} × {1, 7 batches};"
                + " worst MSE/KL relative difference %.2g; %d outside tolerance%n", cases, worst, failures.size());
        failures.forEach(System.out::println);
        assertTrue(cases == 42, "42 cases in the fixture, read " + cases);
        assertTrue(failures.isEmpty(), failures.size() + " clip values differ from the authors': " + failures);
    }

    /** Statistics of {@code x} observed in {@code batches} consecutive pieces, as calibration streams them. */
    private static TensorStatistics streamed(INDArray x, int batches) {
        TensorStatistics s = new TensorStatistics(TensorStatistics.DEFAULT_KL_BINS);
        long n = x.length();
        for (int pass = 0; pass < 2; pass++) {
            for (int b = 0; b < batches; b++) {
                INDArray piece = x.get(NDArrayIndex.interval(n * b / batches, n * (b + 1) / batches)).dup();
                if (pass == 0) s.observeRange(piece);
                else s.observeDistribution(piece);
            }
        }
        return s;
    }

    private static double check(List<String> failures, JsonNode c, String method, ClipResult r, double tolerance,
                                int batches) {
        double want = c.get(method).asDouble();
        double relative = Math.abs(r.alpha() - want) / Math.abs(want);
        if (!(relative <= tolerance)) {
            failures.add(String.format(Locale.ROOT, "%s %d bits %s (%d batches): %.8g vs the authors' %.8g (%.2g)",
                    c.get("file").asText(), bits(c), method, batches, r.alpha(), want, relative));
        }
        return relative;
    }

    private static int bits(JsonNode c) {
        return c.get("bits").asInt();
    }
}
