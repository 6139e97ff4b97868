package org.ocs4j.sweep;

import org.ocs4j.pipeline.OcsConfig;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.TestNets;
import org.ocs4j.progress.Progress;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep runner on a small CNN whose labels are its own FP32 predictions (so FP32 scores 100 %): every cell is
 * measured once, an interrupted sweep (a failure after three cells plus a half-written line) resumes without
 * recomputing them and ends with exactly the numbers of an uninterrupted run, another sweep's directory is refused,
 * and the report files (table, CSV, JSON, three decodable PNGs) are written.
 */
class SweepRunnerTest {

    @TempDir
    Path dir;

    private static final SweepConfig CONFIG = new SweepConfig(List.of(8, 3), List.of(8),
            Column.parseList("none,mse,ocs:0.05,ocs+best"), OcsConfig.builder().calibrationBatches(2).seed(7).build());

    private final MultiLayerNetwork net = TestNets.mln(11);
    private final DataSet data = selfLabelled(net);

    private static DataSet selfLabelled(MultiLayerNetwork net) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 64, 3, 12, 12);
        INDArray predicted = net.output(x).argMax(1);
        INDArray y = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 64, 5);
        for (int i = 0; i < 64; i++) y.putScalar(i, predicted.getInt(i), 1f);
        return new DataSet(x, y);
    }

    /** Counts scored models; throws after {@code failAfter} of them (a kill), or never when negative. */
    private final class CountingScorer implements Scorer {
        final ClassificationScorer inner = new ClassificationScorer(() -> new ListDataSetIterator<>(data.batchBy(16), 16),
                0, 64, "64 self-labelled random images", org.ocs4j.exec.Executor.DL4J);
        final int failAfter;
        int calls;

        CountingScorer(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public String metric() {
            return inner.metric();
        }

        @Override
        public boolean higherIsBetter() {
            return true;
        }

        @Override
        public String describe() {
            return inner.describe();
        }

        @Override
        public Score score(Model model, Progress progress) {
            if (failAfter >= 0 && calls == failAfter) {
                throw new IllegalStateException("killed");
            }
            calls++;
            return inner.score(model, progress);
        }
    }

    private SweepRunner runner(Scorer scorer) {
        return new SweepRunner(net).describedAs("test", "test-model").config(CONFIG).scorer(scorer)
                .calibrateOn(new ListDataSetIterator<>(data.batchBy(16), 16), "the evaluation images");
    }

    @Test
    void anInterruptedSweepResumesWithoutRecomputingAndEndsWithTheSameNumbers() throws Exception {
        CountingScorer whole = new CountingScorer(-1);
        SweepResult uninterrupted = runner(whole).run(dir.resolve("a"));
        assertEquals(1 + 2 * 4, whole.calls, "FP32 + every row × column, each once");
        assertEquals(100.0, uninterrupted.fp32().value(), 1e-9, "labels are the FP32 predictions");
        assertEquals(8, uninterrupted.cells().size());
        assertEquals(0, uninterrupted.reused());
        assertTrue(Files.list(dir.resolve("a").resolve("calibration")).count() >= 2,
                "one calibration file for the columns without OCS, one per set of duplicated channels");

        Path b = dir.resolve("b");
        CountingScorer killed = new CountingScorer(3);
        assertThrows(IllegalStateException.class, () -> runner(killed).run(b));
        assertEquals(3, Files.readAllLines(b.resolve("cells.jsonl")).size());
        Files.writeString(b.resolve("cells.jsonl"), "{\"row\":\"W3A8\",\"col", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND); // the kill came while a line was being written

        CountingScorer resumed = new CountingScorer(-1);
        SweepResult again = runner(resumed).run(b);
        assertEquals(1 + 2 * 4 - 3, resumed.calls, "the three stored cells are not recomputed");
        assertEquals(3, again.reused());
        assertEquals(uninterrupted.fp32().value(), again.fp32().value());
        for (int i = 0; i < uninterrupted.cells().size(); i++) {
            Cell x = uninterrupted.cells().get(i);
            Cell y = again.cells().get(i);
            assertEquals(x.key(), y.key());
            assertEquals(x.resolvedAs(), y.resolvedAs());
            assertEquals(x.value(), y.value(), 0.0, x.key() + ": resumed cells equal uninterrupted ones");
        }
        System.out.println(SweepReport.table(again));

        CountingScorer third = new CountingScorer(-1);
        runner(third).run(b);
        assertEquals(0, third.calls, "a finished sweep is read back whole");
    }

    @Test
    void ocsPlusBestClipIsChosenOnCalibrationDataNeverOnTheScores() {
        SweepConfig config = new SweepConfig(List.of(4), List.of(8), Column.parseList("none,mse,kl,ocs:0.02,ocs:0.2,"
                + "ocs+best"), OcsConfig.builder().calibrationBatches(2).seed(7).build());
        java.util.Random random = new java.util.Random(5);
        Scorer arbitrary = new Scorer() { // scores that say nothing about the cells: the choice must ignore them
            public String metric() {
                return "arbitrary";
            }

            public boolean higherIsBetter() {
                return true;
            }

            public String describe() {
                return "seeded random scores";
            }

            public Score score(org.deeplearning4j.nn.api.Model m, org.ocs4j.progress.Progress p) {
                return new Score(random.nextDouble(), java.util.Map.of(), 64);
            }
        };
        SweepResult r = new SweepRunner(net).config(config).scorer(arbitrary).describedAs("test", "test-model")
                .calibrateOn(new ListDataSetIterator<>(data.batchBy(16), 16), "the evaluation images").run(dir);
        Row row = config.rows().get(0);
        java.util.Comparator<Cell> byError = java.util.Comparator.comparingDouble(
                c -> c.metrics().get(SweepRunner.CALIBRATION_ERROR));
        Cell clip = r.cells().stream().filter(c -> Column.parse(c.column()).clipCandidate()).min(byError).orElseThrow();
        Cell ocs = r.cells().stream().filter(c -> Column.parse(c.column()).ocsCandidate()).min(byError).orElseThrow();
        Cell best = r.cell(row, Column.OCS_BEST).orElseThrow();
        r.cells().forEach(c -> System.out.printf("%s: score %.3f, calibration output error %.4g%n", c.column(),
                c.value(), c.metrics().get(SweepRunner.CALIBRATION_ERROR)));
        assertEquals(Column.ocs(Column.parse(ocs.column()).expandRatio(), Column.parse(clip.column()).clip(), true)
                .id(), best.resolvedAs());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SweepRunner(net)
                .config(config.withColumns(Column.parseList("mse,ocs:0.02,ocs+best"))).scorer(arbitrary)
                .run(dir.resolve("none")));
        assertTrue(e.getMessage().contains("calibration data"), e.getMessage());
    }

    @Test
    void ocsPlusBestClipTakesTheBestRatioAndClipOfItsRow() {
        SweepResult r = runner(new CountingScorer(-1)).run(dir);
        for (Row row : CONFIG.rows()) {
            Cell best = r.cell(row, Column.OCS_BEST).orElseThrow();
            assertEquals("ocs:0.05+mse", best.resolvedAs(), "the only OCS ratio and the only clipping column");
            assertTrue(best.splitLayers() > 0 && best.extraWeights() > 0);
        }
    }

    @Test
    void aFolderOfOtherFilesAFileOrALockedFolderIsRefusedAndNothingOfTheUsersIsTouched() throws Exception {
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("results.csv"), "the user's own table");
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> runner(
                new CountingScorer(-1)).run(mine));
        assertTrue(foreign.getMessage().contains("no sweep's") && foreign.getMessage().contains("--force"),
                foreign.getMessage());
        assertEquals("the user's own table", Files.readString(mine.resolve("results.csv")));

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        IllegalArgumentException notFolder = assertThrows(IllegalArgumentException.class, () -> runner(
                new CountingScorer(-1)).run(file));
        assertTrue(notFolder.getMessage().contains("is a file"), notFolder.getMessage());

        Path locked = Files.createDirectories(dir.resolve("locked"));
        try (var ch = java.nio.channels.FileChannel.open(locked.resolve(SweepStore.LOCK),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE); var lock = ch.lock()) {
            IllegalArgumentException busy = assertThrows(IllegalArgumentException.class, () -> runner(
                    new CountingScorer(-1)).run(locked));
            assertTrue(busy.getMessage().contains("another ocs4j sweep is running"), busy.getMessage());
        }
        assertEquals(8, runner(new CountingScorer(-1)).run(locked).cells().size(), "runs once the lock is free");
        assertEquals(8, runner(new CountingScorer(-1)).force(true).run(mine).cells().size(), "--force");
    }

    @Test
    void aDirectoryHoldingAnotherSweepIsRefused() {
        runner(new CountingScorer(-1)).run(dir);
        SweepRunner other = new SweepRunner(net).describedAs("test", "another-model").config(CONFIG)
                .scorer(new CountingScorer(-1))
                .calibrateOn(new ListDataSetIterator<>(data.batchBy(16), 16), "the evaluation images");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.run(dir));
        assertTrue(e.getMessage().contains("holds another sweep"), e.getMessage());
    }

    @Test
    void theReportHasTheTableTheFilesAndThreePlots() throws Exception {
        SweepResult r = runner(new CountingScorer(-1)).run(dir);
        List<Path> written = SweepReport.write(r, "test net", net, dir);
        String md = Files.readString(dir.resolve(SweepReport.MARKDOWN));
        assertTrue(md.contains("| bits | no clip | MSE | OCS 0.05 | OCS + best clip |"), md);
        assertTrue(md.contains("| FP32 | 100.00 ±2.83 |"), "accuracy with its 95 % interval over 64 examples: " + md);
        assertTrue(md.contains("95 % Wilson interval") && md.contains("beyond chance"), md);
        String w8 = md.lines().filter(l -> l.startsWith("| W8A8 |")).findFirst().orElseThrow();
        assertFalse(w8.contains("**"), "no cell of W8A8 is above the runner-up beyond chance: " + w8);
        assertTrue(md.contains("| W3A8 | 51.56 ±11.89 | **92.19 ±6.82** |"), md);
        assertTrue(md.contains("model SHA-256 | test-model"), md);
        assertEquals(1 + 1 + 8, Files.readAllLines(dir.resolve(SweepReport.CSV)).size(), "header, FP32, 8 cells");
        assertTrue(Files.readString(dir.resolve(SweepReport.JSON)).contains("\"weightSqnrDb\""));
        assertTrue(Files.readString(dir.resolve(SweepReport.JSON)).contains("\"outputError\""));
        List<Path> pngs = written.stream().filter(p -> p.toString().endsWith(".png")).toList();
        assertEquals(3, pngs.size(), written.toString());
        for (Path png : pngs) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png + " decodes");
            assertEquals(900, image.getWidth());
            assertTrue(md.contains("](" + png.getFileName() + ")"), "linked from the report: " + png);
        }
    }

    @Test
    void aMixedPrecisionColumnGivesEachLayerItsWidthAndTheReportListsThem() throws Exception {
        SweepConfig config = new SweepConfig(List.of(4), List.of(8), Column.parseList("per-channel,per-channel+mixed"),
                OcsConfig.builder().calibrationBatches(2).seed(7).build());
        SweepResult r = new SweepRunner(net).describedAs("test", "test-model").config(config)
                .scorer(new CountingScorer(-1)).calibrateOn(new ListDataSetIterator<>(data.batchBy(16), 16),
                        "the evaluation images").run(dir);
        Cell mixed = r.cells().stream().filter(c -> c.column().equals("per-channel+mixed")).findFirst().orElseThrow();
        Cell one = r.cells().stream().filter(c -> c.column().equals("per-channel")).findFirst().orElseThrow();
        System.out.println(mixed.layers().stream().map(l -> l.layer() + " " + l.weightBits()).toList() + " "
                + mixed.value() + " % vs " + one.value() + " %");
        assertTrue(one.layers().stream().allMatch(l -> l.weightBits() == 4));
        assertTrue(mixed.layers().stream().map(Cell.Layer::weightBits).distinct().count() > 1, mixed.layers().toString());
        SweepReport.write(r, "test net", net, dir);
        String md = Files.readString(dir.resolve(SweepReport.MARKDOWN));
        assertTrue(md.contains("| bits | per-channel | per-channel + mixed precision |"), md);
        String line = "- W4A8 `per-channel+mixed`: " + mixed.layers().stream().map(l -> l.layer() + " "
                + l.weightBits()).collect(java.util.stream.Collectors.joining(", "));
        assertTrue(md.contains("Mixed precision, weight bits per layer") && md.contains(line), md);
    }
}
